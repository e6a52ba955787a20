//! # Example 03: Custom iterators
//!
//! - **Shows:** `Iterator` written by hand; a collection with `iter`, `iter_mut` and
//!   `into_iter` (the three `IntoIterator` impls for `&T`, `&mut T` and `T`); an iterator
//!   that borrows its collection; a hand-written adapter; laziness; `DoubleEndedIterator` and
//!   `ExactSizeIterator`; `impl Iterator` return types and the edition-2024 capture rules with
//!   `+ use<>`.
//! - **Read after:** module 02 (`notes/03-associated-types.md`); the lifetime parts build on
//!   module 01 (`notes/03-lifetimes-explained.md`).
//! - **Run:** `cargo run -p examples --bin example-custom-iterators`
//! - **Test:** `cargo test -p examples --bin example-custom-iterators`
//!
//! An iterator is any type with a `next(&mut self) -> Option<Self::Item>` method. Everything
//! else on the `Iterator` trait (`map`, `filter`, `sum`, `rev`, ...) is a provided method
//! built on `next`, plus optional hooks such as `size_hint` that let adapters do better.
//! Sources: <https://doc.rust-lang.org/std/iter/index.html> and the Edition Guide's
//! "RPIT lifetime capture rules"
//! (<https://doc.rust-lang.org/edition-guide/rust-2024/rpit-lifetime-capture.html>).

use std::iter::FusedIterator;
use std::mem;

// ---------------------------------------------------------------------------------------------
// 1. The smallest hand-written iterator
// ---------------------------------------------------------------------------------------------

/// Counts down from `start` to 1, like a launch sequence.
#[derive(Debug, Clone)]
struct Countdown {
    remaining: u32,
}

impl Countdown {
    fn from(start: u32) -> Self {
        Countdown { remaining: start }
    }
}

impl Iterator for Countdown {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        if self.remaining == 0 {
            return None;
        }
        let current = self.remaining;
        self.remaining -= 1;
        Some(current)
    }

    /// An exact hint: lower and upper bound are equal. `collect` uses it to allocate once.
    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.remaining as usize;
        (left, Some(left))
    }
}

/// A promise that `size_hint` is exact; gives callers `.len()`.
impl ExactSizeIterator for Countdown {}

/// A promise that after the first `None`, `next` keeps returning `None`.
impl FusedIterator for Countdown {}

/// Fibonacci numbers until they no longer fit in a `u64`: the iterator ends by itself on
/// overflow instead of wrapping around or panicking.
#[derive(Debug)]
struct Fibonacci {
    current: Option<u64>,
    next: Option<u64>,
}

fn fibonacci() -> Fibonacci {
    Fibonacci {
        current: Some(0),
        next: Some(1),
    }
}

impl Iterator for Fibonacci {
    type Item = u64;

    /// The state `(a, b)` yields `a` and becomes `(b, a + b)`. When `a + b` overflows,
    /// `checked_add` gives `None`: `b` is still yielded, and then the sequence ends.
    fn next(&mut self) -> Option<u64> {
        let value = self.current?;
        self.current = self.next;
        self.next = self.next.and_then(|following| value.checked_add(following));
        Some(value)
    }
}

// ---------------------------------------------------------------------------------------------
// 2. A collection with iter / iter_mut / into_iter
// ---------------------------------------------------------------------------------------------

/// One song in a playlist.
#[derive(Debug, Clone, PartialEq)]
struct Track {
    title: String,
    seconds: u32,
}

fn track(title: &str, seconds: u32) -> Track {
    Track {
        title: title.to_owned(),
        seconds,
    }
}

/// An ordered list of tracks. It owns them; the iterators below borrow or consume it.
#[derive(Debug, Default, PartialEq)]
struct Playlist {
    tracks: Vec<Track>,
}

impl Playlist {
    fn push(&mut self, track: Track) {
        self.tracks.push(track);
    }

    /// Yields `&Track`, front to back. Borrowing `self` shared means the playlist cannot be
    /// changed while the iterator is alive: that is what rules out iterator invalidation.
    fn iter(&self) -> Iter<'_> {
        Iter {
            remaining: &self.tracks,
        }
    }

    /// Yields `&mut Track`, so callers can edit tracks in place.
    fn iter_mut(&mut self) -> IterMut<'_> {
        IterMut {
            remaining: &mut self.tracks,
        }
    }

    /// Titles of tracks longer than `seconds`.
    ///
    /// The hidden type borrows `self`. Here the elided lifetime already appears in the bound
    /// (`Item = &str`), so every edition lets it be captured; in edition 2024 a return-position
    /// `impl Trait` captures every lifetime in scope even when the bound does not name it (with
    /// `Item = u32`, edition 2021 would have needed `+ '_`).
    fn titles_longer_than(&self, seconds: u32) -> impl Iterator<Item = &str> {
        self.tracks
            .iter()
            .filter(move |track| track.seconds > seconds)
            .map(|track| track.title.as_str())
    }

    /// A snapshot of the durations that does *not* borrow the playlist.
    ///
    /// `+ use<>` says the hidden type captures no lifetime, so the caller may change the
    /// playlist while still holding this iterator. Without it, edition 2024 assumes the
    /// iterator borrows `self`, and pushing a track during the loop is error E0502.
    fn duration_snapshot(&self) -> impl Iterator<Item = u32> + use<> {
        let durations: Vec<u32> = self.tracks.iter().map(|track| track.seconds).collect();
        durations.into_iter()
    }
}

/// The borrowing iterator. It holds the not-yet-visited part of the slice; each step splits
/// one element off the front (or the back).
#[derive(Debug, Clone)]
struct Iter<'a> {
    remaining: &'a [Track],
}

impl<'a> Iterator for Iter<'a> {
    // The items borrow the playlist for `'a`, not the iterator: they stay valid after the
    // iterator is dropped, for as long as the playlist borrow lasts.
    type Item = &'a Track;

    fn next(&mut self) -> Option<&'a Track> {
        let (first, rest) = self.remaining.split_first()?;
        self.remaining = rest;
        Some(first)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining.len(), Some(self.remaining.len()))
    }
}

/// Lets `rev()` and `next_back()` walk from the end; front and back meet in the middle.
impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        let (last, rest) = self.remaining.split_last()?;
        self.remaining = rest;
        Some(last)
    }
}

impl ExactSizeIterator for Iter<'_> {}
impl FusedIterator for Iter<'_> {}

/// The mutable iterator. Handing out `&'a mut Track` items needs one trick: `next` only has
/// `&mut self` (a shorter borrow), so reborrowing `self.remaining` could not produce an
/// `'a` borrow. Instead we *move* the `&'a mut [Track]` out with `mem::take` (leaving an
/// empty slice behind), split it, and store the rest back. No two items ever overlap.
#[derive(Debug)]
struct IterMut<'a> {
    remaining: &'a mut [Track],
}

impl<'a> Iterator for IterMut<'a> {
    type Item = &'a mut Track;

    fn next(&mut self) -> Option<&'a mut Track> {
        let slice = mem::take(&mut self.remaining);
        let (first, rest) = slice.split_first_mut()?;
        self.remaining = rest;
        Some(first)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining.len(), Some(self.remaining.len()))
    }
}

impl ExactSizeIterator for IterMut<'_> {}

/// `for track in &playlist` calls this.
impl<'a> IntoIterator for &'a Playlist {
    type Item = &'a Track;
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

/// `for track in &mut playlist` calls this.
impl<'a> IntoIterator for &'a mut Playlist {
    type Item = &'a mut Track;
    type IntoIter = IterMut<'a>;

    fn into_iter(self) -> IterMut<'a> {
        self.iter_mut()
    }
}

/// `for track in playlist` calls this and consumes the playlist. Reusing `Vec`'s owning
/// iterator is the honest choice: it already frees the buffer correctly.
impl IntoIterator for Playlist {
    type Item = Track;
    type IntoIter = std::vec::IntoIter<Track>;

    fn into_iter(self) -> Self::IntoIter {
        self.tracks.into_iter()
    }
}

/// `collect::<Playlist>()` calls this.
impl FromIterator<Track> for Playlist {
    fn from_iter<I: IntoIterator<Item = Track>>(items: I) -> Self {
        Playlist {
            tracks: items.into_iter().collect(),
        }
    }
}

/// Accepts anything that yields `&Track`: `&Playlist`, `playlist.iter().rev()`, a `&Vec`...
fn total_seconds<'a>(tracks: impl IntoIterator<Item = &'a Track>) -> u32 {
    tracks.into_iter().map(|track| track.seconds).sum()
}

// ---------------------------------------------------------------------------------------------
// 3. A hand-written adapter
// ---------------------------------------------------------------------------------------------

/// Yields each item together with the one before it: `a, b, c` becomes `(a, b), (b, c)`.
/// Works on any iterator whose items can be cloned (slices have `windows`, iterators don't).
#[derive(Debug)]
struct Pairwise<I: Iterator> {
    inner: I,
    previous: Option<I::Item>,
}

impl<I> Iterator for Pairwise<I>
where
    I: Iterator,
    I::Item: Clone,
{
    type Item = (I::Item, I::Item);

    fn next(&mut self) -> Option<Self::Item> {
        if self.previous.is_none() {
            self.previous = Some(self.inner.next()?);
        }
        let current = self.inner.next()?;
        let previous = self.previous.replace(current.clone())?;
        Some((previous, current))
    }
}

/// An extension trait: gives every iterator a `.pairwise()` method, like std's adapters.
trait PairwiseExt: Iterator + Sized {
    fn pairwise(self) -> Pairwise<Self> {
        Pairwise {
            inner: self,
            previous: None,
        }
    }
}

impl<I: Iterator> PairwiseExt for I {}

fn sample_playlist() -> Playlist {
    [
        track("Intro", 45),
        track("Long Road", 412),
        track("Short Cut", 95),
        track("Finale", 301),
    ]
    .into_iter()
    .collect()
}

fn main() {
    println!("== Hand-written iterators ==");
    let countdown = Countdown::from(5);
    println!(
        "countdown has {} items: {:?}",
        countdown.len(),
        countdown.collect::<Vec<_>>()
    );
    let even_fibs: Vec<u64> = fibonacci().filter(|n| n % 2 == 0).take(6).collect();
    println!("first even Fibonacci numbers: {even_fibs:?}");
    println!("Fibonacci numbers that fit in u64: {}", fibonacci().count());

    println!("\n== A collection and its three iterators ==");
    let mut playlist = sample_playlist();
    for track in &playlist {
        println!("    {:>4}s  {}", track.seconds, track.title);
    }
    for track in &mut playlist {
        track.seconds += 5; // 5 s of silence between tracks
    }
    println!("total after padding: {}s", total_seconds(&playlist));
    let last_two: Vec<&str> = playlist
        .iter()
        .rev()
        .take(2)
        .map(|t| t.title.as_str())
        .collect();
    println!("last two, backwards: {last_two:?}");
    let long: Vec<&str> = playlist.titles_longer_than(200).collect();
    println!("longer than 200s: {long:?}");

    println!("\n== impl Iterator + use<> ==");
    for seconds in playlist.duration_snapshot() {
        // Allowed: the snapshot does not borrow `playlist`.
        playlist.push(track("Echo", seconds / 10));
    }
    println!("tracks after echoing each one: {}", playlist.iter().len());

    println!("\n== Adapters ==");
    let gaps: Vec<i64> = playlist
        .iter()
        .map(|track| i64::from(track.seconds))
        .pairwise()
        .map(|(before, after)| after - before)
        .collect();
    println!("length change between neighbours: {gaps:?}");
    let owned_titles: Vec<String> = playlist.into_iter().map(|track| track.title).collect();
    println!("consumed into titles: {owned_titles:?}");
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn countdown_yields_start_down_to_one() {
        assert_eq!(Countdown::from(3).collect::<Vec<_>>(), vec![3, 2, 1]);
        assert_eq!(Countdown::from(0).next(), None);
    }

    #[test]
    fn countdown_len_shrinks_as_it_is_consumed() {
        let mut countdown = Countdown::from(4);
        assert_eq!(countdown.len(), 4);
        countdown.next();
        assert_eq!(countdown.len(), 3);
        assert_eq!(countdown.size_hint(), (3, Some(3)));
    }

    #[test]
    fn countdown_stays_exhausted() {
        let mut countdown = Countdown::from(1);
        assert_eq!(countdown.next(), Some(1));
        assert_eq!(countdown.next(), None);
        assert_eq!(countdown.next(), None);
    }

    #[test]
    fn fibonacci_starts_with_the_known_sequence() {
        let first: Vec<u64> = fibonacci().take(10).collect();
        assert_eq!(first, vec![0, 1, 1, 2, 3, 5, 8, 13, 21, 34]);
    }

    #[test]
    fn fibonacci_ends_at_the_largest_value_that_fits_in_u64() {
        // F(93) = 12200160415121876738 is the largest Fibonacci number below 2^64,
        // so the sequence F(0)..=F(93) has 94 items.
        assert_eq!(fibonacci().count(), 94);
        assert_eq!(fibonacci().last(), Some(12_200_160_415_121_876_738));
    }

    #[test]
    fn iter_yields_tracks_in_order_and_leaves_playlist_usable() {
        let playlist = sample_playlist();
        let titles: Vec<&str> = playlist.iter().map(|t| t.title.as_str()).collect();
        assert_eq!(titles, vec!["Intro", "Long Road", "Short Cut", "Finale"]);
        assert_eq!(playlist.tracks.len(), 4);
    }

    #[test]
    fn iter_meets_in_the_middle_from_both_ends() {
        let playlist = sample_playlist();
        let mut iter = playlist.iter();
        assert_eq!(iter.next().map(|t| t.seconds), Some(45));
        assert_eq!(iter.next_back().map(|t| t.seconds), Some(301));
        assert_eq!(iter.len(), 2);
        assert_eq!(iter.next_back().map(|t| t.seconds), Some(95));
        assert_eq!(iter.next().map(|t| t.seconds), Some(412));
        assert!(iter.next().is_none() && iter.next_back().is_none());
    }

    #[test]
    fn iter_items_outlive_the_iterator() {
        let playlist = sample_playlist();
        let first = {
            let mut iter = playlist.iter();
            iter.next()
        }; // the iterator is gone; the `&'a Track` it returned is still fine
        assert_eq!(first.map(|t| t.title.as_str()), Some("Intro"));
    }

    #[test]
    fn iter_mut_edits_every_track_in_place() {
        let mut playlist = sample_playlist();
        for track in &mut playlist {
            track.title.make_ascii_uppercase();
        }
        assert_eq!(playlist.tracks[1].title, "LONG ROAD");
        assert_eq!(playlist.iter_mut().len(), 4);
    }

    #[test]
    fn into_iter_by_value_moves_tracks_out() {
        let playlist = sample_playlist();
        let tracks: Vec<Track> = playlist.into_iter().collect();
        assert_eq!(tracks[3], track("Finale", 301));
    }

    #[test]
    fn collect_builds_a_playlist_through_from_iterator() {
        let short: Playlist = sample_playlist()
            .into_iter()
            .filter(|track| track.seconds < 100)
            .collect();
        assert_eq!(
            short.tracks,
            vec![track("Intro", 45), track("Short Cut", 95)]
        );
    }

    #[test]
    fn total_seconds_accepts_any_iterator_of_track_references() {
        let playlist = sample_playlist();
        assert_eq!(total_seconds(&playlist), 853);
        assert_eq!(total_seconds(playlist.iter().rev().take(1)), 301);
        assert_eq!(total_seconds(&playlist.tracks), 853);
    }

    #[test]
    fn titles_longer_than_borrows_the_playlist() {
        let playlist = sample_playlist();
        let long: Vec<&str> = playlist.titles_longer_than(100).collect();
        assert_eq!(long, vec!["Long Road", "Finale"]);
    }

    #[test]
    fn duration_snapshot_allows_mutation_during_iteration() {
        let mut playlist = sample_playlist();
        for seconds in playlist.duration_snapshot() {
            playlist.push(track("Copy", seconds));
        }
        assert_eq!(playlist.tracks.len(), 8);
        assert_eq!(total_seconds(&playlist), 2 * 853);
    }

    #[test]
    fn pairwise_yields_neighbouring_pairs() {
        let pairs: Vec<(u32, u32)> = Countdown::from(4).pairwise().collect();
        assert_eq!(pairs, vec![(4, 3), (3, 2), (2, 1)]);
        assert_eq!(Countdown::from(1).pairwise().next(), None);
        assert_eq!(Countdown::from(0).pairwise().next(), None);
    }

    #[test]
    fn adapters_do_no_work_until_consumed() {
        let calls = Cell::new(0);
        let doubled = Countdown::from(100).map(|n| {
            calls.set(calls.get() + 1);
            n * 2
        });
        assert_eq!(calls.get(), 0, "building the chain runs nothing");
        let first_two: Vec<u32> = doubled.take(2).collect();
        assert_eq!(first_two, vec![200, 198]);
        assert_eq!(
            calls.get(),
            2,
            "only the items pulled by `take(2)` were mapped"
        );
    }
}

//! # Optimise a hot path with profiling data: word frequencies
//!
//! - **Goal:** make `top_words` give exactly the answers of `top_words_slow`, many times faster, guided by what a profile of the slow version shows: a linear search that makes the whole thing quadratic, and one `String` allocation per word.
//! - **Concepts:** reading a profile (`perf report`, a flamegraph, callgrind's inclusive counts) to find where the time goes; `HashMap` instead of a linear scan; avoiding per-item allocation by reusing a buffer and allocating only for new keys; `HashMap::get_mut` with a `&str` key; a total order for ties; tests that pin behaviour before you optimise.
//! - **Read first:** `notes/04-profiling-tools.md` (sections "A worked example" and "From profile to fix").
//! - **Run:** `cargo run --bin m06-optimize-hot-path` in `learn/`, after `cargo course start 06.11`
//! - **Test:** `cargo course verify 06.11`
//! - **Done when:** the tests pass: the same results as the slow version, Unicode included, and at most a few allocations beyond one per distinct word. `cargo bench -p performance --bench hot-path` measures the reference solution against the slow version on your machine; profile your own with note 04's recipes.

use std::collections::HashMap;

/// The version to optimise. It is correct: keep its results exactly.
///
/// Words are maximal runs of alphanumeric characters, compared case-insensitively (Unicode
/// lowercase). The result is the `k` most frequent words with their counts, by count
/// descending, ties broken by the word ascending.
pub fn top_words_slow(text: &str, k: usize) -> Vec<(String, usize)> {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for word in text.split(|c: char| !c.is_alphanumeric()) {
        if word.is_empty() {
            continue;
        }
        let word = word.to_lowercase();
        match counts.iter_mut().find(|(seen, _)| *seen == word) {
            Some((_, count)) => *count += 1,
            None => counts.push((word, 1)),
        }
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    counts.truncate(k);
    counts
}

/// The same results as [`top_words_slow`], without the quadratic search and without an
/// allocation per word.
pub fn top_words(text: &str, k: usize) -> Vec<(String, usize)> {
    // course:solution Count in a `HashMap<String, usize>`; lowercase each word into one reused `String` and allocate a key only for a word not seen before; then sort by (count descending, word ascending) and keep `k`.
    let mut counts: HashMap<String, usize> = HashMap::new();
    let mut lowered = String::new();
    for word in text.split(|c: char| !c.is_alphanumeric()) {
        if word.is_empty() {
            continue;
        }
        lowered.clear();
        if word.is_ascii() {
            // The common case, found by profiling this function: byte-wise lowercasing
            // is far cheaper than the general Unicode mapping below.
            lowered.push_str(word);
            lowered.make_ascii_lowercase();
        } else {
            lowered.extend(word.chars().flat_map(char::to_lowercase));
        }
        match counts.get_mut(lowered.as_str()) {
            Some(count) => *count += 1,
            None => {
                counts.insert(lowered.clone(), 1);
            }
        }
    }
    let mut ranked: Vec<(String, usize)> = counts.into_iter().collect();
    ranked.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    ranked.truncate(k);
    ranked
    // course:decoy ascii-lowercase Lowercases with `to_ascii_lowercase`, so "ÉTÉ" and "été" count as different words.
    // let mut counts: HashMap<String, usize> = HashMap::new();
    // for word in text.split(|c: char| !c.is_alphanumeric()) {
    //     if word.is_empty() {
    //         continue;
    //     }
    //     let lowered = word.to_ascii_lowercase();
    //     *counts.entry(lowered).or_insert(0) += 1;
    // }
    // let mut ranked: Vec<(String, usize)> = counts.into_iter().collect();
    // ranked.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    // ranked.truncate(k);
    // ranked
    // course:decoy count-only-sort Sorts by count alone: ties come out in the hash map's random order.
    // let mut counts: HashMap<String, usize> = HashMap::new();
    // for word in text.split(|c: char| !c.is_alphanumeric()) {
    //     if word.is_empty() {
    //         continue;
    //     }
    //     *counts.entry(word.to_lowercase()).or_insert(0) += 1;
    // }
    // let mut ranked: Vec<(String, usize)> = counts.into_iter().collect();
    // ranked.sort_by(|a, b| b.1.cmp(&a.1));
    // ranked.truncate(k);
    // ranked
    // course:decoy entry-per-word Uses `entry(word.to_lowercase())`: fast enough, and one allocation per word, not per distinct word.
    // let mut counts: HashMap<String, usize> = HashMap::new();
    // for word in text.split(|c: char| !c.is_alphanumeric()) {
    //     if word.is_empty() {
    //         continue;
    //     }
    //     *counts.entry(word.to_lowercase()).or_insert(0) += 1;
    // }
    // let mut ranked: Vec<(String, usize)> = counts.into_iter().collect();
    // ranked.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    // ranked.truncate(k);
    // ranked
    // course:end
}

/// A deterministic text of `words` words drawn from a vocabulary of `vocabulary` words, with
/// mixed case and punctuation (used by `main`, the tests and the bench).
pub fn sample_text(words: usize, vocabulary: usize) -> String {
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut text = String::new();
    for index in 0..words {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        // Squaring a uniform number skews the draw towards small ids: a few words are common.
        let uniform = (state % 1000) as usize;
        let id = uniform * uniform * vocabulary / 1_000_000;
        let word = format!("word{id}");
        if index % 7 == 0 {
            text.push_str(&word.to_uppercase());
        } else {
            text.push_str(&word);
        }
        text.push_str(if index % 11 == 0 { ", " } else { " " });
    }
    text
}

fn main() {
    let text = sample_text(20_000, 2_000);
    for (word, count) in top_words(&text, 5) {
        println!("{count:>6} {word}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::cell::Cell;

    thread_local! {
        static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
    }

    /// Counts this thread's calls to `alloc` and `realloc`, so parallel tests do not interfere.
    struct CountingAllocator;

    // SAFETY: every method forwards to `System` unchanged; counting touches only a
    // thread-local `Cell` with a const initialiser and no destructor, which never allocates.
    #[expect(
        unsafe_code,
        reason = "a global allocator is an unsafe trait implementation"
    )]
    unsafe impl GlobalAlloc for CountingAllocator {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            let _ = ALLOCATIONS.try_with(|count| count.set(count.get() + 1));
            // SAFETY: the caller's layout is passed on unchanged.
            unsafe { System.alloc(layout) }
        }

        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            // SAFETY: `ptr` was allocated by `System` through `alloc` or `realloc` above.
            unsafe { System.dealloc(ptr, layout) }
        }

        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            let _ = ALLOCATIONS.try_with(|count| count.set(count.get() + 1));
            // SAFETY: as for `dealloc`, and the caller's `new_size` is passed on unchanged.
            unsafe { System.realloc(ptr, layout, new_size) }
        }
    }

    #[global_allocator]
    static GLOBAL: CountingAllocator = CountingAllocator;

    #[test]
    fn sample_text_has_the_promised_shape() {
        // The other tests and the bench rely on this shape: the right number of words, a
        // bounded vocabulary, a skew towards a few common words, mixed case and punctuation.
        let text = sample_text(4_000, 40);
        let words: Vec<&str> = text.split_whitespace().collect();
        assert_eq!(words.len(), 4_000);
        let ranked = top_words_slow(&text, usize::MAX);
        assert!(
            (30..=40).contains(&ranked.len()),
            "{} distinct words",
            ranked.len()
        );
        assert!(
            ranked[0].1 > 400,
            "the commonest word appears {} times",
            ranked[0].1
        );
        assert!(text.contains("WORD"));
        assert_eq!(
            text.matches(", ").count(),
            4_000usize.div_ceil(11),
            "a comma every 11 words"
        );
        assert!(words[0].starts_with("WORD") && words[1].starts_with("word"));
    }

    #[test]
    fn top_words_match_the_slow_version() {
        let text = sample_text(3_000, 300);
        for k in [0, 1, 5, 50, 1000] {
            assert_eq!(top_words(&text, k), top_words_slow(&text, k), "k = {k}");
        }
    }

    #[test]
    fn words_are_compared_with_unicode_lowercase() {
        let text = "ÉTÉ été Été straße STRASSE Ωmega ωMEGA";
        assert_eq!(top_words(text, 10), top_words_slow(text, 10));
        assert_eq!(top_words(text, 1), vec![("été".to_string(), 3)]);
    }

    #[test]
    fn ties_are_broken_alphabetically() {
        // Six words tied at two: a hash map's order matches the alphabet once in 720 runs.
        let text = "pear apple fig kiwi plum date lime date plum kiwi fig apple pear";
        let ranked = top_words(text, 7);
        let words: Vec<&str> = ranked.iter().map(|(word, _)| word.as_str()).collect();
        assert_eq!(
            words,
            ["apple", "date", "fig", "kiwi", "pear", "plum", "lime"]
        );
        assert_eq!(ranked[0].1, 2);
        assert_eq!(ranked[6].1, 1);
    }

    #[test]
    fn empty_and_punctuation_only_texts_have_no_words() {
        assert_eq!(top_words("", 3), vec![]);
        assert_eq!(top_words(" ,.;! ", 3), vec![]);
    }

    #[test]
    fn allocations_grow_with_distinct_words_not_with_all_words() {
        // 4 000 words, at most 40 distinct: one allocation per word would be 4 000.
        let text = sample_text(4_000, 40);
        let distinct = top_words_slow(&text, usize::MAX).len();
        let before = ALLOCATIONS.with(Cell::get);
        let ranked = top_words(&text, 10);
        let allocations = ALLOCATIONS.with(Cell::get) - before;
        assert_eq!(ranked.len(), 10);
        assert!(
            allocations <= distinct + 40,
            "{allocations} allocations for {distinct} distinct words"
        );
    }
}

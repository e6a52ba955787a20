//! # A safe abstraction: `split_at_mut` and `chunks_mut` from raw parts
//!
//! - **Goal:** write your own `split_at_mut`: two `&mut` halves of one slice, which the borrow checker cannot prove disjoint, built from a raw pointer with `slice::from_raw_parts_mut`. Make it *sound*: no argument a safe caller passes may produce overlapping or out-of-bounds slices. Then build `ChunksMut`, an iterator of `&mut` chunks, on top of it without any more `unsafe`.
//! - **Concepts:** soundness (the safe function checks the precondition the unsafe block needs); `from_raw_parts_mut`; pointer arithmetic stays in bounds; lifetimes in a signature connect the outputs to the input; `mem::take` on a `&mut [T]` to move the borrow out of `self` in an iterator.
//! - **Read first:** `notes/02-raw-pointers.md` ("Slices from raw parts: `split_at_mut`"), `notes/01-unsafe-guarantees.md` ("Soundness: the real rule").
//! - **Run:** `cargo run --bin m04-split-at-mut` in `learn/`.
//! - **Test:** `cargo course verify 04.10`; CI also runs these tests under Miri.
//! - **Done when:** the tests pass, natively and under Miri, and the only `unsafe` block is in `split_at_mut`, with its `// SAFETY:` argument.

#![expect(
    unsafe_code,
    reason = "split_at_mut builds two slices from one raw pointer"
)]

/// Splits `slice` into `[0, mid)` and `[mid, len)`, both mutable.
///
/// # Panics
///
/// If `mid > slice.len()`.
fn split_at_mut<T>(slice: &mut [T], mid: usize) -> (&mut [T], &mut [T]) {
    // course:solution Check `mid`, then build both halves from one raw pointer.
    let len = slice.len();
    assert!(mid <= len, "split point {mid} is past the end ({len})");
    let base = slice.as_mut_ptr();
    // SAFETY: `base` is valid for reads and writes of `len` elements, borrowed exclusively
    // from `slice` for the output lifetime. `mid <= len` (checked above), so `base.add(mid)`
    // stays in bounds, and the ranges `0..mid` and `mid..len` are disjoint and inside the
    // slice: the two `&mut` never alias.
    unsafe {
        (
            std::slice::from_raw_parts_mut(base, mid),
            std::slice::from_raw_parts_mut(base.add(mid), len - mid),
        )
    }
    // course:decoy no-bounds-check Trusts `mid`, so a safe caller can get slices that reach past the end.
    // let len = slice.len();
    // let base = slice.as_mut_ptr();
    // // SAFETY: (wrong) nothing checks `mid <= len`.
    // unsafe {
    //     (
    //         std::slice::from_raw_parts_mut(base, mid),
    //         std::slice::from_raw_parts_mut(base.wrapping_add(mid), len.saturating_sub(mid)),
    //     )
    // }
    // course:decoy right-from-base Builds the right half from the start of the slice instead of from `mid`.
    // let len = slice.len();
    // assert!(mid <= len, "split point {mid} is past the end ({len})");
    // let base = slice.as_mut_ptr();
    // // SAFETY: the lengths are in bounds.
    // unsafe {
    //     (
    //         std::slice::from_raw_parts_mut(base, mid),
    //         std::slice::from_raw_parts_mut(base, len - mid),
    //     )
    // }
    // course:end
}

/// An iterator over `chunk`-sized pieces of a slice, each mutable; the last may be shorter.
struct ChunksMut<'a, T> {
    /// What has not been handed out yet.
    rest: &'a mut [T],
    /// The chunk size, at least 1.
    chunk: usize,
}

/// Iterates over `slice` in mutable chunks of `chunk` elements.
///
/// # Panics
///
/// If `chunk` is 0.
fn chunks_mut<T>(slice: &mut [T], chunk: usize) -> ChunksMut<'_, T> {
    // course:solution A chunk size of 0 would never make progress.
    assert!(chunk > 0, "chunk size must be at least 1");
    ChunksMut { rest: slice, chunk }
    // course:decoy zero-chunk Accepts a chunk size of 0.
    // ChunksMut { rest: slice, chunk }
    // course:end
}

impl<'a, T> Iterator for ChunksMut<'a, T> {
    type Item = &'a mut [T];

    fn next(&mut self) -> Option<&'a mut [T]> {
        // course:solution Take `rest` out of `self` (mem::take), split it, keep the tail.
        if self.rest.is_empty() {
            return None;
        }
        let rest = std::mem::take(&mut self.rest);
        let (head, tail) = split_at_mut(rest, self.chunk.min(rest.len()));
        self.rest = tail;
        Some(head)
        // course:decoy drops-short-tail Stops when less than a full chunk is left, so the short last chunk is lost.
        // if self.rest.len() < self.chunk {
        //     return None;
        // }
        // let rest = std::mem::take(&mut self.rest);
        // let (head, tail) = split_at_mut(rest, self.chunk);
        // self.rest = tail;
        // Some(head)
        // course:end
    }
}

fn main() {
    let mut readings = [1, 2, 3, 4, 5];
    let (left, right) = split_at_mut(&mut readings, 2);
    left[0] += 100;
    right[0] += 100;
    println!("{readings:?}");
    for chunk in chunks_mut(&mut readings, 2) {
        chunk.reverse();
    }
    println!("{readings:?}");
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::panic::{AssertUnwindSafe, catch_unwind};

    #[test]
    fn halves_cover_the_slice_in_place() {
        let mut readings = [10, 20, 30, 40, 50];
        let start = readings.as_ptr();
        let (left, right) = split_at_mut(&mut readings, 2);
        assert_eq!((&*left, &*right), (&[10, 20][..], &[30, 40, 50][..]));
        assert_eq!(left.as_ptr(), start);
        assert_eq!(right.as_ptr(), start.wrapping_add(2));
        left[1] = 21;
        right[0] = 31;
        assert_eq!(readings, [10, 21, 31, 40, 50]);
    }

    #[test]
    fn split_at_either_end_gives_an_empty_half() {
        let mut readings = [1, 2, 3];
        let (left, right) = split_at_mut(&mut readings, 0);
        assert_eq!((left.len(), right.len()), (0, 3));
        let (left, right) = split_at_mut(&mut readings, 3);
        assert_eq!((left.len(), right.len()), (3, 0));
        let mut none: [u8; 0] = [];
        let (left, right) = split_at_mut(&mut none, 0);
        assert!(left.is_empty() && right.is_empty());
    }

    #[test]
    fn split_past_the_end_panics() {
        let mut readings = [1, 2, 3];
        assert_eq!(split_at_mut(&mut readings, 1).1.len(), 2);
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let (left, right) = split_at_mut(&mut readings, 4);
            (left.len(), right.len())
        }));
        assert!(outcome.is_err(), "mid = 4 on 3 elements must panic");
    }

    #[test]
    fn chunks_cover_everything_and_the_last_may_be_short() {
        let mut readings: Vec<u32> = (1..=7).collect();
        let lengths: Vec<usize> = chunks_mut(&mut readings, 3)
            .map(|chunk| chunk.len())
            .collect();
        assert_eq!(lengths, [3, 3, 1]);
        for (index, chunk) in chunks_mut(&mut readings, 3).enumerate() {
            for value in chunk.iter_mut() {
                *value += 100 * (index as u32 + 1);
            }
        }
        assert_eq!(readings, [101, 102, 103, 204, 205, 206, 307]);
    }

    #[test]
    fn chunks_can_be_held_at_the_same_time() {
        let mut readings = [1, 2, 3, 4];
        let mut chunks: Vec<&mut [i32]> = chunks_mut(&mut readings, 2).collect();
        chunks[0][0] = 10;
        chunks[1][1] = 40;
        assert_eq!(chunks.len(), 2);
        assert_eq!(readings, [10, 2, 3, 40]);
    }

    #[test]
    fn chunk_size_zero_is_refused() {
        let mut readings = [1, 2];
        assert_eq!(chunks_mut(&mut readings, 1).count(), 2);
        let outcome = catch_unwind(AssertUnwindSafe(|| chunks_mut(&mut readings, 0).rest.len()));
        assert!(outcome.is_err(), "a chunk size of 0 must panic");
    }

    #[test]
    fn empty_slice_has_no_chunks() {
        let mut none: [u8; 0] = [];
        assert_eq!(chunks_mut(&mut none, 4).count(), 0);
    }
}

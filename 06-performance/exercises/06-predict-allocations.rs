//! # Explore: predict how many times each line calls the allocator
//!
//! - **Goal:** for each snippet, predict how many heap allocations (calls to `alloc` or `realloc`) it makes; a counting global allocator measures, and the tests compare.
//! - **Concepts:** allocations are not visible in the syntax; `Vec` growth (capacity 0, then 4 or 8, then doubling); `with_capacity`; `size_hint` and `collect`; zero-sized types; reference counting; `String` formatting.
//! - **Read first:** `notes/02-memory-layout-optimization.md` (sections "`Vec` growth and `with_capacity`" and "Counting allocations").
//! - **Run:** `cargo run --bin m06-predict-allocations` in `learn/`, after `cargo course start 06.6` (prints the real counts: predict first)
//! - **Test:** `cargo course verify 06.6`
//! - **Done when:** every prediction matches. The counts are those of Rust 1.95's standard library on a 64-bit target; `Vec`'s growth policy is an implementation detail that may change.
#![expect(
    unsafe_code,
    reason = "a global allocator is an unsafe trait implementation"
)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::collections::HashMap;
use std::hint::black_box;
use std::sync::Arc;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

/// Counts this thread's calls to `alloc` and `realloc`, then forwards to the system allocator.
struct CountingAllocator;

// SAFETY: every method forwards to `System` unchanged; counting touches only a thread-local
// `Cell` with a const initialiser and no destructor, which never allocates.
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

/// How many allocations `work` makes on this thread (its result is kept alive until counted).
fn allocations_in<T>(work: impl FnOnce() -> T) -> usize {
    let before = ALLOCATIONS.with(Cell::get);
    let result = work();
    let after = ALLOCATIONS.with(Cell::get);
    black_box(result);
    after - before
}

/// Growing: `Vec::<u64>::new()`; `Vec::<u64>::with_capacity(10)`; pushing 10 `u64`s onto
/// `Vec::new()`; pushing 100 `char`s (all ASCII) onto `String::new()`.
fn observe_growth() -> [usize; 4] {
    [
        allocations_in(Vec::<u64>::new),
        allocations_in(|| Vec::<u64>::with_capacity(10)),
        allocations_in(|| {
            let mut values = Vec::new();
            for value in 0..10u64 {
                values.push(value);
            }
            values
        }),
        allocations_in(|| {
            let mut text = String::new();
            for _ in 0..100 {
                text.push('x');
            }
            text
        }),
    ]
}

/// Collecting: `(0..10u64).collect::<Vec<_>>()`; the multiples of 4 in `0..20u64` collected
/// through `filter`; `"a b c".split(' ').map(String::from).collect::<Vec<String>>()`;
/// `vec![1, 2, 3].into_boxed_slice()`.
fn observe_collect() -> [usize; 4] {
    [
        allocations_in(|| (0..10u64).collect::<Vec<_>>()),
        allocations_in(|| (0..20u64).filter(|n| n % 4 == 0).collect::<Vec<_>>()),
        allocations_in(|| {
            "a b c"
                .split(' ')
                .map(String::from)
                .collect::<Vec<String>>()
        }),
        allocations_in(|| vec![1, 2, 3].into_boxed_slice()),
    ]
}

/// Less obvious: `format!("{}-{}", 1, 2)`; `Box::new(())`; `Arc::clone` of an existing `Arc`;
/// cloning an empty `String`; `HashMap::<u32, u32>::new()`; inserting one entry into a new
/// `HashMap`; `Vec::with_capacity(10)`, one push, then `shrink_to_fit()`.
fn observe_hidden() -> [usize; 7] {
    let shared = Arc::new(5);
    let empty = String::new();
    [
        allocations_in(|| format!("{}-{}", 1, 2)),
        allocations_in(|| Box::new(())),
        allocations_in(|| Arc::clone(&shared)),
        allocations_in(|| empty.clone()),
        allocations_in(HashMap::<u32, u32>::new),
        allocations_in(|| {
            let mut map = HashMap::new();
            map.insert(1u32, 2u32);
            map
        }),
        allocations_in(|| {
            let mut bytes = Vec::with_capacity(10);
            bytes.push(1u8);
            bytes.shrink_to_fit();
            bytes
        }),
    ]
}

/// Prediction for [`observe_growth`].
#[cfg_attr(
    not(test),
    expect(dead_code, reason = "only the tests call predictions")
)]
fn predict_growth() -> [usize; 4] {
    // course:solution Four counts. An empty Vec has not allocated yet; a full one reallocates to twice its capacity.
    [0, 1, 3, 5]
    // course:end
}

/// Prediction for [`observe_collect`].
#[cfg_attr(
    not(test),
    expect(dead_code, reason = "only the tests call predictions")
)]
fn predict_collect() -> [usize; 4] {
    // course:solution Four counts. What does each iterator's `size_hint` promise before `collect` starts?
    [1, 2, 4, 1]
    // course:end
}

/// Prediction for [`observe_hidden`].
#[cfg_attr(
    not(test),
    expect(dead_code, reason = "only the tests call predictions")
)]
fn predict_hidden() -> [usize; 7] {
    // course:solution Seven counts. A zero-sized value needs no memory; a clone of nothing copies nothing; shrinking is a reallocation too.
    [1, 0, 0, 0, 0, 1, 2]
    // course:end
}

fn main() {
    println!("growth  {:?}", observe_growth());
    println!("collect {:?}", observe_collect());
    println!("hidden  {:?}", observe_hidden());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn growth_predictions_match() {
        assert!(
            predict_growth() == observe_growth(),
            "a growth prediction is wrong: reread \"Vec growth and with_capacity\""
        );
    }

    #[test]
    fn collect_predictions_match() {
        assert!(
            predict_collect() == observe_collect(),
            "a collect prediction is wrong: look at what each iterator's size_hint says"
        );
    }

    #[test]
    fn hidden_predictions_match() {
        assert!(
            predict_hidden() == observe_hidden(),
            "a prediction about the less obvious cases is wrong: reread \"Counting allocations\""
        );
    }
}

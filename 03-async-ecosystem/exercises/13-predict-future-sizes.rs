//! # Explore: predict how big a future is
//!
//! - **Goal:** for eleven `async fn`s and blocks, predict `size_of_val` of the future they return (on a 64-bit target, rustc 1.95); the tests measure and compare.
//! - **Concepts:** a future stores its arguments until the first poll, then every local that is live across an `.await` plus the sub-future being awaited, plus a state tag; locals that are dead at every `.await` cost nothing; locals that are never live together share bytes; a caller contains its callee's future; `Box` keeps only a pointer in the future; alignment rounds sizes up.
//! - **Read first:** `notes/01-future-trait.md` (section "Futures are values, and their size is measured") and `notes/04-state-machines.md` (section "What the compiler stores, measured").
//! - **Run:** `cargo run --bin m03-predict-future-sizes` inside `learn/` (prints the real sizes: predict first)
//! - **Test:** `cargo course verify 03.13`
//! - **Done when:** every prediction matches and you can say, for each, which bytes the future holds.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Returns `Pending` once (after waking itself), then `Ready`. One byte: a `bool`.
struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            return Poll::Ready(());
        }
        self.0 = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// No arguments, no awaits.
async fn nothing() {}

/// One `u64` argument, no awaits.
async fn double(value: u64) -> u64 {
    value * 2
}

/// A `u32` local live across one await.
async fn count_across() -> u32 {
    let count = 5u32;
    YieldOnce(false).await;
    count
}

/// A 1 KiB buffer, fully used before the await.
async fn buffer_before() -> u8 {
    let buffer = [3u8; 1024];
    let first = buffer[0];
    YieldOnce(false).await;
    first
}

/// A 1 KiB buffer, used after the await.
async fn buffer_across() -> u8 {
    let buffer = [3u8; 1024];
    YieldOnce(false).await;
    buffer[0]
}

/// A boxed 1 KiB buffer, used after the await.
async fn boxed_across() -> u8 {
    let buffer = Box::new([3u8; 1024]);
    YieldOnce(false).await;
    buffer[0]
}

/// A `Vec` of 1 KiB, used after the await.
async fn vec_across() -> u8 {
    let buffer = vec![3u8; 1024];
    YieldOnce(false).await;
    buffer[0]
}

/// Awaits `buffer_across`.
async fn calls_buffer_across() -> u8 {
    buffer_across().await
}

/// Two 1 KiB buffers, each live across its own await, never both at once.
async fn one_after_the_other() -> u8 {
    let first = {
        let buffer = [1u8; 1024];
        YieldOnce(false).await;
        buffer[0]
    };
    let second = {
        let buffer = [2u8; 1024];
        YieldOnce(false).await;
        buffer[0]
    };
    first + second
}

/// Two 1 KiB buffers, both live across the same await.
async fn both_at_once() -> u8 {
    let left = [1u8; 1024];
    let right = [2u8; 1024];
    YieldOnce(false).await;
    left[0] + right[0]
}

/// Sizes of: `nothing()`, `double(7)`, `count_across()`.
fn observe_basics() -> [usize; 3] {
    [
        size_of_val(&nothing()),
        size_of_val(&double(7)),
        size_of_val(&count_across()),
    ]
}

/// Sizes of: `buffer_before()`, `buffer_across()`, `boxed_across()`, `vec_across()`.
fn observe_buffers() -> [usize; 4] {
    [
        size_of_val(&buffer_before()),
        size_of_val(&buffer_across()),
        size_of_val(&boxed_across()),
        size_of_val(&vec_across()),
    ]
}

/// Sizes of: `calls_buffer_across()`, `one_after_the_other()`, `both_at_once()`, and of
/// `async move { name.len() }` where `name` is a `String` captured by the block.
fn observe_composition() -> [usize; 4] {
    let name = String::from("ferris");
    let capture = async move { name.len() };
    [
        size_of_val(&calls_buffer_across()),
        size_of_val(&one_after_the_other()),
        size_of_val(&both_at_once()),
        size_of_val(&capture),
    ]
}

// Your predictions, for a 64-bit target (pointers and `usize` are 8 bytes).

/// `nothing()`, `double(7)`, `count_across()`.
fn predict_basics() -> [usize; 3] {
    // course:solution
    [1, 16, 8]
    // course:end
}

/// `buffer_before()`, `buffer_across()`, `boxed_across()`, `vec_across()`.
fn predict_buffers() -> [usize; 4] {
    // course:solution
    [3, 1026, 16, 32]
    // course:end
}

/// `calls_buffer_across()`, `one_after_the_other()`, `both_at_once()`, the `async move` block.
fn predict_composition() -> [usize; 4] {
    // course:solution
    [1027, 1027, 2050, 32]
    // course:end
}

fn main() {
    println!("basics:      {:?}", observe_basics());
    println!("buffers:     {:?}", observe_buffers());
    println!("composition: {:?}", observe_composition());
    // The predictions are checked by the tests (`cargo course verify 03.13`), not here.
    let _predictions = (predict_basics, predict_buffers, predict_composition);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Compares one group; the message names the wrong entries, never the right sizes.
    fn check(group: &str, predicted: &[usize], observed: &[usize], hint: &str) {
        let wrong: Vec<usize> = predicted
            .iter()
            .zip(observed)
            .enumerate()
            .filter(|(_, (p, o))| p != o)
            .map(|(index, _)| index + 1)
            .collect();
        assert!(
            wrong.is_empty(),
            "{group}: predictions number {wrong:?} are wrong; {hint}"
        );
    }

    #[test]
    fn basic_sizes_match_prediction() {
        check(
            "basics",
            &predict_basics(),
            &observe_basics(),
            "count what is stored before the first poll and what is live across the await, then round up to the alignment",
        );
    }

    #[test]
    fn buffer_sizes_match_prediction() {
        check(
            "buffers",
            &predict_buffers(),
            &observe_buffers(),
            "a local is stored only if it is live across an await, and a Box or Vec stores only its handle",
        );
    }

    #[test]
    fn composition_sizes_match_prediction() {
        check(
            "composition",
            &predict_composition(),
            &observe_composition(),
            "a caller contains its callee's future, and locals that are never live at the same time share bytes",
        );
    }
}

//! # Fix E0382: reuse one buffer instead of moving it away
//!
//! - **Goal:** render every log record into one `String` that is cleared and reused, so the loop stops allocating after its first iterations; the starting code moves the buffer into the renderer and cannot use it again.
//! - **Concepts:** a value moved into a function is gone (E0382 "value moved here, in previous iteration of loop"); `&mut String` lends the buffer and gets it back; `clear` keeps the capacity; `fmt::Write` into a `String`; checking "no allocation per record" with a counting allocator.
//! - **Read first:** `notes/02-memory-layout-optimization.md` (section "Reusing buffers").
//! - **Run:** `cargo run --bin m06-fix-buffer-reuse` in `learn/`, after `cargo course start 06.7`
//! - **Test:** `cargo course verify 06.7`
//! - **Done when:** it compiles, the lengths are right, and rendering 200 records allocates only a handful of times, not once per record.

use std::fmt::Write as _;

/// One log record.
#[derive(Debug, Clone)]
struct Record {
    millis: u64,
    level: &'static str,
    message: String,
}

// course:solution
/// Appends `record` to `line` as `   12345 INFO  message`.
fn render(record: &Record, line: &mut String) {
    // Writing into a `String` cannot fail: its `fmt::Write` impl always returns `Ok`.
    let _ = write!(
        line,
        "{:>8} {:<5} {}",
        record.millis, record.level, record.message
    );
}
// course:stub
// /// Appends `record` to `line` as `   12345 INFO  message`.
// fn render(record: &Record, mut line: String) {
//     // Writing into a `String` cannot fail: its `fmt::Write` impl always returns `Ok`.
//     let _ = write!(
//         line,
//         "{:>8} {:<5} {}",
//         record.millis, record.level, record.message
//     );
// }
// course:decoy clone-buffer Renders into a clone of the buffer: it compiles, and the rendered text is thrown away.
// /// Appends `record` to `line` as `   12345 INFO  message`.
// fn render(record: &Record, mut line: String) {
//     // Writing into a `String` cannot fail: its `fmt::Write` impl always returns `Ok`.
//     let _ = write!(
//         line,
//         "{:>8} {:<5} {}",
//         record.millis, record.level, record.message
//     );
// }
// course:decoy fresh-string Returns a new `String` per record: right lengths, one allocation (or more) per record.
// /// Renders `record` as `   12345 INFO  message`.
// fn render(record: &Record) -> String {
//     format!("{:>8} {:<5} {}", record.millis, record.level, record.message)
// }
// course:end

/// The total length of all rendered lines (a stand-in for writing them out).
fn total_rendered_len(records: &[Record]) -> usize {
    let mut line = String::with_capacity(64);
    let mut total = 0;
    for record in records {
        line.clear();
        // course:solution
        render(record, &mut line);
        // course:stub
        // render(record, line);
        // course:decoy clone-buffer
        // render(record, line.clone());
        // course:decoy fresh-string
        // line = render(record);
        // course:end
        total += line.len();
    }
    total
}

fn sample_records(count: usize) -> Vec<Record> {
    (0..count)
        .map(|i| Record {
            millis: i as u64 * 17,
            level: ["INFO", "WARN", "DEBUG"][i % 3],
            message: format!("request {i} served from cache"),
        })
        .collect()
}

fn main() {
    let records = sample_records(3);
    println!("{} bytes rendered", total_rendered_len(&records));
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

    fn expected_len(records: &[Record]) -> usize {
        records
            .iter()
            .map(|r| format!("{:>8} {:<5} {}", r.millis, r.level, r.message).len())
            .sum()
    }

    #[test]
    fn total_length_counts_every_rendered_line() {
        let records = sample_records(10);
        assert_eq!(total_rendered_len(&records), expected_len(&records));
        assert_eq!(total_rendered_len(&[]), 0);
    }

    #[test]
    fn rendering_many_records_allocates_only_a_few_times() {
        let records = sample_records(200);
        assert_eq!(records.len(), 200);
        let before = ALLOCATIONS.with(Cell::get);
        let total = total_rendered_len(&records);
        let allocations = ALLOCATIONS.with(Cell::get) - before;
        assert_eq!(total, expected_len(&records));
        assert!(
            total > 200 * 40,
            "every record renders to a line of over 40 bytes"
        );
        assert!(
            allocations <= 4,
            "{allocations} allocations for 200 records: the buffer is not being reused"
        );
    }
}

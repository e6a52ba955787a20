//! # Fix E0521: threads that borrow, without `'static`
//!
//! - **Goal:** sum the two halves of a borrowed slice on two threads; `thread::spawn` needs closures that borrow nothing short-lived, and these borrow the caller's data.
//! - **Concepts:** `thread::spawn` requires `F: 'static`; borrowed data cannot escape into a thread that may outlive the function; `thread::scope` joins its threads before it returns, so they may borrow; E0521 "borrowed data escapes outside of function".
//! - **Read first:** `notes/03-lifetimes-explained.md` (section "Borrowing across threads: `thread::scope` instead of `'static`").
//! - **Run:** `cargo run --manifest-path learn/Cargo.toml --bin m01-fix-scoped-threads` runs your copy (made by `cargo course start 01.19`).
//! - **Test:** `cargo course verify 01.19` tests your copy. (The reference solution: `cargo test -p syntax-and-ownership --bin m01-fix-scoped-threads`.)
//! - **Done when:** it compiles and the tests pass; the threads must borrow the halves (a test counts the bytes allocated, so copying the data, to move or to leak it, fails it).

use std::thread;

/// Sums the two halves of `numbers` on two threads; the first half is the shorter one.
fn parallel_halves(numbers: &[u64]) -> (u64, u64) {
    let (left, right) = numbers.split_at(numbers.len() / 2);
    // course:solution
    thread::scope(|scope| {
        let first = scope.spawn(|| left.iter().sum::<u64>());
        let second = scope.spawn(|| right.iter().sum::<u64>());
        // `join` fails only if the thread panicked, and summing cannot panic here.
        (first.join().unwrap_or(0), second.join().unwrap_or(0))
    })
    // course:stub
    // let first = thread::spawn(|| left.iter().sum::<u64>());
    // let second = thread::spawn(|| right.iter().sum::<u64>());
    // (first.join().unwrap_or(0), second.join().unwrap_or(0))
    // course:decoy copy-the-halves Moves copies of the two halves into `'static` threads.
    // let (left, right) = (left.to_vec(), right.to_vec());
    // let first = thread::spawn(move || left.iter().sum::<u64>());
    // let second = thread::spawn(move || right.iter().sum::<u64>());
    // (first.join().unwrap_or(0), second.join().unwrap_or(0))
    // course:decoy leak-the-halves Leaks copies of the halves to get `&'static` slices.
    // let left: &'static [u64] = Box::leak(left.to_vec().into_boxed_slice());
    // let right: &'static [u64] = Box::leak(right.to_vec().into_boxed_slice());
    // let first = thread::spawn(move || left.iter().sum::<u64>());
    // let second = thread::spawn(move || right.iter().sum::<u64>());
    // (first.join().unwrap_or(0), second.join().unwrap_or(0))
    // course:end
}

fn main() {
    let numbers: Vec<u64> = (1..=10).collect();
    println!("{:?}", parallel_halves(&numbers));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_each_half() {
        assert_eq!(parallel_halves(&[1, 2, 3, 4, 5]), (3, 12));
        assert_eq!(parallel_halves(&[]), (0, 0));
        assert_eq!(parallel_halves(&[7]), (0, 7));
    }

    #[test]
    fn the_threads_borrow_the_data() {
        let numbers: Vec<u64> = (0..20_000).collect();
        // The first thread started from this thread sets up a handle to it, once: do that now.
        assert_eq!(parallel_halves(&[1, 2]), (1, 2));
        let ((first, second), allocated) = counting::measure(|| parallel_halves(&numbers));
        assert_eq!(first + second, 19_999 * 20_000 / 2);
        // Starting two threads allocates a little bookkeeping; a copy of the data (to move or to
        // leak) is 160 000 bytes. (Leaked bytes cannot be counted per thread here: the threads
        // free some of the bookkeeping this thread allocated.)
        assert!(
            allocated < 20_000,
            "{allocated} bytes were allocated: the threads must borrow the halves, not copies"
        );
    }

    /// Counts the bytes the current thread allocates, so a test can see a copy of the data.
    mod counting {
        #![expect(unsafe_code, reason = "a global allocator implements an unsafe trait")]
        use std::alloc::{GlobalAlloc, Layout, System};
        use std::cell::Cell;

        thread_local! {
            static ALLOCATED_BYTES: Cell<usize> = const { Cell::new(0) };
        }

        fn record(allocated: usize) {
            // `try_with`: the thread's counter may already be gone while it shuts down.
            let _ = ALLOCATED_BYTES.try_with(|count| count.set(count.get() + allocated));
        }

        /// Forwards to the system allocator and counts on the side.
        struct Counting;

        // SAFETY: every method forwards its arguments unchanged to `System`, which upholds the
        // `GlobalAlloc` contract; the counting only touches thread-local `Cell`s (no allocation).
        unsafe impl GlobalAlloc for Counting {
            unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
                record(layout.size());
                // SAFETY: the caller meets `alloc`'s contract, which is all `System` needs.
                unsafe { System.alloc(layout) }
            }

            unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
                // SAFETY: `ptr` was allocated by `System` (through `alloc`) with `layout`.
                unsafe { System.dealloc(ptr, layout) }
            }

            unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
                record(new_size.saturating_sub(layout.size()));
                // SAFETY: the caller meets `realloc`'s contract; `ptr` came from `System`.
                unsafe { System.realloc(ptr, layout, new_size) }
            }
        }

        #[global_allocator]
        static GLOBAL: Counting = Counting;

        /// Runs `work` and returns its result and the bytes it allocated on this thread.
        pub fn measure<R>(work: impl FnOnce() -> R) -> (R, usize) {
            let before = ALLOCATED_BYTES.get();
            let result = work();
            (result, ALLOCATED_BYTES.get() - before)
        }
    }
}

//! # Fix E0502: mutating while a shared borrow is still in use
//!
//! - **Goal:** return the previous log entry after appending a new one; the shared borrow of the old entry is still alive when `push` needs the log exclusively.
//! - **Concepts:** a reference into a `Vec` is invalidated by `push` (it may reallocate); non-lexical lifetimes (a borrow lasts until its last use); E0502 "cannot borrow as mutable because it is also borrowed as immutable".
//! - **Read first:** `notes/02-borrowing-deep-dive.md` (sections "Non-lexical lifetimes" and "Why a push invalidates references").
//! - **Run:** `cargo run --manifest-path learn/Cargo.toml --bin m01-fix-mutate-while-shared` runs your copy (made by `cargo course start 01.6`).
//! - **Test:** `cargo course verify 01.6` tests your copy. (The reference solution: `cargo test -p syntax-and-ownership --bin m01-fix-mutate-while-shared`.)
//! - **Done when:** it compiles and the tests pass; one test counts heap allocations, so a fix that copies the log, or the last entry, before formatting it fails.

/// Appends `entry` to the log and describes what came before it.
fn record(log: &mut Vec<String>, entry: &str) -> String {
    // course:solution
    let previous = match log.last() {
        Some(last) => format!("after {last:?}"),
        None => String::from("first entry"),
    };
    log.push(entry.to_string());
    previous
    // course:stub
    // let last = log.last();
    // log.push(entry.to_string());
    // match last {
    //     Some(last) => format!("after {last:?}"),
    //     None => String::from("first entry"),
    // }
    // course:decoy clone-log Copies the whole log so the borrow is of the copy.
    // let snapshot = log.clone();
    // let last = snapshot.last();
    // log.push(entry.to_string());
    // match last {
    //     Some(last) => format!("after {last:?}"),
    //     None => String::from("first entry"),
    // }
    // course:decoy clone-last Copies the last entry before the push, then formats the copy.
    // let last = log.last().cloned();
    // log.push(entry.to_string());
    // match last {
    //     Some(last) => format!("after {last:?}"),
    //     None => String::from("first entry"),
    // }
    // course:decoy push-first Pushes first, then describes the last entry, which is now the new one.
    // log.push(entry.to_string());
    // match log.len() {
    //     1 => String::from("first entry"),
    //     _ => format!("after {:?}", log[log.len() - 1]),
    // }
    // course:end
}

fn main() {
    let mut log = Vec::new();
    println!("{}", record(&mut log, "boot"));
    println!("{}", record(&mut log, "login"));
    println!("{log:?}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_on_an_empty_log_says_first_entry() {
        let mut log = Vec::new();
        assert_eq!(record(&mut log, "boot"), "first entry");
        assert_eq!(log, ["boot"]);
    }

    #[test]
    fn record_names_the_previous_entry() {
        let mut log = vec![String::from("boot")];
        assert_eq!(record(&mut log, "login"), "after \"boot\"");
        assert_eq!(log, ["boot", "login"]);
    }

    #[test]
    fn record_copies_nothing_but_the_new_entry() {
        let mut log: Vec<String> = (0..50).map(|n| format!("entry {n}")).collect();
        log.reserve(1);
        let (description, allocations, _) = counting::measure(|| record(&mut log, "next"));
        assert_eq!(description, "after \"entry 49\"");
        // One allocation for the description, one for the new entry's `String`.
        assert!(
            allocations <= 2,
            "`record` made {allocations} allocations: it copies more than it needs to"
        );
    }

    /// Counts what the current thread allocates, so a test can see a copy or a leak that
    /// leaves no other trace. Tests run on parallel threads, hence per-thread counters.
    mod counting {
        #![expect(unsafe_code, reason = "a global allocator implements an unsafe trait")]
        use std::alloc::{GlobalAlloc, Layout, System};
        use std::cell::Cell;

        thread_local! {
            static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
            static LIVE_BYTES: Cell<isize> = const { Cell::new(0) };
        }

        fn record(allocations: usize, bytes: isize) {
            // `try_with`: the thread's counters may already be gone while it shuts down.
            let _ = ALLOCATIONS.try_with(|count| count.set(count.get() + allocations));
            let _ = LIVE_BYTES.try_with(|live| live.set(live.get() + bytes));
        }

        /// Forwards to the system allocator and counts on the side.
        struct Counting;

        // SAFETY: every method forwards its arguments unchanged to `System`, which upholds the
        // `GlobalAlloc` contract; the counting only touches thread-local `Cell`s (no allocation).
        unsafe impl GlobalAlloc for Counting {
            unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
                record(1, layout.size() as isize);
                // SAFETY: the caller meets `alloc`'s contract, which is all `System` needs.
                unsafe { System.alloc(layout) }
            }

            unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
                record(0, -(layout.size() as isize));
                // SAFETY: `ptr` was allocated by `System` (through `alloc`) with `layout`.
                unsafe { System.dealloc(ptr, layout) }
            }

            unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
                record(0, new_size as isize - layout.size() as isize);
                // SAFETY: the caller meets `realloc`'s contract; `ptr` came from `System`.
                unsafe { System.realloc(ptr, layout, new_size) }
            }
        }

        #[global_allocator]
        static GLOBAL: Counting = Counting;

        /// Runs `work` and returns its result, the number of allocations it made (growing a
        /// buffer in place does not count), and how many bytes it left allocated.
        pub fn measure<R>(work: impl FnOnce() -> R) -> (R, usize, isize) {
            let (count_before, live_before) = (ALLOCATIONS.get(), LIVE_BYTES.get());
            let result = work();
            (
                result,
                ALLOCATIONS.get() - count_before,
                LIVE_BYTES.get() - live_before,
            )
        }
    }
}

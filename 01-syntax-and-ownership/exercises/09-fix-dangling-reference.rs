//! # Fix E0597: a borrowed value does not live long enough
//!
//! - **Goal:** pick the longest entry after normalising the entries; the result borrows a vector that is dropped at the end of an inner block, while the result is used after it.
//! - **Concepts:** a reference must not outlive its referent; scopes and drop points; returning owned data instead of a borrow of a local; E0597 "`normalized` does not live long enough".
//! - **Read first:** `notes/03-lifetimes-explained.md` (section "What a lifetime is").
//! - **Run:** `cargo run --manifest-path learn/Cargo.toml --bin m01-fix-dangling-reference` runs your copy (made by `cargo course start 01.9`).
//! - **Test:** `cargo course verify 01.9` tests your copy. (The reference solution: `cargo test -p syntax-and-ownership --bin m01-fix-dangling-reference`.)
//! - **Done when:** it compiles and the tests pass.

/// Returns the longest string in `items` (the first on a tie), or `""` if there is none.
fn longest(items: &[String]) -> &str {
    let mut best = "";
    for item in items {
        if item.len() > best.len() {
            best = item;
        }
    }
    best
}

/// Trims and lower-cases every entry, then returns the longest one.
fn pick_winner(entries: &[&str]) -> String {
    // course:solution
    let normalized: Vec<String> = entries
        .iter()
        .map(|entry| entry.trim().to_lowercase())
        .collect();
    longest(&normalized).to_string()
    // course:stub
    // let winner: &str;
    // {
    //     let normalized: Vec<String> =
    //         entries.iter().map(|entry| entry.trim().to_lowercase()).collect();
    //     winner = longest(&normalized);
    // }
    // winner.to_string()
    // course:decoy leak-the-list Leaks the normalised list so the borrow of it is `'static`.
    // let normalized: &'static Vec<String> = Box::leak(Box::new(
    //     entries.iter().map(|entry| entry.trim().to_lowercase()).collect(),
    // ));
    // longest(normalized).to_string()
    // course:decoy forgets-to-lowercase Fixes the scope but only trims the entries.
    // let normalized: Vec<String> = entries.iter().map(|entry| entry.trim().to_string()).collect();
    // longest(&normalized).to_string()
    // course:end
}

fn main() {
    println!("{}", pick_winner(&["  Ferris ", "CRAB", "Rustacean"]));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pick_winner_normalises_then_picks_the_longest() {
        assert_eq!(pick_winner(&["  Ab  ", "CDE", "fg"]), "cde");
    }

    #[test]
    fn pick_winner_keeps_the_first_of_a_tie() {
        assert_eq!(pick_winner(&["AB", " cd "]), "ab");
    }

    #[test]
    fn pick_winner_of_nothing_is_empty() {
        assert_eq!(pick_winner(&[]), "");
    }

    #[test]
    fn pick_winner_leaves_nothing_allocated() {
        let ((), _, leaked) = counting::measure(|| {
            let winner = pick_winner(&["  Ferris ", "CRAB", "Rustacean"]);
            assert_eq!(winner, "rustacean");
        });
        assert_eq!(
            leaked, 0,
            "`pick_winner` leaked {leaked} bytes: give the list an owner that lives long enough"
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

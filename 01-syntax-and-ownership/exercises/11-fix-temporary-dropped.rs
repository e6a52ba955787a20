//! # Fix E0716: a temporary value is dropped while borrowed
//!
//! - **Goal:** split an upper-cased sentence into words; the upper-cased `String` is a temporary that dies at the end of its statement, while the words still borrow it.
//! - **Concepts:** temporaries and their drop point (the end of the enclosing statement); binding a temporary to a `let` to give it a name and a scope; E0716 "temporary value dropped while borrowed".
//! - **Read first:** `notes/04-move-semantics.md` (section "Temporaries and where they die").
//! - **Run:** `cargo run --manifest-path learn/Cargo.toml --bin m01-fix-temporary-dropped` runs your copy (made by `cargo course start 01.11`).
//! - **Test:** `cargo course verify 01.11` tests your copy. (The reference solution: `cargo test -p syntax-and-ownership --bin m01-fix-temporary-dropped`.)
//! - **Done when:** it compiles and the tests pass.

/// Upper-cases `sentence` and returns its words joined by `"_"`, like a constant name.
fn constant_name(sentence: &str) -> String {
    // course:solution
    let upper = sentence.to_uppercase();
    let words: Vec<&str> = upper.split_whitespace().collect();
    // course:stub
    // let words: Vec<&str> = sentence.to_uppercase().split_whitespace().collect();
    // course:decoy leak-the-temporary Leaks the upper-cased text so the words borrow `'static` memory.
    // let upper: &'static str = Box::leak(sentence.to_uppercase().into_boxed_str());
    // let words: Vec<&str> = upper.split_whitespace().collect();
    // course:decoy own-every-word Copies every word into its own `String`.
    // let words: Vec<String> = sentence
    //     .to_uppercase()
    //     .split_whitespace()
    //     .map(String::from)
    //     .collect();
    // course:end
    words.join("_")
}

fn main() {
    println!("{}", constant_name("max buffer size"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_name_joins_upper_cased_words() {
        assert_eq!(constant_name(" max  retry count "), "MAX_RETRY_COUNT");
    }

    #[test]
    fn constant_name_of_blank_text_is_empty() {
        assert_eq!(constant_name("   "), "");
    }

    #[test]
    fn constant_name_neither_leaks_nor_copies_words() {
        let (name, allocations, _) =
            counting::measure(|| constant_name("one two three four five six seven eight"));
        assert_eq!(name, "ONE_TWO_THREE_FOUR_FIVE_SIX_SEVEN_EIGHT");
        // The upper-cased text, the `Vec` of words and the joined result: three allocations.
        assert!(
            allocations <= 3,
            "`constant_name` made {allocations} allocations: the words were copied"
        );
        let ((), _, leaked) = counting::measure(|| drop(constant_name("a b")));
        assert_eq!(leaked, 0, "`constant_name` leaked {leaked} bytes");
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

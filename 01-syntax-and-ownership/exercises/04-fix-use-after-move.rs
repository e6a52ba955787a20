//! # Fix E0382: use of a moved value
//!
//! - **Goal:** make `report` compile without cloning the word list: a helper that only reads the words should borrow them, not take them.
//! - **Concepts:** moves into function parameters; `&[String]` as a read-only view; E0382 "borrow of moved value".
//! - **Read first:** `notes/01-ownership-model.md` (section "Moves") and `notes/04-move-semantics.md`.
//! - **Run:** `cargo run --manifest-path learn/Cargo.toml --bin m01-fix-use-after-move` runs your copy (made by `cargo course start 01.4`).
//! - **Test:** `cargo course verify 01.4` tests your copy. (The reference solution: `cargo test -p syntax-and-ownership --bin m01-fix-use-after-move`.)
//! - **Done when:** it compiles and the tests pass. One test counts the heap allocations `report` makes, so a copy of the word list, however it is written, fails it.

// course:solution
/// Adds up the number of characters in all words; it only needs to read them.
fn letter_count(words: &[String]) -> usize {
    words.iter().map(|word| word.chars().count()).sum()
}
// course:stub
// /// Adds up the number of characters in all words; it only needs to read them.
// fn letter_count(words: Vec<String>) -> usize {
//     words.iter().map(|word| word.chars().count()).sum()
// }
// course:decoy clone-call Keeps the owning parameter and passes `Clone::clone(&words)`.
// /// Adds up the number of characters in all words; it only needs to read them.
// fn letter_count(words: Vec<String>) -> usize {
//     words.iter().map(|word| word.chars().count()).sum()
// }
// course:decoy map-string-from Keeps the owning parameter and passes a list rebuilt with `String::from`.
// /// Adds up the number of characters in all words; it only needs to read them.
// fn letter_count(words: Vec<String>) -> usize {
//     words.iter().map(|word| word.chars().count()).sum()
// }
// course:decoy vec-from-slice Keeps the owning parameter and passes `Vec::from(&words[..])`.
// /// Adds up the number of characters in all words; it only needs to read them.
// fn letter_count(words: Vec<String>) -> usize {
//     words.iter().map(|word| word.chars().count()).sum()
// }
// course:decoy counts-bytes Borrows the words, but counts bytes instead of characters.
// /// Adds up the number of characters in all words; it only needs to read them.
// fn letter_count(words: &[String]) -> usize {
//     words.iter().map(String::len).sum()
// }
// course:end

/// Describes a list of words as `"<n> words, <m> letters: <words joined by spaces>"`.
fn report(words: Vec<String>) -> String {
    // course:solution
    let letters = letter_count(&words);
    // course:stub
    // let letters = letter_count(words);
    // course:decoy clone-call
    // let letters = letter_count(Clone::clone(&words));
    // course:decoy map-string-from
    // let letters = letter_count(words.iter().map(String::as_str).map(String::from).collect());
    // course:decoy vec-from-slice
    // let letters = letter_count(Vec::from(&words[..]));
    // course:decoy counts-bytes
    // let letters = letter_count(&words);
    // course:end
    format!(
        "{} words, {letters} letters: {}",
        words.len(),
        words.join(" ")
    )
}

fn main() {
    let words = vec![
        String::from("own"),
        String::from("borrow"),
        String::from("move"),
    ];
    println!("{}", report(words));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(list: &[&str]) -> Vec<String> {
        list.iter().map(|word| word.to_string()).collect()
    }

    #[test]
    fn report_counts_words_and_letters() {
        assert_eq!(report(words(&["ab", "cde"])), "2 words, 5 letters: ab cde");
    }

    #[test]
    fn report_of_no_words_is_empty() {
        assert_eq!(report(Vec::new()), "0 words, 0 letters: ");
    }

    #[test]
    fn report_counts_characters_not_bytes() {
        assert_eq!(report(words(&["né", "ü"])), "2 words, 3 letters: né ü");
    }

    #[test]
    fn report_does_not_copy_the_words() {
        let list = words(&["own", "borrow", "move", "copy", "clone", "drop"]);
        let (text, allocations, _) = counting::measure(|| report(list));
        assert_eq!(text, "6 words, 26 letters: own borrow move copy clone drop");
        // `join` allocates the joined text and `format!` the result: two allocations in all.
        // A copy of the list would add one for the `Vec` and one more per word.
        assert!(
            allocations <= 2,
            "`report` made {allocations} allocations: the words were copied, let `letter_count` borrow them"
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

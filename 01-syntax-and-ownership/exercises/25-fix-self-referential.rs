//! # Fix E0505: a struct that borrows from itself
//!
//! - **Goal:** measure the first word of each text through a `Parser` that owns its text and points at the current word; the parser tries to hold a reference into its own `text` field, which safe Rust cannot express.
//! - **Concepts:** a lifetime parameter names a borrow of something *outside* the value; a reference into a value's own field would dangle after a move; store a position (a `Range<usize>`) instead of a reference; the bridge to `Pin` in module 03; E0505 "cannot move out of `text` because it is borrowed".
//! - **Read first:** `notes/04-move-semantics.md` (section "Self-referential structs: why safe Rust cannot build them").
//! - **Run:** `cargo run --manifest-path learn/Cargo.toml --bin m01-fix-self-referential` runs your copy (made by `cargo course start 01.25`).
//! - **Test:** `cargo course verify 01.25` tests your copy. (The reference solution: `cargo test -p syntax-and-ownership --bin m01-fix-self-referential`.)
//! - **Done when:** it compiles and the tests pass; a test counts allocations, so copying the word (or leaking a copy) instead of remembering where it is fails it.

use std::ops::Range;

// course:solution
/// A parser that owns its text and remembers where the current word is, as a byte range into
/// the text: a position stays valid when the parser moves, a reference into `text` would not.
struct Parser {
    /// The whole text.
    text: String,
    /// Where the current word is in `text`.
    current: Range<usize>,
}

impl Parser {
    /// The current word.
    fn current(&self) -> &str {
        &self.text[self.current.clone()]
    }
}

/// The number of characters in the first word of each text.
fn first_word_lengths(texts: Vec<String>) -> Vec<usize> {
    texts
        .into_iter()
        .map(|text| {
            let end = text.find(' ').unwrap_or(text.len());
            let parser = Parser {
                current: 0..end,
                text,
            };
            parser.current().chars().count()
        })
        .collect()
}
// course:stub
// /// A parser that owns its text and points at the current word.
// struct Parser<'a> {
//     /// The whole text.
//     text: String,
//     /// The current word, borrowed from `text`.
//     current: &'a str,
// }
//
// impl Parser<'_> {
//     /// The current word.
//     fn current(&self) -> &str {
//         self.current
//     }
// }
//
// /// The number of characters in the first word of each text.
// fn first_word_lengths(texts: Vec<String>) -> Vec<usize> {
//     texts
//         .into_iter()
//         .map(|text| {
//             let end = text.find(' ').unwrap_or(text.len());
//             let parser = Parser {
//                 current: &text[..end],
//                 text,
//             };
//             parser.current().chars().count()
//         })
//         .collect()
// }
// course:decoy copy-the-word Stores a copy of the word instead of its position.
// /// A parser that owns its text and a copy of the current word.
// struct Parser {
//     /// The whole text.
//     text: String,
//     /// A copy of the current word.
//     current: String,
// }
//
// impl Parser {
//     /// The current word.
//     fn current(&self) -> &str {
//         &self.current
//     }
// }
//
// /// The number of characters in the first word of each text.
// fn first_word_lengths(texts: Vec<String>) -> Vec<usize> {
//     texts
//         .into_iter()
//         .map(|text| {
//             let end = text.find(' ').unwrap_or(text.len());
//             let parser = Parser {
//                 current: text[..end].to_string(),
//                 text,
//             };
//             let _ = parser.text.len();
//             parser.current().chars().count()
//         })
//         .collect()
// }
// course:decoy leak-the-word Leaks a copy of the word to get a `&'static str`.
// /// A parser that owns its text and points at a leaked copy of the current word.
// struct Parser {
//     /// The whole text.
//     text: String,
//     /// The current word, leaked.
//     current: &'static str,
// }
//
// impl Parser {
//     /// The current word.
//     fn current(&self) -> &str {
//         self.current
//     }
// }
//
// /// The number of characters in the first word of each text.
// fn first_word_lengths(texts: Vec<String>) -> Vec<usize> {
//     texts
//         .into_iter()
//         .map(|text| {
//             let end = text.find(' ').unwrap_or(text.len());
//             let current: &'static str = Box::leak(text[..end].to_string().into_boxed_str());
//             let parser = Parser { current, text };
//             let _ = parser.text.len();
//             parser.current().chars().count()
//         })
//         .collect()
// }
// course:end

fn main() {
    let texts = vec![String::from("let x = 5;"), String::from("fn main() {}")];
    println!("{:?}", first_word_lengths(texts));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_the_first_word_in_characters() {
        let texts = ["héllo world", "single", "", " leading"]
            .map(String::from)
            .to_vec();
        assert_eq!(first_word_lengths(texts), [5, 6, 0, 0]);
    }

    #[test]
    fn copies_no_words() {
        let texts: Vec<String> = (0..20).map(|n| format!("word{n} and more")).collect();
        let (lengths, allocations, _) = counting::measure(|| first_word_lengths(texts));
        assert_eq!(lengths.len(), 20);
        assert!(lengths.iter().all(|&length| length >= 5));
        // Only the `Vec` of lengths is new.
        assert!(
            allocations <= 1,
            "{allocations} allocations: remember where the word is instead of copying it"
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

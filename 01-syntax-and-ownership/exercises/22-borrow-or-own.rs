//! # Borrow or own: `Cow`, `AsRef` and `Borrow`
//!
//! - **Goal:** write a tab expander that copies a line only when it has a tab to expand, and two helpers that accept borrowed or owned text without allocating.
//! - **Concepts:** `Cow<'a, str>`: borrowed when nothing changes, owned when something does; `ToOwned`; `AsRef<str>` to accept `&str` and `String` alike; `Borrow<str>` lets a `HashMap<String, _>` be searched with a `&str`.
//! - **Read first:** `notes/04-move-semantics.md` (section "Borrow or own: `Cow`, `ToOwned`, `AsRef` and `Borrow`").
//! - **Run:** `cargo run --manifest-path learn/Cargo.toml --bin m01-borrow-or-own` runs your copy (made by `cargo course start 01.22`).
//! - **Test:** `cargo course verify 01.22` tests your copy. (The reference solution: `cargo test -p syntax-and-ownership --bin m01-borrow-or-own`.)
//! - **Done when:** it compiles and every test passes. The starting file does not compile (E0308): `expand_tabs` returns a `String`, and choosing its return type is part of the exercise. The tests count allocations, so a line without tabs must not be copied, and looking names up must not build `String`s.

use std::borrow::Cow;
use std::collections::HashMap;

// course:solution
/// Replaces each tab with four spaces. A line without tabs is handed back borrowed, untouched.
fn expand_tabs(line: &str) -> Cow<'_, str> {
    if line.contains('\t') {
        Cow::Owned(line.replace('\t', "    "))
    } else {
        Cow::Borrowed(line)
    }
}
// course:stub
// /// Replaces each tab with four spaces. A line without tabs is handed back borrowed, untouched.
// /// TODO: this signature copies every line; return a type that can be either a borrow of
// /// `line` or a new `String`.
// fn expand_tabs(line: &str) -> String {
//     todo!()
// }
// course:decoy always-owned Always builds a new `String`, even when there is no tab.
// /// Replaces each tab with four spaces. A line without tabs is handed back borrowed, untouched.
// fn expand_tabs(line: &str) -> Cow<'_, str> {
//     Cow::Owned(line.replace('\t', "    "))
// }
// course:decoy never-expands Always borrows, so tabs are never expanded.
// /// Replaces each tab with four spaces. A line without tabs is handed back borrowed, untouched.
// fn expand_tabs(line: &str) -> Cow<'_, str> {
//     Cow::Borrowed(line)
// }
// course:decoy two-spaces Expands a tab to two spaces.
// /// Replaces each tab with four spaces. A line without tabs is handed back borrowed, untouched.
// fn expand_tabs(line: &str) -> Cow<'_, str> {
//     if line.contains('\t') {
//         Cow::Owned(line.replace('\t', "  "))
//     } else {
//         Cow::Borrowed(line)
//     }
// }
// course:end

/// The total number of characters in `words`, which may be `&str`s or `String`s.
fn total_chars<S: AsRef<str>>(words: &[S]) -> usize {
    // course:solution `as_ref` lends each word as a `&str`.
    words.iter().map(|word| word.as_ref().chars().count()).sum()
    // course:decoy counts-bytes Counts bytes instead of characters.
    // words.iter().map(|word| word.as_ref().len()).sum()
    // course:end
}

/// How many of `names` have an age in `ages`.
fn count_known(ages: &HashMap<String, u32>, names: &[&str]) -> usize {
    // course:solution `HashMap<String, _>::contains_key` accepts a `&str`, because `String: Borrow<str>`.
    names
        .iter()
        .filter(|name| ages.contains_key(**name))
        .count()
    // course:decoy build-keys Builds a `String` for every lookup.
    // names
    //     .iter()
    //     .filter(|name| ages.contains_key(&name.to_string()))
    //     .count()
    // course:end
}

fn main() {
    for line in ["plain line", "\tindented"] {
        let expanded = expand_tabs(line);
        let kind = match expanded {
            Cow::Borrowed(_) => "borrowed",
            Cow::Owned(_) => "owned",
        };
        println!("{kind}: {expanded:?}");
    }
    println!("{}", total_chars(&["ab", "né"]));
    let ages = HashMap::from([(String::from("Ada"), 36)]);
    println!("{}", count_known(&ages, &["Ada", "Bob"]));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_without_tabs_is_borrowed_not_copied() {
        let line = String::from("no tabs at all");
        let (expanded, allocations, _) = counting::measure(|| expand_tabs(&line));
        assert!(
            matches!(expanded, Cow::Borrowed(_)),
            "a line without tabs must come back borrowed"
        );
        assert_eq!(expanded.as_ptr(), line.as_ptr());
        assert_eq!(allocations, 0, "expanding a line without tabs allocated");
    }

    #[test]
    fn tabs_become_four_spaces() {
        let expanded = expand_tabs("\ta\tb");
        assert!(matches!(expanded, Cow::Owned(_)));
        assert_eq!(expanded, "    a    b");
        assert_eq!(expand_tabs(""), "");
    }

    #[test]
    fn total_chars_takes_borrowed_and_owned_words() {
        assert_eq!(total_chars(&["né", "ü"]), 3);
        assert_eq!(total_chars(&[String::from("abc")]), 3);
        let none: [&str; 0] = [];
        assert_eq!(total_chars(&none), 0);
    }

    #[test]
    fn count_known_looks_up_without_allocating() {
        let ages = HashMap::from([(String::from("Ada"), 36), (String::from("Grace"), 45)]);
        let (known, allocations, _) =
            counting::measure(|| count_known(&ages, &["Ada", "Linus", "Grace"]));
        assert_eq!(known, 2);
        assert_eq!(
            allocations, 0,
            "looking names up allocated: search with the `&str` itself"
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

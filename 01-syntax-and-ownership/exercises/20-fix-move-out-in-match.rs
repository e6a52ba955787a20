//! # Fix E0507: moving out in a `match`, and binding modes
//!
//! - **Goal:** upper-case a label in place and count the characters of its name, given only references to the label; the `match`es move the name out of the borrowed label.
//! - **Concepts:** a pattern binds by move, by `ref` or by `ref mut`; matching `*label` moves, matching `label` (a reference) switches the default binding mode to borrowing; the edition 2024 rules against mixing the two styles; E0507 "cannot move out of `label` as enum variant `Named`".
//! - **Read first:** `notes/04-move-semantics.md` (section "Patterns: moving, borrowing and binding modes").
//! - **Run:** `cargo run --manifest-path learn/Cargo.toml --bin m01-fix-move-out-in-match` runs your copy (made by `cargo course start 01.20`).
//! - **Test:** `cargo course verify 01.20` tests your copy. (The reference solution: `cargo test -p syntax-and-ownership --bin m01-fix-move-out-in-match`.)
//! - **Done when:** it compiles and the tests pass; the tests check that the name's buffer is changed in place and that nothing is copied.

/// A label on a parcel: a name, or nothing.
#[derive(Debug, Clone, PartialEq)]
enum Label {
    /// A written name.
    Named(String),
    /// No name at all.
    Anonymous,
}

/// Upper-cases the name in place (ASCII letters only); an anonymous label stays as it is.
fn shout(label: &mut Label) {
    // course:solution
    if let Label::Named(text) = label {
        text.make_ascii_uppercase();
    }
    // course:stub
    // if let Label::Named(mut text) = *label {
    //     text.make_ascii_uppercase();
    // }
    // course:decoy shout-a-copy Matches a clone, so the label itself never changes.
    // if let Label::Named(mut text) = label.clone() {
    //     text.make_ascii_uppercase();
    // }
    // course:decoy rebuild Builds a new upper-cased `String` and stores it in place of the old one.
    // if let Label::Named(text) = label {
    //     *text = text.to_ascii_uppercase();
    // }
    // course:end
}

/// The number of characters (not bytes) in the name; 0 for an anonymous label.
fn name_length(label: &Label) -> usize {
    // course:solution
    match label {
        Label::Named(text) => text.chars().count(),
        Label::Anonymous => 0,
    }
    // course:stub
    // match *label {
    //     Label::Named(text) => text.chars().count(),
    //     Label::Anonymous => 0,
    // }
    // course:decoy match-a-clone Matches a clone of the label, so the name is copied.
    // match label.clone() {
    //     Label::Named(text) => text.chars().count(),
    //     Label::Anonymous => 0,
    // }
    // course:decoy counts-bytes Counts bytes, so a non-ASCII name comes out too long.
    // match label {
    //     Label::Named(text) => text.len(),
    //     Label::Anonymous => 0,
    // }
    // course:end
}

fn main() {
    let mut label = Label::Named(String::from("ferris"));
    shout(&mut label);
    println!("{label:?} has {} characters", name_length(&label));
    println!("{:?}", name_length(&Label::Anonymous));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shout_changes_the_name_in_place() {
        let mut label = Label::Named(String::from("crab"));
        let Label::Named(text) = &label else {
            unreachable!("made as `Named` just above")
        };
        let buffer = text.as_ptr();
        shout(&mut label);
        assert_eq!(label, Label::Named(String::from("CRAB")));
        let Label::Named(text) = &label else {
            unreachable!("`shout` keeps the variant")
        };
        assert_eq!(
            text.as_ptr(),
            buffer,
            "the name was replaced by a new `String`: change it in place"
        );
    }

    #[test]
    fn shout_leaves_an_anonymous_label_alone() {
        let mut label = Label::Anonymous;
        shout(&mut label);
        assert_eq!(label, Label::Anonymous);
    }

    #[test]
    fn name_length_counts_characters() {
        assert_eq!(name_length(&Label::Named(String::from("né"))), 2);
        assert_eq!(name_length(&Label::Anonymous), 0);
    }

    #[test]
    fn name_length_copies_nothing() {
        let label = Label::Named("x".repeat(50));
        let (length, allocations, _) = counting::measure(|| name_length(&label));
        assert_eq!(length, 50);
        assert_eq!(
            allocations, 0,
            "`name_length` allocated: it copied the label instead of borrowing it"
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

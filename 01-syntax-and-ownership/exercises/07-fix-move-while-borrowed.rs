//! # Fix E0505: moving a value while it is borrowed
//!
//! - **Goal:** file a note in the archive and return its headline; the headline borrows the note, and the note is moved into the archive while that borrow is still needed.
//! - **Concepts:** a move invalidates every borrow of the moved value; ending a borrow early by making an owned copy of just what you need; E0505 "cannot move out of `note` because it is borrowed".
//! - **Read first:** `notes/04-move-semantics.md` (section "Moving a borrowed value") and `notes/02-borrowing-deep-dive.md`.
//! - **Run:** `cargo run --manifest-path learn/Cargo.toml --bin m01-fix-move-while-borrowed` runs your copy (made by `cargo course start 01.7`).
//! - **Test:** `cargo course verify 01.7` tests your copy. (The reference solution: `cargo test -p syntax-and-ownership --bin m01-fix-move-while-borrowed`.)
//! - **Done when:** it compiles and the tests pass; the archive must receive the very `String` you were given (a test compares buffer addresses), and only the headline may be copied (another test counts allocations).

/// A store that owns every note filed in it.
#[derive(Debug, Default)]
struct Archive {
    /// The filed notes, oldest first.
    notes: Vec<String>,
}

impl Archive {
    /// Takes ownership of `note`.
    fn file(&mut self, note: String) {
        self.notes.push(note);
    }
}

/// Files `note` in `archive` and returns its first line.
fn file_note(archive: &mut Archive, note: String) -> String {
    // course:solution
    let headline = note.lines().next().unwrap_or("").to_string();
    archive.file(note);
    headline
    // course:stub
    // let headline = note.lines().next().unwrap_or("");
    // archive.file(note);
    // headline.to_string()
    // course:decoy file-a-copy Files a copy of the note, so the borrow of the original can stay.
    // let headline = note.lines().next().unwrap_or("");
    // archive.file(note.clone());
    // headline.to_string()
    // course:decoy copy-whole-note Copies the whole note and takes the headline from the copy.
    // let copy = note.clone();
    // archive.file(note);
    // copy.lines().next().unwrap_or("").to_string()
    // course:decoy last-line Returns the last line instead of the first.
    // let headline = note.lines().last().unwrap_or("").to_string();
    // archive.file(note);
    // headline
    // course:end
}

fn main() {
    let mut archive = Archive::default();
    let headline = file_note(&mut archive, String::from("Standup\nWe shipped 1.0"));
    println!(
        "filed {headline:?}; archive holds {} note(s)",
        archive.notes.len()
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_note_returns_the_first_line_and_keeps_the_note() {
        let mut archive = Archive::default();
        let note = "Title\nbody".to_string();
        let buffer = note.as_ptr();
        assert_eq!(file_note(&mut archive, note), "Title");
        assert_eq!(archive.notes, ["Title\nbody"]);
        assert_eq!(
            archive.notes[0].as_ptr(),
            buffer,
            "the archive holds a copy of the note, not the note itself"
        );
    }

    #[test]
    fn file_note_of_an_empty_note_has_an_empty_headline() {
        let mut archive = Archive::default();
        assert_eq!(file_note(&mut archive, String::new()), "");
        assert_eq!(archive.notes.len(), 1);
    }

    #[test]
    fn file_note_copies_only_the_headline() {
        let mut archive = Archive::default();
        archive.notes.reserve(1);
        let note = "Release\n".to_string() + &"details ".repeat(100);
        let (headline, allocations, _) = counting::measure(|| file_note(&mut archive, note));
        assert_eq!(headline, "Release");
        assert!(
            allocations <= 1,
            "`file_note` made {allocations} allocations: copy the headline, nothing more"
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

//! # Fix E0505: moving a value while it is borrowed
//!
//! - **Goal:** file a note in the archive and return its headline; the headline borrows the note, and the note is moved into the archive while that borrow is still needed.
//! - **Concepts:** a move invalidates every borrow of the moved value; ending a borrow early by making an owned copy of just what you need; E0505 "cannot move out of `note` because it is borrowed".
//! - **Read first:** `notes/04-move-semantics.md` (section "Moving a borrowed value") and `notes/02-borrowing-deep-dive.md`.
//! - **Run:** `cargo run -p syntax-and-ownership --bin m01-fix-move-while-borrowed`
//! - **Test:** `cargo test -p syntax-and-ownership --bin m01-fix-move-while-borrowed`
//! - **Done when:** it compiles and the tests pass; the archive must receive the very `String` you were given (a test compares buffer addresses), and only the headline is copied.

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
}

//! # Fix E0503: a closure that captures too much
//!
//! - **Goal:** collect the lines of a text and count its words; a closure that records a line calls a method on the whole report, so it borrows the whole report, and the loop cannot update the word count meanwhile.
//! - **Concepts:** a closure captures the places its body uses, in the weakest mode that works; since edition 2021 it captures fields (`report.lines`), not whole variables, unless the body uses the whole variable (a method call on `report` does); a captured `&mut` lasts as long as the closure may still be called; E0503 "cannot use `report.words` because it was mutably borrowed".
//! - **Read first:** `notes/04-move-semantics.md` (section "Closures: what they capture, and how").
//! - **Run:** `cargo run --manifest-path learn/Cargo.toml --bin m01-fix-closure-capture` runs your copy (made by `cargo course start 01.23`).
//! - **Test:** `cargo course verify 01.23` tests your copy. (The reference solution: `cargo test -p syntax-and-ownership --bin m01-fix-closure-capture`.)
//! - **Done when:** it compiles and the tests pass, with a closure still recording the lines.

/// What `summarise` found in a text.
#[derive(Debug, Default)]
struct Report {
    /// Every line, in order.
    lines: Vec<String>,
    /// The number of whitespace-separated words in all lines.
    words: usize,
}

impl Report {
    /// Records one line.
    fn add_line(&mut self, line: &str) {
        self.lines.push(line.to_string());
    }
}

/// Collects the lines of `text` and counts its words.
fn summarise(text: &str) -> Report {
    let mut report = Report::default();
    // course:solution
    let mut add_line = |line: &str| report.lines.push(line.to_string());
    // course:stub
    // let mut add_line = |line: &str| report.add_line(line);
    // course:decoy move-the-report Moves the report into a `move` closure, so the lines never come back.
    // let mut kept = std::mem::take(&mut report);
    // let mut add_line = move |line: &str| kept.add_line(line);
    // course:decoy separate-list Records the lines into a local list that never reaches the report.
    // let mut lines: Vec<String> = Vec::new();
    // let mut add_line = |line: &str| lines.push(line.to_string());
    // course:end
    for line in text.lines() {
        report.words += line.split_whitespace().count();
        add_line(line);
    }
    report
}

fn main() {
    let report = summarise("borrow the parts\nyou need");
    println!("{} lines, {} words", report.lines.len(), report.words);
    let mut notes = Report::default();
    notes.add_line("the method is still useful where nothing else is borrowed");
    println!("{:?}", notes.lines);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summarise_collects_lines_and_counts_words() {
        let report = summarise("one two\n\nthree  four five");
        assert_eq!(report.lines, ["one two", "", "three  four five"]);
        assert_eq!(report.words, 5);
    }

    #[test]
    fn add_line_records_one_line() {
        let mut report = Report::default();
        report.add_line("first");
        report.add_line("second");
        assert_eq!(report.lines, ["first", "second"]);
        assert_eq!(report.words, 0);
    }

    #[test]
    fn summarise_of_nothing_is_empty() {
        let report = summarise("");
        assert!(report.lines.is_empty());
        assert_eq!(report.words, 0);
    }
}

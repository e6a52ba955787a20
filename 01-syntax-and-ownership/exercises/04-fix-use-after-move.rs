//! # Fix E0382: use of a moved value
//!
//! - **Goal:** make `report` compile without cloning the word list: a helper that only reads the words should borrow them, not take them.
//! - **Concepts:** moves into function parameters; `&[String]` as a read-only view; E0382 "borrow of moved value".
//! - **Read first:** `notes/01-ownership-model.md` (section "Moves") and `notes/04-move-semantics.md`.
//! - **Run:** `cargo run -p syntax-and-ownership --bin m01-fix-use-after-move`
//! - **Test:** `cargo test -p syntax-and-ownership --bin m01-fix-use-after-move`
//! - **Done when:** it compiles and the tests pass; one test reads this file and fails if the code (comments aside) above the tests copies the words with `.clone()`, `.cloned()`, `.to_vec()` or `.to_owned()`.

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
// course:end

/// Describes a list of words as `"<n> words, <m> letters: <words joined by spaces>"`.
fn report(words: Vec<String>) -> String {
    // course:solution
    let letters = letter_count(&words);
    // course:stub
    // let letters = letter_count(words);
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
    fn report_borrows_the_words_instead_of_copying_them() {
        // The file's own text: a copy cannot be seen from outside `report`, so the test reads the code.
        let source = include_str!("04-fix-use-after-move.rs");
        let above_tests = source.split("#[cfg(test)]").next().unwrap_or(source);
        let code: Vec<&str> = above_tests
            .lines()
            .filter(|line| !line.trim_start().starts_with("//"))
            .collect();
        let code = code.join("\n");
        for copy in [".clone()", ".cloned()", ".to_vec()", ".to_owned()"] {
            assert!(
                !code.contains(copy),
                "the code calls `{copy}`: let `letter_count` borrow the words instead"
            );
        }
    }
}

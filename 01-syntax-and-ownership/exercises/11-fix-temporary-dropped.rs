//! # Fix E0716: a temporary value is dropped while borrowed
//!
//! - **Goal:** split an upper-cased sentence into words; the upper-cased `String` is a temporary that dies at the end of its statement, while the words still borrow it.
//! - **Concepts:** temporaries and their drop point (the end of the enclosing statement); binding a temporary to a `let` to give it a name and a scope; E0716 "temporary value dropped while borrowed".
//! - **Read first:** `notes/04-move-semantics.md` (section "Temporaries and where they die").
//! - **Run:** `cargo run -p syntax-and-ownership --bin m01-fix-temporary-dropped`
//! - **Test:** `cargo test -p syntax-and-ownership --bin m01-fix-temporary-dropped`
//! - **Done when:** it compiles and the tests pass.

/// Upper-cases `sentence` and returns its words joined by `"_"`, like a constant name.
fn constant_name(sentence: &str) -> String {
    // course:solution
    let upper = sentence.to_uppercase();
    let words: Vec<&str> = upper.split_whitespace().collect();
    // course:stub
    // let words: Vec<&str> = sentence.to_uppercase().split_whitespace().collect();
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
}

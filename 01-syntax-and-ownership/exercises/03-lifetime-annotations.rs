//! # Lifetime annotations: functions and structs that hold references
//!
//! - **Goal:** implement functions and a tokenizer whose signatures say, with lifetimes, which input each returned reference borrows from.
//! - **Concepts:** lifetime parameters on functions; the three elision rules; a struct holding a reference (`Tokenizer<'a>`); returning `&'a str` rather than a borrow of `self`; a `'static` bound (`T: 'static`) versus a `&'static` reference.
//! - **Read first:** `notes/03-lifetimes-explained.md`.
//! - **Run:** `cargo run -p syntax-and-ownership --bin m01-lifetime-annotations`
//! - **Test:** `cargo test -p syntax-and-ownership --bin m01-lifetime-annotations`
//! - **Done when:** every test passes; before you start, read each signature and say (out loud, or in a comment) what it promises the caller.

use std::fmt::Debug;

/// Returns the longer of two strings; on a tie, the first.
/// Both inputs share `'a`, so the result may borrow from either.
fn longer<'a>(first: &'a str, second: &'a str) -> &'a str {
    // course:solution Compare lengths and return one of the two inputs.
    if second.len() > first.len() {
        second
    } else {
        first
    }
    // course:end
}

/// Returns the first line of `text` (without its line ending), or `""` for empty text.
/// The signature is elided: one reference input, so the output borrows from `text`.
fn first_line(text: &str) -> &str {
    // course:solution `str::lines` already strips "\n" and "\r\n".
    text.lines().next().unwrap_or("")
    // course:end
}

/// Splits `"key=value"` at the first `=` into trimmed key and value.
/// Both outputs borrow from `line` (elision rule 2); no `=` gives `None`.
fn split_pair(line: &str) -> Option<(&str, &str)> {
    // course:solution Look at `str::split_once`.
    let (key, value) = line.split_once('=')?;
    Some((key.trim(), value.trim()))
    // course:end
}

/// Removes `prefix` from the start of `text` if it is there.
/// Only `text`'s lifetime reaches the result, so `prefix` may be a short-lived temporary.
fn without_prefix<'t>(text: &'t str, prefix: &str) -> &'t str {
    // course:solution Look at `str::strip_prefix`; fall back to the whole text.
    text.strip_prefix(prefix).unwrap_or(text)
    // course:end
}

/// Names the greeting for a language code; unknown codes get `"hello"`.
/// The result is `&'static str` (string literals live in the binary), so it outlives `language`.
fn greeting(language: &str) -> &'static str {
    // course:solution Match on the code and return string literals: "fr" → "bonjour", "de" → "hallo", "es" → "hola".
    match language {
        "fr" => "bonjour",
        "de" => "hallo",
        "es" => "hola",
        _ => "hello",
    }
    // course:end
}

/// Splits text into whitespace-separated tokens, one at a time, without copying.
/// The tokens borrow from the *text* (`'a`), not from the tokenizer, so they outlive it.
#[derive(Debug)]
struct Tokenizer<'a> {
    /// The part of the input not yet handed out.
    rest: &'a str,
}

impl<'a> Tokenizer<'a> {
    /// Starts tokenizing `input`.
    fn new(input: &'a str) -> Self {
        Tokenizer { rest: input }
    }

    /// Returns the next token, or `None` when only whitespace (or nothing) is left.
    fn next_token(&mut self) -> Option<&'a str> {
        // course:solution Skip leading whitespace, cut the token off the front of `self.rest`, keep the remainder.
        let trimmed = self.rest.trim_start();
        if trimmed.is_empty() {
            self.rest = trimmed;
            return None;
        }
        let end = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
        let (token, remainder) = trimmed.split_at(end);
        self.rest = remainder;
        Some(token)
        // course:end
    }

    /// Returns the input not yet tokenized, leading whitespace included.
    fn remaining(&self) -> &'a str {
        self.rest
    }
}

/// Keeps values of any type for later, as long as they borrow nothing short-lived.
///
/// `T: 'static` does **not** mean "a `&'static` reference": an owned `String` or `Vec` meets
/// the bound, because it holds no borrow that could end.
#[derive(Debug, Default)]
struct Registry {
    /// Everything registered so far, in order.
    entries: Vec<Box<dyn Debug>>,
}

impl Registry {
    /// Stores `value`; the bound guarantees it cannot dangle however long the registry lives.
    fn register<T: Debug + 'static>(&mut self, value: T) {
        // course:solution Box the value; a `Box<T>` coerces to `Box<dyn Debug>`.
        self.entries.push(Box::new(value));
        // course:end
    }

    /// Renders every entry with `{:?}`.
    fn describe(&self) -> Vec<String> {
        // course:solution Format each entry with `format!("{entry:?}")`.
        self.entries
            .iter()
            .map(|entry| format!("{entry:?}"))
            .collect()
        // course:end
    }
}

fn main() {
    let title = String::from("Lifetimes");
    println!("longer: {}", longer(&title, "are relationships"));
    println!("first line: {:?}", first_line("one\ntwo"));
    println!("pair: {:?}", split_pair(" port = 8080 "));
    println!(
        "stripped: {}",
        without_prefix("v1.95.0", &String::from("v"))
    );
    println!("greeting: {}", greeting("fr"));

    let mut tokenizer = Tokenizer::new("  let x = 5;");
    while let Some(token) = tokenizer.next_token() {
        print!("[{token}] ");
    }
    println!("rest: {:?}", tokenizer.remaining());

    let mut registry = Registry::default();
    registry.register(String::from("an owned String is 'static"));
    registry.register(42_u8);
    registry.register("a literal is &'static str");
    println!("{:?}", registry.describe());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longer_returns_the_longer_and_the_first_on_a_tie() {
        assert_eq!(longer("abc", "de"), "abc");
        assert_eq!(longer("ab", "cde"), "cde");
        assert_eq!(longer("ab", "cd"), "ab");
    }

    #[test]
    fn first_line_handles_crlf_and_empty_text() {
        assert_eq!(first_line("alpha\r\nbeta"), "alpha");
        assert_eq!(first_line("single"), "single");
        assert_eq!(first_line(""), "");
    }

    #[test]
    fn split_pair_trims_and_splits_at_the_first_equals_sign() {
        assert_eq!(split_pair(" name = ada "), Some(("name", "ada")));
        assert_eq!(split_pair("expr=a=b"), Some(("expr", "a=b")));
        assert_eq!(split_pair("no separator"), None);
    }

    #[test]
    fn without_prefix_result_outlives_the_prefix() {
        let text = String::from("cargo test");
        let stripped = {
            let prefix = String::from("cargo ");
            without_prefix(&text, &prefix)
        };
        assert_eq!(stripped, "test");
        assert_eq!(without_prefix(&text, "rustc"), "cargo test");
    }

    #[test]
    fn greeting_outlives_its_argument() {
        let hello = {
            let code = String::from("de");
            greeting(&code)
        };
        assert_eq!(hello, "hallo");
        assert_eq!(greeting("xx"), "hello");
        assert_eq!(greeting("es"), "hola");
    }

    #[test]
    fn tokenizer_splits_on_any_whitespace() {
        let mut tokenizer = Tokenizer::new("  fn\tmain ()\n");
        assert_eq!(tokenizer.next_token(), Some("fn"));
        assert_eq!(tokenizer.next_token(), Some("main"));
        assert_eq!(tokenizer.remaining(), " ()\n");
        assert_eq!(tokenizer.next_token(), Some("()"));
        assert_eq!(tokenizer.next_token(), None);
        assert_eq!(tokenizer.next_token(), None);
    }

    #[test]
    fn tokenizer_of_blank_input_has_no_tokens() {
        assert_eq!(Tokenizer::new("").next_token(), None);
        assert_eq!(Tokenizer::new(" \n\t ").next_token(), None);
    }

    #[test]
    fn tokens_outlive_the_tokenizer() {
        let source = String::from("borrow from the text");
        let tokens: Vec<&str> = {
            let mut tokenizer = Tokenizer::new(&source);
            let first = tokenizer.next_token();
            let second = tokenizer.next_token();
            [first, second].into_iter().flatten().collect()
        };
        assert_eq!(tokens, ["borrow", "from"]);
    }

    #[test]
    fn registry_accepts_owned_values_and_static_references() {
        let mut registry = Registry::default();
        registry.register(String::from("owned"));
        registry.register(vec![1, 2]);
        registry.register("literal");
        assert_eq!(registry.describe(), ["\"owned\"", "[1, 2]", "\"literal\""]);
    }
}

//! # Lifetime annotations: functions and structs that hold references
//!
//! - **Goal:** implement functions and a tokenizer whose signatures say, with lifetimes, which input each returned reference borrows from.
//! - **Concepts:** lifetime parameters on functions; the three elision rules; a struct holding a reference (`Tokenizer<'a>`); returning `&'a str` rather than a borrow of `self`; a `'static` bound (`T: 'static`) versus a `&'static` reference.
//! - **Read first:** `notes/03-lifetimes-explained.md`.
//! - **Run:** `cargo run --manifest-path learn/Cargo.toml --bin m01-lifetime-annotations` runs your copy (made by `cargo course start 01.3`).
//! - **Test:** `cargo course verify 01.3` tests your copy. (The reference solution: `cargo test -p syntax-and-ownership --bin m01-lifetime-annotations`.)
//! - **Done when:** it compiles and every test passes. The starting file does not compile (E0106): writing the lifetimes of `longer`, `without_prefix` and `Tokenizer` is the first half of the exercise. The tests check that every returned `&str` points into the input it should borrow from, so a copy or a leak fails them.

use std::fmt::Debug;

// course:solution
/// Returns the longer of two strings; on a tie, the first.
/// The result may borrow from either input, so both inputs share one lifetime parameter.
fn longer<'a>(first: &'a str, second: &'a str) -> &'a str {
    if second.len() > first.len() {
        second
    } else {
        first
    }
}
// course:stub
// /// Returns the longer of two strings; on a tie, the first.
// /// TODO: elision cannot tell which input the result borrows from. Declare `'a` and put it on
// /// each input the result may borrow from.
// fn longer(first: &str, second: &str) -> &'a str {
//     todo!()
// }
// course:decoy second-wins-tie Compares with `>=`, so the second of two equally long strings wins.
// /// Returns the longer of two strings; on a tie, the first.
// fn longer<'a>(first: &'a str, second: &'a str) -> &'a str {
//     if second.len() >= first.len() { second } else { first }
// }
// course:decoy owned-result Returns a new `String` instead of a borrow of one input: no lifetime to write.
// /// Returns the longer of two strings; on a tie, the first.
// fn longer(first: &str, second: &str) -> String {
//     if second.len() > first.len() { second.to_string() } else { first.to_string() }
// }
// course:end

/// Returns the first line of `text` (without its line ending), or `""` for empty text.
/// The signature is elided: one reference input, so the output borrows from `text`.
fn first_line(text: &str) -> &str {
    // course:solution `str::lines` already strips "\n" and "\r\n".
    text.lines().next().unwrap_or("")
    // course:decoy keeps-carriage-return Splits at `\n` only, so a Windows line keeps its `\r`.
    // text.split('\n').next().unwrap_or("")
    // course:end
}

/// Splits `"key=value"` at the first `=` into trimmed key and value.
/// Both outputs borrow from `line` (elision rule 2); no `=` gives `None`.
fn split_pair(line: &str) -> Option<(&str, &str)> {
    // course:solution Look at `str::split_once`.
    let (key, value) = line.split_once('=')?;
    Some((key.trim(), value.trim()))
    // course:decoy last-equals-sign Splits at the last `=` instead of the first.
    // let (key, value) = line.rsplit_once('=')?;
    // Some((key.trim(), value.trim()))
    // course:end
}

// course:solution
/// Removes `prefix` from the start of `text` if it is there.
/// Only `text`'s lifetime reaches the result, so `prefix` may be a short-lived temporary.
fn without_prefix<'t>(text: &'t str, prefix: &str) -> &'t str {
    text.strip_prefix(prefix).unwrap_or(text)
}
// course:stub
// /// Removes `prefix` from the start of `text` if it is there.
// /// TODO: declare `'t` and put it on the input the result borrows from (`prefix` may die first).
// fn without_prefix(text: &str, prefix: &str) -> &'t str {
//     todo!()
// }
// course:decoy owned-rest Returns a copy of the rest of the text, so no lifetime is needed.
// /// Removes `prefix` from the start of `text` if it is there.
// fn without_prefix(text: &str, prefix: &str) -> String {
//     text.strip_prefix(prefix).unwrap_or(text).to_string()
// }
// course:decoy trims-too Trims whitespace after removing the prefix.
// /// Removes `prefix` from the start of `text` if it is there.
// fn without_prefix<'t>(text: &'t str, prefix: &str) -> &'t str {
//     text.strip_prefix(prefix).unwrap_or(text).trim()
// }
// course:end

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
    // course:decoy leaked Leaks a freshly allocated `String` to get a `&'static str`.
    // let word = match language {
    //     "fr" => "bonjour",
    //     "de" => "hallo",
    //     "es" => "hola",
    //     _ => "hello",
    // };
    // Box::leak(word.to_string().into_boxed_str())
    // course:end
}

// course:solution
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
        let trimmed = self.rest.trim_start();
        if trimmed.is_empty() {
            self.rest = trimmed;
            return None;
        }
        let end = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
        let (token, remainder) = trimmed.split_at(end);
        self.rest = remainder;
        Some(token)
    }

    /// Returns the input not yet tokenized, leading whitespace included.
    fn remaining(&self) -> &'a str {
        self.rest
    }
}
// course:stub
// /// Splits text into whitespace-separated tokens, one at a time, without copying.
// /// The tokens must borrow from the *text*, not from the tokenizer, so they outlive it.
// /// TODO: declare the lifetime parameter `'a` on the struct and on the `impl` block, then
// /// decide which references in the methods are `&'a str`.
// #[derive(Debug)]
// struct Tokenizer {
//     /// The part of the input not yet handed out.
//     rest: &'a str,
// }
//
// impl Tokenizer {
//     /// Starts tokenizing `input`.
//     fn new(input: &str) -> Self {
//         Tokenizer { rest: input }
//     }
//
//     /// Returns the next token, or `None` when only whitespace (or nothing) is left.
//     /// TODO: skip leading whitespace, cut the token off the front of `self.rest`, keep the rest.
//     fn next_token(&mut self) -> Option<&'a str> {
//         todo!()
//     }
//
//     /// Returns the input not yet tokenized, leading whitespace included.
//     fn remaining(&self) -> &'a str {
//         self.rest
//     }
// }
// course:decoy splits-on-spaces-only Cuts tokens at the next space, so a tab or newline stays inside a token.
// /// Splits text into whitespace-separated tokens, one at a time, without copying.
// /// The tokens borrow from the *text* (`'a`), not from the tokenizer, so they outlive it.
// #[derive(Debug)]
// struct Tokenizer<'a> {
//     /// The part of the input not yet handed out.
//     rest: &'a str,
// }
//
// impl<'a> Tokenizer<'a> {
//     /// Starts tokenizing `input`.
//     fn new(input: &'a str) -> Self {
//         Tokenizer { rest: input }
//     }
//
//     /// Returns the next token, or `None` when only whitespace (or nothing) is left.
//     fn next_token(&mut self) -> Option<&'a str> {
//         let trimmed = self.rest.trim_start();
//         if trimmed.is_empty() {
//             self.rest = trimmed;
//             return None;
//         }
//         let end = trimmed.find(' ').unwrap_or(trimmed.len());
//         let (token, remainder) = trimmed.split_at(end);
//         self.rest = remainder;
//         Some(token)
//     }
//
//     /// Returns the input not yet tokenized, leading whitespace included.
//     fn remaining(&self) -> &'a str {
//         self.rest
//     }
// }
// course:decoy leaked-tokens Hands out leaked copies of the tokens instead of slices of the text.
// /// Splits text into whitespace-separated tokens, one at a time, without copying.
// /// The tokens borrow from the *text* (`'a`), not from the tokenizer, so they outlive it.
// #[derive(Debug)]
// struct Tokenizer<'a> {
//     /// The part of the input not yet handed out.
//     rest: &'a str,
// }
//
// impl<'a> Tokenizer<'a> {
//     /// Starts tokenizing `input`.
//     fn new(input: &'a str) -> Self {
//         Tokenizer { rest: input }
//     }
//
//     /// Returns the next token, or `None` when only whitespace (or nothing) is left.
//     fn next_token(&mut self) -> Option<&'a str> {
//         let trimmed = self.rest.trim_start();
//         if trimmed.is_empty() {
//             self.rest = trimmed;
//             return None;
//         }
//         let end = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
//         let (token, remainder) = trimmed.split_at(end);
//         self.rest = remainder;
//         Some(Box::leak(token.to_string().into_boxed_str()))
//     }
//
//     /// Returns the input not yet tokenized, leading whitespace included.
//     fn remaining(&self) -> &'a str {
//         self.rest
//     }
// }
// course:end

/// Keeps values of any type for later, as long as they borrow nothing short-lived.
///
/// `T: 'static` does **not** mean "a `&'static` reference": a `String` or a `Vec<u8>` meets
/// the bound, because no lifetime shorter than `'static` appears in its type. (Owning is not
/// enough: an owned `Vec<&'a str>` still borrows for `'a` and does not meet it.)
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
        // course:decoy stores-text Stores the `{:?}` text of the value instead of the value.
        // self.entries.push(Box::new(format!("{value:?}")));
        // course:end
    }

    /// Renders every entry with `{:?}`.
    fn describe(&self) -> Vec<String> {
        // course:solution Format each entry with `format!("{entry:?}")`.
        self.entries
            .iter()
            .map(|entry| format!("{entry:?}"))
            .collect()
        // course:decoy pretty Uses the alternate `{:#?}` form.
        // self.entries.iter().map(|entry| format!("{entry:#?}")).collect()
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
    fn longer_returns_a_borrow_of_an_input() {
        let (short, long) = (String::from("ab"), String::from("abc"));
        assert_eq!(
            longer(&short, &long).as_ptr(),
            long.as_ptr(),
            "the result must be the input itself, not a copy"
        );
        assert_eq!(longer(&long, &short).as_ptr(), long.as_ptr());
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
        assert_eq!(
            stripped.as_ptr(),
            text[6..].as_ptr(),
            "the result must be a slice of `text`, not a copy"
        );
        assert_eq!(without_prefix(&text, "rustc"), "cargo test");
        assert_eq!(without_prefix(" x", ""), " x");
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
        assert_eq!(greeting("fr"), "bonjour");
        // A string literal is one piece of static memory: asking twice gives the same address.
        assert_eq!(
            greeting("fr").as_ptr(),
            greeting("fr").as_ptr(),
            "return string literals, not leaked copies"
        );
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
        let addresses: Vec<*const u8> = tokens.iter().map(|token| token.as_ptr()).collect();
        assert_eq!(
            addresses,
            [source[0..].as_ptr(), source[7..].as_ptr()],
            "tokens must be slices of the text"
        );
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

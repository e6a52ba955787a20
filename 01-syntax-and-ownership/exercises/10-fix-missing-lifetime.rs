//! # Fix E0106: missing lifetime specifier
//!
//! - **Goal:** add the lifetime parameters that elision cannot supply: a function with two reference inputs that returns a reference, and a struct that holds a reference.
//! - **Concepts:** the three elision rules and when they give up; lifetime parameters on functions and structs; `impl<'a>` blocks; E0106 "missing lifetime specifier".
//! - **Read first:** `notes/03-lifetimes-explained.md` (sections "Elision" and "Structs that hold references").
//! - **Run:** `cargo run --manifest-path learn/Cargo.toml --bin m01-fix-missing-lifetime` runs your copy (made by `cargo course start 01.10`).
//! - **Test:** `cargo course verify 01.10` tests your copy. (The reference solution: `cargo test -p syntax-and-ownership --bin m01-fix-missing-lifetime`.)
//! - **Done when:** it compiles, the tests pass, and you can say for each annotation which rule of elision failed.

// course:solution
/// Returns whichever of the two names comes first alphabetically.
fn earlier<'a>(first: &'a str, second: &'a str) -> &'a str {
    if second < first { second } else { first }
}

/// A quotation: a borrowed slice of some text, plus who said it.
#[derive(Debug)]
struct Quote<'t> {
    /// The quoted words, borrowed from the text they came from.
    words: &'t str,
    /// The speaker.
    speaker: &'t str,
}

impl<'t> Quote<'t> {
    /// Returns the quoted words.
    fn words(&self) -> &'t str {
        self.words
    }
}

/// Cuts `"<speaker>: <words>"` into a quote; text without `": "` has no quote.
fn parse_quote(line: &str) -> Option<Quote<'_>> {
    let (speaker, words) = line.split_once(": ")?;
    Some(Quote { words, speaker })
}
// course:stub
// /// Returns whichever of the two names comes first alphabetically.
// fn earlier(first: &str, second: &str) -> &str {
//     if second < first { second } else { first }
// }
//
// /// A quotation: a borrowed slice of some text, plus who said it.
// #[derive(Debug)]
// struct Quote {
//     /// The quoted words, borrowed from the text they came from.
//     words: &str,
//     /// The speaker.
//     speaker: &str,
// }
//
// impl Quote {
//     /// Returns the quoted words.
//     fn words(&self) -> &str {
//         self.words
//     }
// }
//
// /// Cuts `"<speaker>: <words>"` into a quote; text without `": "` has no quote.
// fn parse_quote(line: &str) -> Option<Quote> {
//     let (speaker, words) = line.split_once(": ")?;
//     Some(Quote { words, speaker })
// }
// course:decoy owned-fields Makes `Quote` own `String`s and `earlier` return a `String`: no lifetime, but copies.
// /// Returns whichever of the two names comes first alphabetically.
// fn earlier(first: &str, second: &str) -> String {
//     if second < first { second.to_string() } else { first.to_string() }
// }
//
// /// A quotation: a borrowed slice of some text, plus who said it.
// #[derive(Debug)]
// struct Quote {
//     /// The quoted words.
//     words: String,
//     /// The speaker.
//     speaker: String,
// }
//
// impl Quote {
//     /// Returns the quoted words.
//     fn words(&self) -> String {
//         self.words.clone()
//     }
// }
//
// /// Cuts `"<speaker>: <words>"` into a quote; text without `": "` has no quote.
// fn parse_quote(line: &str) -> Option<Quote> {
//     let (speaker, words) = line.split_once(": ")?;
//     Some(Quote { words: words.to_string(), speaker: speaker.to_string() })
// }
// course:decoy static-text Fields are `&'static str`, filled by leaking a copy of the line.
// /// Returns whichever of the two names comes first alphabetically.
// fn earlier<'a>(first: &'a str, second: &'a str) -> &'a str {
//     if second < first { second } else { first }
// }
//
// /// A quotation: a borrowed slice of some text, plus who said it.
// #[derive(Debug)]
// struct Quote {
//     /// The quoted words.
//     words: &'static str,
//     /// The speaker.
//     speaker: &'static str,
// }
//
// impl Quote {
//     /// Returns the quoted words.
//     fn words(&self) -> &'static str {
//         self.words
//     }
// }
//
// /// Cuts `"<speaker>: <words>"` into a quote; text without `": "` has no quote.
// fn parse_quote(line: &str) -> Option<Quote> {
//     let line: &'static str = Box::leak(line.to_string().into_boxed_str());
//     let (speaker, words) = line.split_once(": ")?;
//     Some(Quote { words, speaker })
// }
// course:decoy later-wins Returns the alphabetically later name.
// /// Returns whichever of the two names comes first alphabetically.
// fn earlier<'a>(first: &'a str, second: &'a str) -> &'a str {
//     if second > first { second } else { first }
// }
//
// /// A quotation: a borrowed slice of some text, plus who said it.
// #[derive(Debug)]
// struct Quote<'t> {
//     /// The quoted words, borrowed from the text they came from.
//     words: &'t str,
//     /// The speaker.
//     speaker: &'t str,
// }
//
// impl<'t> Quote<'t> {
//     /// Returns the quoted words.
//     fn words(&self) -> &'t str {
//         self.words
//     }
// }
//
// /// Cuts `"<speaker>: <words>"` into a quote; text without `": "` has no quote.
// fn parse_quote(line: &str) -> Option<Quote<'_>> {
//     let (speaker, words) = line.split_once(": ")?;
//     Some(Quote { words, speaker })
// }
// course:end

fn main() {
    println!("{}", earlier("Grace", "Ada"));
    if let Some(quote) = parse_quote("Ferris: borrow, don't copy") {
        println!("{} said {:?}", quote.speaker, quote.words());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn earlier_picks_the_alphabetically_first_name() {
        assert_eq!(earlier("b", "a"), "a");
        assert_eq!(earlier("a", "b"), "a");
        let (ada, grace) = (String::from("Ada"), String::from("Grace"));
        assert_eq!(
            earlier(&grace, &ada).as_ptr(),
            ada.as_ptr(),
            "`earlier` must return one of its inputs, not a copy"
        );
        // Two equal names: the first one is returned.
        let twin = String::from("Ada");
        assert_eq!(earlier(&ada, &twin).as_ptr(), ada.as_ptr());
    }

    #[test]
    fn quote_words_outlive_the_quote() {
        let line = String::from("Ada: the engine weaves");
        let words = {
            let quote = parse_quote(&line).expect("the line has a separator");
            assert_eq!(quote.speaker, "Ada");
            quote.words()
        };
        assert_eq!(words, "the engine weaves");
        assert_eq!(
            words.as_ptr(),
            line[5..].as_ptr(),
            "the words must be a slice of the line, not a copy"
        );
    }

    #[test]
    fn parse_quote_without_separator_is_none() {
        assert!(parse_quote("no speaker").is_none());
    }
}

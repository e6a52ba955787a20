//! # Two lifetime parameters: a splitter whose pieces outlive its delimiter
//!
//! - **Goal:** write a `Splitter` that cuts a text at a delimiter, so that the pieces it hands out stay usable after the delimiter is gone.
//! - **Concepts:** several lifetime parameters on one struct; which lifetime an iterator's `Item` carries; `'_` in an `impl` header for a lifetime the block does not need to name; why one lifetime for two borrows is too strong.
//! - **Read first:** `notes/03-lifetimes-explained.md` (section "Several lifetime parameters, and lifetimes in `impl` headers").
//! - **Run:** `cargo run --manifest-path learn/Cargo.toml --bin m01-two-lifetimes` runs your copy (made by `cargo course start 01.24`).
//! - **Test:** `cargo course verify 01.24` tests your copy. (The reference solution: `cargo test -p syntax-and-ownership --bin m01-two-lifetimes`.)
//! - **Done when:** it compiles and every test passes. The starting file does not compile (E0597): with one lifetime for text and delimiter, a test that drops the delimiter before using the pieces is rejected, and fixing the struct's lifetimes is the exercise.

// course:solution
/// Splits a text at each occurrence of a delimiter, like `str::split` with a `&str` pattern.
/// The pieces borrow from the text (`'t`); the delimiter is needed only while the splitter
/// lives (`'d`), so the pieces may outlive it. An empty delimiter yields the whole text once.
#[derive(Debug)]
struct Splitter<'t, 'd> {
    /// The text not yet split; `None` once the last piece was handed out.
    rest: Option<&'t str>,
    /// What separates the pieces.
    delimiter: &'d str,
}

impl<'t, 'd> Splitter<'t, 'd> {
    /// Starts splitting `text` at `delimiter`.
    fn new(text: &'t str, delimiter: &'d str) -> Self {
        Splitter {
            rest: Some(text),
            delimiter,
        }
    }
}

impl<'t> Iterator for Splitter<'t, '_> {
    type Item = &'t str;

    fn next(&mut self) -> Option<&'t str> {
        let rest = self.rest?;
        let found = if self.delimiter.is_empty() {
            None
        } else {
            rest.find(self.delimiter)
        };
        match found {
            Some(at) => {
                self.rest = Some(&rest[at + self.delimiter.len()..]);
                Some(&rest[..at])
            }
            None => {
                self.rest = None;
                Some(rest)
            }
        }
    }
}
// course:stub
// /// Splits a text at each occurrence of a delimiter, like `str::split` with a `&str` pattern.
// /// An empty delimiter yields the whole text once.
// /// TODO: one lifetime for both borrows makes the pieces die with the delimiter (a test needs
// /// them to outlive it). Give the text and the delimiter a lifetime each, and decide which one
// /// the pieces carry.
// #[derive(Debug)]
// struct Splitter<'a> {
//     /// The text not yet split; `None` once the last piece was handed out.
//     rest: Option<&'a str>,
//     /// What separates the pieces.
//     delimiter: &'a str,
// }
//
// impl<'a> Splitter<'a> {
//     /// Starts splitting `text` at `delimiter`.
//     fn new(text: &'a str, delimiter: &'a str) -> Self {
//         Splitter {
//             rest: Some(text),
//             delimiter,
//         }
//     }
// }
//
// impl<'a> Iterator for Splitter<'a> {
//     type Item = &'a str;
//
//     /// TODO: find the delimiter in the rest; hand out the part before it and keep the part
//     /// after it. With no delimiter left, hand out the whole rest, once.
//     fn next(&mut self) -> Option<&'a str> {
//         todo!()
//     }
// }
// course:decoy keeps-the-delimiter Hands out each piece with its delimiter still attached.
// /// Splits a text at each occurrence of a delimiter, like `str::split` with a `&str` pattern.
// /// The pieces borrow from the text (`'t`); the delimiter is needed only while the splitter
// /// lives (`'d`), so the pieces may outlive it. An empty delimiter yields the whole text once.
// #[derive(Debug)]
// struct Splitter<'t, 'd> {
//     /// The text not yet split; `None` once the last piece was handed out.
//     rest: Option<&'t str>,
//     /// What separates the pieces.
//     delimiter: &'d str,
// }
//
// impl<'t, 'd> Splitter<'t, 'd> {
//     /// Starts splitting `text` at `delimiter`.
//     fn new(text: &'t str, delimiter: &'d str) -> Self {
//         Splitter {
//             rest: Some(text),
//             delimiter,
//         }
//     }
// }
//
// impl<'t> Iterator for Splitter<'t, '_> {
//     type Item = &'t str;
//
//     fn next(&mut self) -> Option<&'t str> {
//         let rest = self.rest?;
//         let found = if self.delimiter.is_empty() {
//             None
//         } else {
//             rest.find(self.delimiter)
//         };
//         match found {
//             Some(at) => {
//                 self.rest = Some(&rest[at + self.delimiter.len()..]);
//                 Some(&rest[..at + self.delimiter.len()])
//             }
//             None => {
//                 self.rest = None;
//                 Some(rest)
//             }
//         }
//     }
// }
// course:decoy skips-one-byte Skips one byte after a match, whatever the delimiter's length.
// /// Splits a text at each occurrence of a delimiter, like `str::split` with a `&str` pattern.
// /// The pieces borrow from the text (`'t`); the delimiter is needed only while the splitter
// /// lives (`'d`), so the pieces may outlive it. An empty delimiter yields the whole text once.
// #[derive(Debug)]
// struct Splitter<'t, 'd> {
//     /// The text not yet split; `None` once the last piece was handed out.
//     rest: Option<&'t str>,
//     /// What separates the pieces.
//     delimiter: &'d str,
// }
//
// impl<'t, 'd> Splitter<'t, 'd> {
//     /// Starts splitting `text` at `delimiter`.
//     fn new(text: &'t str, delimiter: &'d str) -> Self {
//         Splitter {
//             rest: Some(text),
//             delimiter,
//         }
//     }
// }
//
// impl<'t> Iterator for Splitter<'t, '_> {
//     type Item = &'t str;
//
//     fn next(&mut self) -> Option<&'t str> {
//         let rest = self.rest?;
//         let found = if self.delimiter.is_empty() {
//             None
//         } else {
//             rest.find(self.delimiter)
//         };
//         match found {
//             Some(at) => {
//                 self.rest = Some(&rest[at + 1..]);
//                 Some(&rest[..at])
//             }
//             None => {
//                 self.rest = None;
//                 Some(rest)
//             }
//         }
//     }
// }
// course:decoy drops-the-last-piece Stops when no delimiter is left, losing the last piece.
// /// Splits a text at each occurrence of a delimiter, like `str::split` with a `&str` pattern.
// /// The pieces borrow from the text (`'t`); the delimiter is needed only while the splitter
// /// lives (`'d`), so the pieces may outlive it. An empty delimiter yields the whole text once.
// #[derive(Debug)]
// struct Splitter<'t, 'd> {
//     /// The text not yet split; `None` once the last piece was handed out.
//     rest: Option<&'t str>,
//     /// What separates the pieces.
//     delimiter: &'d str,
// }
//
// impl<'t, 'd> Splitter<'t, 'd> {
//     /// Starts splitting `text` at `delimiter`.
//     fn new(text: &'t str, delimiter: &'d str) -> Self {
//         Splitter {
//             rest: Some(text),
//             delimiter,
//         }
//     }
// }
//
// impl<'t> Iterator for Splitter<'t, '_> {
//     type Item = &'t str;
//
//     fn next(&mut self) -> Option<&'t str> {
//         let rest = self.rest?;
//         let found = if self.delimiter.is_empty() {
//             None
//         } else {
//             rest.find(self.delimiter)
//         };
//         match found {
//             Some(at) => {
//                 self.rest = Some(&rest[at + self.delimiter.len()..]);
//                 Some(&rest[..at])
//             }
//             None => {
//                 self.rest = None;
//                 None
//             }
//         }
//     }
// }
// course:end

fn main() {
    let path = String::from("crate::module::item");
    let pieces: Vec<&str> = {
        let separator = String::from("::");
        Splitter::new(&path, &separator).collect()
    };
    println!("{pieces:?}");
}

#[cfg(test)]
mod tests {
    use super::*;

    // Every `collect` takes at most 10 pieces, so a `next` that never returns `None` fails
    // quickly instead of filling the memory.

    #[test]
    fn splits_at_every_delimiter() {
        let pieces: Vec<&str> = Splitter::new("a,b,,c", ",").take(10).collect();
        assert_eq!(pieces, ["a", "b", "", "c"]);
    }

    #[test]
    fn splits_at_a_delimiter_longer_than_one_byte() {
        let pieces: Vec<&str> = Splitter::new("std::mem::take", "::").take(10).collect();
        assert_eq!(pieces, ["std", "mem", "take"]);
    }

    #[test]
    fn edge_cases_match_str_split() {
        assert_eq!(Splitter::new("", ",").take(10).collect::<Vec<_>>(), [""]);
        assert_eq!(
            Splitter::new("whole", ",").take(10).collect::<Vec<_>>(),
            ["whole"]
        );
        assert_eq!(
            Splitter::new("a,", ",").take(10).collect::<Vec<_>>(),
            ["a", ""]
        );
        assert_eq!(
            Splitter::new("abc", "").take(10).collect::<Vec<_>>(),
            ["abc"]
        );
    }

    #[test]
    fn pieces_outlive_the_delimiter_and_point_into_the_text() {
        let text = String::from("key=value");
        let pieces: Vec<&str> = {
            let delimiter = String::from("=");
            Splitter::new(&text, &delimiter).take(10).collect()
        };
        assert_eq!(pieces, ["key", "value"]);
        assert_eq!(
            (pieces[0].as_ptr(), pieces[1].as_ptr()),
            (text.as_ptr(), text[4..].as_ptr()),
            "the pieces must be slices of the text"
        );
    }
}

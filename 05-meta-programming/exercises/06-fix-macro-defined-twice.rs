//! # Fix E0428: a macro that defines the same item twice
//!
//! - **Goal:** make `parser!` usable more than once in a module: each use must define its own
//!   parsing function and nothing that collides with the next use.
//! - **Concepts:** items (`fn`, `struct`, `mod`) that a `macro_rules!` expansion defines are
//!   *not* hygienic: they land in the caller's namespace under their written name; a block
//!   (`{ .. }`) or a function body gives helper items a scope of their own; E0428.
//! - **Read first:** `notes/01-macro-rules-fundamentals.md` (section "Hygiene").
//! - **Run:** `cargo course run 05.6`
//! - **Test:** `cargo course verify 05.6` (reference solution:
//!   `cargo test -p meta-programming --bin m05-fix-macro-defined-twice`)
//! - **Done when:** it compiles and the tests pass.

// course:solution
/// `parser!(name, Type)` defines `fn name(text: &str) -> Option<Type>`, which trims `text` and
/// parses it, treating an empty field as missing.
macro_rules! parser {
    ($name:ident, $ty:ty) => {
        fn $name(text: &str) -> Option<$ty> {
            // The helper lives inside the generated function, so every expansion has its own.
            fn non_empty(text: &str) -> Option<&str> {
                let trimmed = text.trim();
                if trimmed.is_empty() {
                    None
                } else {
                    Some(trimmed)
                }
            }
            non_empty(text)?.parse().ok()
        }
    };
}
// course:stub
// /// `parser!(name, Type)` defines `fn name(text: &str) -> Option<Type>`, which trims `text` and
// /// parses it, treating an empty field as missing.
// macro_rules! parser {
//     ($name:ident, $ty:ty) => {
//         fn non_empty(text: &str) -> Option<&str> {
//             let trimmed = text.trim();
//             if trimmed.is_empty() {
//                 None
//             } else {
//                 Some(trimmed)
//             }
//         }
//
//         fn $name(text: &str) -> Option<$ty> {
//             non_empty(text)?.parse().ok()
//         }
//     };
// }
// course:end

// course:solution
parser!(parse_port, u16);
parser!(parse_ratio, f64);
// course:stub
// parser!(parse_port, u16);
// parser!(parse_ratio, f64);
// course:decoy reuse-first-parser Expands the macro once and derives the ratio from the port parser, so fractions are rejected.
// parser!(parse_port, u16);
//
// fn parse_ratio(text: &str) -> Option<f64> {
//     parse_port(text).map(f64::from)
// }
// course:end

fn main() {
    let fields = ["8080", " 0.75 ", ""];
    println!(
        "port {:?}, ratio {:?}, empty {:?}",
        parse_port(fields[0]),
        parse_ratio(fields[1]),
        parse_port(fields[2])
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_port_reads_a_trimmed_number() {
        assert_eq!(parse_port(" 443\n"), Some(443));
        assert_eq!(parse_port("70000"), None);
    }

    #[test]
    fn parse_ratio_reads_fractions() {
        assert_eq!(parse_ratio("0.25"), Some(0.25));
        assert_eq!(parse_ratio(" 1 "), Some(1.0));
    }

    #[test]
    fn empty_fields_are_missing() {
        assert_eq!(parse_port("   "), None);
        assert_eq!(parse_ratio(""), None);
    }
}

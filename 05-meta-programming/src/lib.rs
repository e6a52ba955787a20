//! Module 05: meta-programming (declarative and procedural macros).
//!
//! This library exists so that the notes are compiled and tested: each note in `notes/` is
//! included as the documentation of an empty module below, which makes every Rust code block in
//! it a doctest (`cargo test -p meta-programming --doc`). Blocks marked `compile_fail,E0xxx`
//! must fail to compile; the error code of each was checked against rustc 1.95 when the note was
//! written (stable rustdoc does not check codes). The exercises are binaries listed in
//! `Cargo.toml`, plus the proc-macro crate `exercises/02-procedural-macro-crate` (package
//! `meta-programming-macros`); see `README.md`.

#[doc = include_str!("../notes/01-macro-rules-fundamentals.md")]
pub mod macro_rules_fundamentals {}

#[doc = include_str!("../notes/02-declarative-macro-patterns.md")]
pub mod declarative_macro_patterns {}

#[doc = include_str!("../notes/03-procedural-macros-intro.md")]
pub mod procedural_macros_intro {}

#[doc = include_str!("../notes/04-syn-and-quote.md")]
pub mod syn_and_quote {}

#[doc = include_str!("../notes/05-derive-macros.md")]
pub mod derive_macros {}

//! Module 01: syntax and ownership.
//!
//! This library exists so that the notes are compiled and tested: each note in `notes/` is
//! included as the documentation of an empty module below, which makes every Rust code block
//! in it a doctest (`cargo test -p syntax-and-ownership --doc`). Blocks marked
//! `compile_fail,E0xxx` must fail to compile; `cargo +nightly test --doc` also checks the code.
//! The exercises are separate binaries listed in `Cargo.toml`; see `README.md`.

#[doc = include_str!("../notes/00-fundamentals.md")]
pub mod fundamentals {}

#[doc = include_str!("../notes/01-ownership-model.md")]
pub mod ownership_model {}

#[doc = include_str!("../notes/02-borrowing-deep-dive.md")]
pub mod borrowing_deep_dive {}

#[doc = include_str!("../notes/03-lifetimes-explained.md")]
pub mod lifetimes_explained {}

#[doc = include_str!("../notes/04-move-semantics.md")]
pub mod move_semantics {}

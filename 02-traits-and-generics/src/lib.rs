//! Module 02: traits and generics.
//!
//! This library exists so that the notes are compiled and tested: each note in `notes/` is
//! included as the documentation of an empty module below, which makes every Rust code block
//! in it a doctest (`cargo test -p traits-and-generics --doc`). Blocks marked
//! `compile_fail,E0xxx` must fail to compile; `cargo +nightly test --doc` also checks the code.
//! The exercises are separate binaries listed in `Cargo.toml`; see `README.md`.

#[doc = include_str!("../notes/01-trait-fundamentals.md")]
pub mod trait_fundamentals {}

#[doc = include_str!("../notes/02-generics-and-monomorphization.md")]
pub mod generics_and_monomorphization {}

#[doc = include_str!("../notes/03-associated-types.md")]
pub mod associated_types {}

#[doc = include_str!("../notes/04-higher-ranked-trait-bounds.md")]
pub mod higher_ranked_trait_bounds {}

#[doc = include_str!("../notes/05-variance-and-type-safety.md")]
pub mod variance_and_type_safety {}

//! Module 03: the async ecosystem.
//!
//! This library exists so that the notes are compiled and tested: each note in `notes/` is
//! included as the documentation of an empty module below, which makes every Rust code block
//! in it a doctest (`cargo test -p async-ecosystem --doc`). Blocks marked `compile_fail,E0xxx`
//! must fail to compile; `cargo +nightly test --doc` also checks the code.
//! The exercises are separate binaries listed in `Cargo.toml`; see `README.md`.

#[doc = include_str!("../notes/01-future-trait.md")]
pub mod future_trait {}

#[doc = include_str!("../notes/02-pin-and-unpin.md")]
pub mod pin_and_unpin {}

#[doc = include_str!("../notes/03-waker-mechanism.md")]
pub mod waker_mechanism {}

#[doc = include_str!("../notes/04-state-machines.md")]
pub mod state_machines {}

#[doc = include_str!("../notes/05-tokio-internals.md")]
pub mod tokio_internals {}

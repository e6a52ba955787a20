//! Module 04: unsafe Rust and FFI.
//!
//! This library exists so that the notes are compiled and tested: each note in `notes/` is
//! included as the documentation of an empty module below, which makes every Rust code block
//! in it a doctest (`cargo test -p unsafe-and-ffi --doc`). Blocks marked `compile_fail,E0xxx`
//! must fail to compile; `cargo +nightly test --doc` also checks the code. The exercises are
//! separate binaries listed in `Cargo.toml`; see `README.md`.
//!
//! The library also links `libsensor`, the C library of exercise 04.3 (built by the
//! `sensor-sys` crate), so that notes can call into it.

#![expect(
    clippy::needless_doctest_main,
    reason = "the undefined-behaviour samples spell out `fn main` so that the line numbers in Miri's reports match the lines of the block"
)]

use sensor_sys as _;

#[doc = include_str!("../notes/01-unsafe-guarantees.md")]
pub mod unsafe_guarantees {}

#[doc = include_str!("../notes/02-raw-pointers.md")]
pub mod raw_pointers {}

#[doc = include_str!("../notes/03-undefined-behavior.md")]
pub mod undefined_behavior {}

#[doc = include_str!("../notes/04-ffi-basics.md")]
pub mod ffi_basics {}

#[doc = include_str!("../notes/05-memory-layout.md")]
pub mod memory_layout {}

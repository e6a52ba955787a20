//! Module 06: performance.
//!
//! This library exists for two reasons. First, the notes are compiled and tested: each note in
//! `notes/` is included as the documentation of an empty module below, so every Rust code
//! block in it is a doctest (`cargo test -p performance --doc`). Second, the kernels the
//! benchmarks measure live here, in [`iteration`], [`layout`], [`allocation`] and [`simd`],
//! so that `benches/`, the notes and `--emit asm` all look at the same functions.
//! The exercises are separate binaries listed in `Cargo.toml`; see `README.md`.

pub mod allocation;
pub mod iteration;
pub mod layout;
pub mod simd;

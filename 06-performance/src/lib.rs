//! Module 06: performance.
//!
//! This library exists for two reasons. First, the notes are compiled and tested: each note in
//! `notes/` is included as the documentation of an empty module below, so every Rust code
//! block in it is a doctest (`cargo test -p performance --doc`). Blocks marked
//! `compile_fail,E0xxx` must fail to compile. Second, the kernels the benchmarks measure live
//! here, in [`iteration`], [`layout`], [`allocation`] and [`simd`], so that `benches/`, the
//! notes and `--emit asm` all look at the same functions.
//! The exercises are separate binaries listed in `Cargo.toml`; see `README.md`.

pub mod allocation;
pub mod iteration;
pub mod layout;
pub mod simd;

#[doc = include_str!("../notes/01-zero-cost-abstractions.md")]
pub mod zero_cost_abstractions {}

#[doc = include_str!("../notes/02-memory-layout-optimization.md")]
pub mod memory_layout_optimization {}

#[doc = include_str!("../notes/03-simd-and-vectorization.md")]
pub mod simd_and_vectorization {}

#[doc = include_str!("../notes/04-profiling-tools.md")]
pub mod profiling_tools {}

#[doc = include_str!("../notes/05-benchmarking-with-criterion.md")]
pub mod benchmarking_with_criterion {}

//! The course runner as a library: everything `cargo course` does lives here, split by job.
//!
//! - [`manifest`] reads and validates `course.toml`, the syllabus as data.
//! - [`exercise`] reads an exercise's markers: the stub, the clean solution, each decoy, and
//!   the skeleton a learner may not edit.
//! - [`signature`] compares the items and signatures of a solution and its stub.
//! - [`hash`] is the one stable hash (FNV-1a).
//! - [`markdown`] scans notes and docs: code fences, `compile_fail` blocks, links.
//! - [`cargo`] runs cargo, rustc and test binaries and reads what they print.
//! - [`learn`] owns the learner's workspace `learn/` and the progress file.
//! - [`export`] writes a student edition (stubs, notes, hints, no solutions).
//! - [`check`] is the exercise contract that CI runs over every exercise.
//! - [`report`] runs an edition's tests and prints per-exercise results.
//! - [`book`] assembles and builds the mdBook and checks its links.
//! - [`cli`] parses the command line and prints what each command has to say.
//!
//! The binary (`src/main.rs`) only hands the arguments to [`cli::run`].

pub mod book;
pub mod cargo;
pub mod check;
pub mod cli;
pub mod error;
pub mod exercise;
pub mod export;
pub mod hash;
pub mod learn;
pub mod manifest;
pub mod markdown;
pub mod report;
pub mod signature;
pub mod suggest;

pub use error::{Error, Result};

//! The course runner as a library: everything `cargo course` does lives here, split by job.
//!
//! - [`manifest`] reads and validates `course.toml`, the syllabus as data.
//! - [`exercise`] reads an exercise's markers: the stub, the clean solution, each decoy, and
//!   the skeleton a learner may not edit.
//! - [`crates`] handles crate exercises and capstones: a whole crate through the markers, file
//!   by file (stub, solution, a decoy, or a capstone up to milestone k).
//! - [`capstone`] knows a capstone's starter and milestone test files and validates its
//!   `course.toml` block against the crate (regions tagged with milestone ids, decoys listed).
//! - [`signature`] compares the items and signatures of a solution and its stub.
//! - [`hash`] is the one stable hash (FNV-1a).
//! - [`markdown`] scans notes and docs: code fences, `compile_fail` blocks, links.
//! - [`cargo`] runs cargo, rustc and test binaries and reads what they print.
//! - [`cargo_toml`] writes and reads every Cargo.toml (editions, `learn/`, `[[bin]]` lists).
//! - [`learn`] owns the learner's workspace `learn/` and the progress file.
//! - [`export`] writes a student edition (stubs, notes, hints, no solutions).
//! - [`check`] is the exercise contract that CI runs over every exercise and capstone milestone.
//! - [`bench`] runs a capstone's bench script and prints the learner-vs-reference-vs-tool table.
//! - [`report`] runs an edition's tests and prints per-exercise results.
//! - [`book`] assembles and builds the mdBook and checks its links.
//! - [`learner`] is the learner's commands (`list`, `start`, `verify`, `hint`, `solution`,
//!   `reset`) over one small state; [`watch`] re-verifies on save.
//! - [`cli`] is the command line as types (clap); [`commands`] runs a parsed command line.
//! - [`suggest`] gives "did you mean" by edit distance; [`error`] is the one error type.
//!
//! The binary (`src/main.rs`) only parses the arguments with [`cli::parse`] and hands them to
//! [`commands::run`]. Modules import each other one way: `commands` and `cli` at the top;
//! `learner`, `watch`, `check`, `export`, `report`, `book` and `bench` below them; `capstone`
//! beside `manifest` (whose validation calls it for each capstone block); `manifest`, `exercise`,
//! `signature`, `cargo`, `cargo_toml`, `learn`, `markdown`, `hash` and `error` at the bottom.

pub mod bench;
pub mod book;
pub mod capstone;
pub mod cargo;
pub mod cargo_toml;
pub mod check;
pub mod cli;
pub mod commands;
pub mod crates;
pub mod error;
pub mod exercise;
pub mod export;
pub mod hash;
pub mod learn;
pub mod learner;
pub mod manifest;
pub mod markdown;
pub mod report;
pub mod signature;
pub mod suggest;
pub mod watch;

pub use error::{Error, Result};

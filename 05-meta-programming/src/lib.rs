//! Module 05 of the course.
//!
//! This crate will hold the module's notes (included as documentation, so every Rust block in
//! them is compiled and run by `cargo test`) and its exercises (binary targets).
//! The module has not been written yet: `course.toml` lists it with no notes and no exercises,
//! and `cargo course` shows it as "not yet written".

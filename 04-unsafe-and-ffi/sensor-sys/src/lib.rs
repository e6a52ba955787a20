//! Builds and links `libsensor`, the small C library of module 04 (see `csrc/sensor.h`).
//!
//! This crate is a `-sys` crate with one job only: its build script compiles the C sources with
//! `cc` and links them. Unlike most `-sys` crates it declares none of the C functions: writing
//! those declarations (`unsafe extern "C" { ... }`) and the safe wrappers around them is what
//! exercise 04.3 asks of the learner. A crate that wants the library linked names this one,
//! for example with `use sensor_sys as _;`, so that rustc links it even though no Rust item
//! from it is used.
//!
//! Nothing here is `unsafe`: a build script and an empty library are safe Rust.

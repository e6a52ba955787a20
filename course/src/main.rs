//! The `cargo course` binary.

fn main() {}

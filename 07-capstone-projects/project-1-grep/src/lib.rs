//! Placeholder library of the minigrep capstone; its issue replaces it with the real crate.

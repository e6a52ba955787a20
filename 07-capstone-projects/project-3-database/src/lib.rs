//! Placeholder library of the kv capstone; its issue replaces it with the real crate.

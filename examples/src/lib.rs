//! Intermediate examples that sit between the modules, and the course's reference docs.
//!
//! The examples themselves are binary targets (see `examples/README.md`). This library exists
//! so that the markdown files in `docs/` are compiled and run as doctests: each module below
//! is an empty module whose documentation *is* one of those files, so every ```` ```rust ````
//! block in them is checked by `cargo test -p examples`.

#[doc = include_str!("../../docs/mental-models.md")]
pub mod mental_models {}

#[doc = include_str!("../../docs/glossary.md")]
pub mod glossary {}

#[doc = include_str!("../../docs/resources.md")]
pub mod resources {}

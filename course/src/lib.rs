//! The course runner library.

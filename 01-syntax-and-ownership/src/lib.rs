//! Module 01: syntax and ownership.

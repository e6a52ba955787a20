//! Placeholder library of the webserver capstone; its issue replaces it with the real crate.

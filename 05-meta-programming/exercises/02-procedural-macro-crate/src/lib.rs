//! # Meta-programming 05.2: a procedural-macro crate
//!
//! - **Goal:** write three procedural macros with `syn` 2, `quote` and `proc-macro2`: the derive
//!   `#[derive(FromPairs)]` (in `from_pairs.rs`), the attribute `#[retry(n)]` (in `retry.rs`) and
//!   the function-like `hex!("..")` (in `hex.rs`), each reporting bad input as a `syn::Error` at
//!   the span of the offending tokens.
//! - **Concepts:** `proc_macro` vs `proc_macro2` token streams; parsing with `syn`
//!   (`DeriveInput`, `ItemFn`, `LitStr`, `parse_nested_meta`); generating with `quote!` and
//!   `quote_spanned!`; `split_for_impl` for generics; absolute paths; `Span::mixed_site`;
//!   `syn::Error::combine`; trybuild UI tests.
//! - **Read first:** `notes/03-procedural-macros-intro.md`, `notes/04-syn-and-quote.md`,
//!   `notes/05-derive-macros.md`.
//! - **Run:** `cargo course run 05.2` (the macros are used by `tests/` and by exercise 05.3).
//! - **Test:** `cargo course verify 05.2` (reference solution: `cargo test -p meta-programming-macros`;
//!   `TRYBUILD=overwrite` rewrites the expected `.stderr` files, which you should never need).
//! - **Done when:** every test passes, the UI tests included: each `tests/ui/fail-*.rs` must fail
//!   to compile with exactly the message and span in its `.stderr` file, and each
//!   `tests/ui/pass-*.rs` must compile and run.
//!
//! ## Order of work
//!
//! Like a workshop, one failing test at a time (each command from this crate's folder):
//!
//! 1. `hex.rs`: `decode`, then `expand`: `cargo test --lib hex`, then `cargo test --test hex`.
//! 2. `retry.rs`: `attempts`, `result_type`, `expand`: `cargo test --lib retry`, then
//!    `cargo test --test retry`.
//! 3. `from_pairs.rs`: `named_fields`, `option_inner`, `plan_field`, `locals`,
//!    `constructor_body`, `expand`: `cargo test --test from_pairs`.
//! 4. The UI tests, `cargo test --test ui`: read each `tests/ui/*.rs` first. A `pass-*` case
//!    that fails to compile shows the compiler's error in the test output; a `fail-*` case shows
//!    the expected and the actual output side by side.
//!
//! ## How the crate is put together
//!
//! This file is only the entry points. The compiler hands each macro a `proc_macro::TokenStream`;
//! the entry point converts it, calls an `expand` function that works on `proc_macro2` types (so
//! it can be unit-tested outside the compiler), and turns an error into `compile_error!` tokens.
//! There is nothing for you to change in this file.

use proc_macro::TokenStream;

mod from_pairs;
mod hex;
mod retry;

/// Derives an inherent constructor
/// `pub fn from_pairs(pairs: &[(&str, &str)]) -> Result<Self, String>` for a struct with named
/// fields.
///
/// Each field is filled from the pair whose key is the field's name (or the key given by
/// `#[pairs(key = "...")]`), parsed with `FromStr`. A field of type `Option<T>` may be missing;
/// every other field is required. An unknown key, a repeated key, a missing key or a value that
/// does not parse is an `Err` naming the key.
#[proc_macro_derive(FromPairs, attributes(pairs))]
pub fn derive_from_pairs(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    from_pairs::expand(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// `#[retry(n)]` on a function that returns `Result`: runs the body up to `n` times until it
/// returns `Ok`, and returns the last `Err` if every attempt failed.
///
/// The body becomes a closure that is called once per attempt, so it may use the arguments only
/// by reference (or copy them).
#[proc_macro_attribute]
pub fn retry(attr: TokenStream, item: TokenStream) -> TokenStream {
    retry::expand(attr.into(), item.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// `hex!("de ad be ef")` is the array expression `[0xde, 0xad, 0xbe, 0xef]`, of type `[u8; 4]`.
///
/// Whitespace between digits is ignored; both cases of `a`–`f` are accepted. An odd number of
/// digits or any other character is a compile error pointing at the string literal.
#[proc_macro]
pub fn hex(input: TokenStream) -> TokenStream {
    hex::expand(input.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

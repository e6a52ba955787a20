//! `#[retry(n)]`: an attribute macro that re-runs a fallible function's body up to `n` times.
//!
//! An attribute macro receives two token streams: the attribute's arguments (`3` in
//! `#[retry(3)]`) and the item it is attached to. It returns the tokens that replace the item.
//! The expansion keeps the function's attributes, visibility and signature unchanged and turns
//! its body into a closure that is called once per attempt:
//!
//! ```text
//! #[retry(3)]                                   pub fn fetch(id: u32) -> Result<Page, Error> {
//! pub fn fetch(id: u32) -> Result<Page, Error> {    let mut attempt = || -> Result<Page, Error> { BODY };
//!     BODY                               ==>       let mut failures: u32 = 0;
//! }                                                 loop {
//!                                                       match attempt() {
//!                                                           Ok(value) => return Ok(value),
//!                                                           Err(error) => { failures += 1;
//!                                                               if failures == 3 { return Err(error) } }
//!                                                       }
//!                                                   }
//!                                               }
//! ```
//!
//! A `return` inside `BODY` now returns from the closure, which is one attempt: that is the
//! behaviour a user expects. Errors: a count that is not a positive integer literal (at the
//! literal), an `async fn` (at `async`), a function whose return type is not written `Result<..>`
//! (at the return type, or at the name when there is none).

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::spanned::Spanned;
use syn::{ItemFn, LitInt, ReturnType, Type};

/// Parses the attribute's argument: a positive integer literal.
fn attempts(attr: TokenStream) -> syn::Result<u32> {
    // course:solution Parse a `LitInt`, read it as `u32`, and reject zero at the literal's span.
    let literal: LitInt = syn::parse2(attr)?;
    let count: u32 = literal.base10_parse()?;
    if count == 0 {
        return Err(syn::Error::new(
            literal.span(),
            "`retry` needs at least one attempt",
        ));
    }
    Ok(count)
    // course:decoy zero-allowed Accepts `#[retry(0)]`, which would make a function that never runs and can return nothing.
    // let literal: LitInt = syn::parse2(attr)?;
    // literal.base10_parse()
    // course:end
}

/// Returns the written return type if it is `Result<..>` (any path ending in `Result`).
fn result_type(function: &ItemFn) -> syn::Result<&Type> {
    // course:solution Reject `async fn`, a missing return type and one whose last path segment is not `Result`.
    if let Some(asyncness) = &function.sig.asyncness {
        return Err(syn::Error::new(
            asyncness.span,
            "`retry` does not support `async fn`",
        ));
    }
    let ReturnType::Type(_, returned) = &function.sig.output else {
        return Err(syn::Error::new(
            function.sig.ident.span(),
            "`retry` needs a function that returns `Result`",
        ));
    };
    let is_result = match returned.as_ref() {
        Type::Path(path) => path
            .path
            .segments
            .last()
            .is_some_and(|segment| segment.ident == "Result"),
        _ => false,
    };
    if is_result {
        Ok(returned)
    } else {
        Err(syn::Error::new(
            returned.span(),
            "`retry` needs a function that returns `Result`",
        ))
    }
    // course:end
}

/// Expands `#[retry(attr)]` on `item`.
pub(crate) fn expand(attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    // course:solution Keep attributes, visibility and signature; call the body as a closure until it succeeds or the attempts run out.
    let count = attempts(attr)?;
    let function: ItemFn = syn::parse2(item)?;
    let returned = result_type(&function)?;
    let ItemFn {
        attrs,
        vis,
        sig,
        block,
    } = &function;
    let site = Span::mixed_site();
    let attempt = syn::Ident::new("attempt", site);
    let failures = syn::Ident::new("failures", site);
    Ok(quote! {
        #(#attrs)*
        #vis #sig {
            let mut #attempt = || -> #returned #block;
            let mut #failures: u32 = 0;
            loop {
                match #attempt() {
                    ::core::result::Result::Ok(value) => return ::core::result::Result::Ok(value),
                    ::core::result::Result::Err(error) => {
                        #failures += 1;
                        if #failures == #count {
                            return ::core::result::Result::Err(error);
                        }
                    }
                }
            }
        }
    })
    // course:decoy one-attempt-too-many Compares with `>` instead of `==`, so `#[retry(3)]` runs the body four times.
    // let count = attempts(attr)?;
    // let function: ItemFn = syn::parse2(item)?;
    // let returned = result_type(&function)?;
    // let ItemFn {
    //     attrs,
    //     vis,
    //     sig,
    //     block,
    // } = &function;
    // Ok(quote! {
    //     #(#attrs)*
    //     #vis #sig {
    //         let mut attempt = || -> #returned #block;
    //         let mut failures: u32 = 0;
    //         loop {
    //             match attempt() {
    //                 ::core::result::Result::Ok(value) => return ::core::result::Result::Ok(value),
    //                 ::core::result::Result::Err(error) => {
    //                     failures += 1;
    //                     if failures > #count {
    //                         return ::core::result::Result::Err(error);
    //                     }
    //                 }
    //             }
    //         }
    //     }
    // })
    // course:decoy first-error-wins Keeps the first attempt's error and returns it at the end instead of the last one.
    // let count = attempts(attr)?;
    // let function: ItemFn = syn::parse2(item)?;
    // let returned = result_type(&function)?;
    // let ItemFn {
    //     attrs,
    //     vis,
    //     sig,
    //     block,
    // } = &function;
    // Ok(quote! {
    //     #(#attrs)*
    //     #vis #sig {
    //         let mut attempt = || -> #returned #block;
    //         let first = match attempt() {
    //             ::core::result::Result::Ok(value) => return ::core::result::Result::Ok(value),
    //             ::core::result::Result::Err(error) => error,
    //         };
    //         for _ in 1..#count {
    //             if let ::core::result::Result::Ok(value) = attempt() {
    //                 return ::core::result::Result::Ok(value);
    //             }
    //         }
    //         ::core::result::Result::Err(first)
    //     }
    // })
    // course:end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(attr: TokenStream, item: TokenStream) -> String {
        match expand(attr, item) {
            Ok(tokens) => panic!("expected an error, got `{tokens}`"),
            Err(error) => error.to_string(),
        }
    }

    #[test]
    fn retry_rejects_zero_attempts() {
        let message = error_of(
            quote!(0),
            quote!(
                fn f() -> Result<(), ()> {
                    Ok(())
                }
            ),
        );
        assert_eq!(message, "`retry` needs at least one attempt");
    }

    #[test]
    fn retry_rejects_a_count_that_is_not_an_integer() {
        let message = error_of(
            quote!("three"),
            quote!(
                fn f() -> Result<(), ()> {
                    Ok(())
                }
            ),
        );
        assert_eq!(message, "expected integer literal");
    }

    #[test]
    fn retry_rejects_functions_that_do_not_return_result() {
        let without = error_of(
            quote!(2),
            quote!(
                fn f() {}
            ),
        );
        let other = error_of(
            quote!(2),
            quote!(
                fn f() -> Option<u8> {
                    None
                }
            ),
        );
        for message in [without, other] {
            assert_eq!(message, "`retry` needs a function that returns `Result`");
        }
    }

    #[test]
    fn retry_rejects_async_functions() {
        let message = error_of(
            quote!(2),
            quote!(
                async fn f() -> Result<(), ()> {
                    Ok(())
                }
            ),
        );
        assert_eq!(message, "`retry` does not support `async fn`");
    }
}

//! # Meta-programming 05.10: parsing a custom syntax with syn
//!
//! - **Goal:** parse a route table written in a small syntax of our own,
//!   `GET "/users/:id" => show_user, POST "/users" => create_user`, into Rust values with
//!   `syn`, and report every mistake as a `syn::Error` pointing at the token that is wrong.
//! - **Concepts:** `syn::parse::Parse` and `ParseStream`; parsing `Ident`, `LitStr` and
//!   `Token![=>]`; `Punctuated::parse_terminated` for comma-separated lists with an optional
//!   trailing comma; spans and `syn::Error::new`; why this is the same code a function-like
//!   proc macro would run (here it runs in an ordinary binary, so it is quick to test).
//! - **Read first:** `notes/04-syn-and-quote.md` (sections "Parsing your own syntax" and
//!   "Errors that point at the right token").
//! - **Run:** `cargo course run 05.10`
//! - **Test:** `cargo course verify 05.10` (reference solution:
//!   `cargo test -p meta-programming --bin m05-parse-with-syn`)
//! - **Done when:** every test passes and `cargo clippy` is quiet.
//!
//! The rules:
//!
//! - a route is `METHOD "path" => handler`; `METHOD` is one of `GET`, `POST`, `PUT`, `DELETE`,
//!   otherwise the error (at the method) is ``unknown method `X`: expected GET, POST, PUT or DELETE``;
//! - the path must start with `/`, otherwise the error (at the path literal) is
//!   ``route path `X` must start with `/` ``;
//! - routes are separated by commas, and a trailing comma is allowed;
//! - the same method and path twice is an error at the second path: ``duplicate route GET /x``.
//!
//! The tests read an error's position with `error.span().start()` (line from 1, column from 0),
//! which `proc-macro2`'s `span-locations` feature enables outside the compiler.

use proc_macro2::Span;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Ident, LitStr, Token};

/// The HTTP methods a route may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Method {
    Get,
    Post,
    Put,
    Delete,
}

/// One `METHOD "path" => handler` entry.
#[derive(Debug)]
struct Route {
    method: Method,
    path: String,
    /// Where the path literal was written, for errors about it.
    path_span: Span,
    handler: Ident,
}

/// A whole table of routes, in the order written.
#[derive(Debug)]
struct RouteTable {
    routes: Vec<Route>,
}

impl Parse for Route {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        // course:solution Parse an `Ident`, a `LitStr`, `Token![=>]` and an `Ident`; check the method and the path's first character.
        let method_name: Ident = input.parse()?;
        let method = match method_name.to_string().as_str() {
            "GET" => Method::Get,
            "POST" => Method::Post,
            "PUT" => Method::Put,
            "DELETE" => Method::Delete,
            _ => {
                return Err(syn::Error::new(
                    method_name.span(),
                    format!("unknown method `{method_name}`: expected GET, POST, PUT or DELETE"),
                ));
            }
        };
        let path: LitStr = input.parse()?;
        if !path.value().starts_with('/') {
            return Err(syn::Error::new(
                path.span(),
                format!("route path `{}` must start with `/`", path.value()),
            ));
        }
        input.parse::<Token![=>]>()?;
        let handler: Ident = input.parse()?;
        Ok(Route {
            method,
            path: path.value(),
            path_span: path.span(),
            handler,
        })
        // course:decoy error-at-call-site Reports a bad method at `Span::call_site()`, so the error does not point at the method.
        // let method_name: Ident = input.parse()?;
        // let method = match method_name.to_string().as_str() {
        //     "GET" => Method::Get,
        //     "POST" => Method::Post,
        //     "PUT" => Method::Put,
        //     "DELETE" => Method::Delete,
        //     _ => {
        //         return Err(syn::Error::new(
        //             Span::call_site(),
        //             format!("unknown method `{method_name}`: expected GET, POST, PUT or DELETE"),
        //         ));
        //     }
        // };
        // let path: LitStr = input.parse()?;
        // if !path.value().starts_with('/') {
        //     return Err(syn::Error::new(
        //         path.span(),
        //         format!("route path `{}` must start with `/`", path.value()),
        //     ));
        // }
        // input.parse::<Token![=>]>()?;
        // let handler: Ident = input.parse()?;
        // Ok(Route {
        //     method,
        //     path: path.value(),
        //     path_span: path.span(),
        //     handler,
        // })
        // course:end
    }
}

impl Parse for RouteTable {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        // course:solution Use `Punctuated::<Route, Token![,]>::parse_terminated`, then reject a repeated (method, path) at its second path.
        let parsed = Punctuated::<Route, Token![,]>::parse_terminated(input)?;
        let mut routes: Vec<Route> = Vec::new();
        for route in parsed {
            if routes
                .iter()
                .any(|seen| seen.method == route.method && seen.path == route.path)
            {
                let method = format!("{:?}", route.method).to_ascii_uppercase();
                return Err(syn::Error::new(
                    route.path_span,
                    format!("duplicate route {method} {}", route.path),
                ));
            }
            routes.push(route);
        }
        Ok(RouteTable { routes })
        // course:decoy no-trailing-comma Parses `route (, route)*` by hand and so rejects a trailing comma.
        // let mut routes: Vec<Route> = vec![input.parse()?];
        // while input.peek(Token![,]) {
        //     input.parse::<Token![,]>()?;
        //     let route: Route = input.parse()?;
        //     if routes
        //         .iter()
        //         .any(|seen| seen.method == route.method && seen.path == route.path)
        //     {
        //         let method = format!("{:?}", route.method).to_ascii_uppercase();
        //         return Err(syn::Error::new(
        //             route.path_span,
        //             format!("duplicate route {method} {}", route.path),
        //         ));
        //     }
        //     routes.push(route);
        // }
        // Ok(RouteTable { routes })
        // course:decoy duplicates-allowed Accepts the same method and path twice.
        // let parsed = Punctuated::<Route, Token![,]>::parse_terminated(input)?;
        // Ok(RouteTable {
        //     routes: parsed.into_iter().collect(),
        // })
        // course:decoy path-only-duplicates Treats `GET /x` and `POST /x` as duplicates because it compares paths only.
        // let parsed = Punctuated::<Route, Token![,]>::parse_terminated(input)?;
        // let mut routes: Vec<Route> = Vec::new();
        // for route in parsed {
        //     if routes.iter().any(|seen| seen.path == route.path) {
        //         let method = format!("{:?}", route.method).to_ascii_uppercase();
        //         return Err(syn::Error::new(
        //             route.path_span,
        //             format!("duplicate route {method} {}", route.path),
        //         ));
        //     }
        //     routes.push(route);
        // }
        // Ok(RouteTable { routes })
        // course:end
    }
}

fn main() {
    let text = r#"
        GET "/users/:id" => show_user,
        POST "/users" => create_user,
        DELETE "/users/:id" => delete_user,
    "#;
    match syn::parse_str::<RouteTable>(text) {
        Ok(table) => {
            for route in &table.routes {
                println!("{:?} {} -> {}", route.method, route.path, route.handler);
            }
        }
        Err(error) => {
            let at = error.span().start();
            eprintln!("line {}, column {}: {error}", at.line, at.column);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> syn::Result<RouteTable> {
        syn::parse_str(text)
    }

    /// The message and the (line, column) an error points at.
    fn error_at(text: &str) -> (String, usize, usize) {
        let error = parse(text).expect_err("this table is invalid");
        let start = error.span().start();
        (error.to_string(), start.line, start.column)
    }

    #[test]
    fn parses_every_route_in_order() {
        let table = parse(r#"GET "/a" => list, POST "/a" => create, PUT "/a/:id" => update, DELETE "/a/:id" => remove"#)
            .expect("a valid table");
        let summary: Vec<(Method, &str, String)> = table
            .routes
            .iter()
            .map(|route| (route.method, route.path.as_str(), route.handler.to_string()))
            .collect();
        assert_eq!(
            summary,
            [
                (Method::Get, "/a", "list".to_string()),
                (Method::Post, "/a", "create".to_string()),
                (Method::Put, "/a/:id", "update".to_string()),
                (Method::Delete, "/a/:id", "remove".to_string()),
            ]
        );
    }

    #[test]
    fn accepts_a_trailing_comma_and_an_empty_table() {
        let table = parse("GET \"/\" => home,\n").expect("a trailing comma is allowed");
        assert_eq!(table.routes.len(), 1);
        assert!(
            parse("")
                .expect("an empty table is valid")
                .routes
                .is_empty()
        );
    }

    #[test]
    fn unknown_method_is_reported_at_the_method() {
        assert_eq!(
            error_at("GET \"/\" => home,\n  FETCH \"/x\" => x"),
            (
                "unknown method `FETCH`: expected GET, POST, PUT or DELETE".to_string(),
                2,
                2
            )
        );
    }

    #[test]
    fn relative_path_is_reported_at_the_path() {
        assert_eq!(
            error_at("POST \"users\" => create"),
            ("route path `users` must start with `/`".to_string(), 1, 5)
        );
    }

    #[test]
    fn duplicate_route_is_reported_at_the_second_path() {
        assert_eq!(
            error_at("GET \"/a\" => one,\nPOST \"/a\" => two,\nGET \"/a\" => three"),
            ("duplicate route GET /a".to_string(), 3, 4)
        );
    }

    #[test]
    fn missing_arrow_is_a_syn_error() {
        let (message, line, column) = error_at("GET \"/a\" one");
        assert_eq!(message, "expected `=>`");
        assert_eq!((line, column), (1, 9));
    }
}

//! # Meta-programming 05.12: an HTML DSL with a TT muncher
//!
//! - **Goal:** write `html!`, which turns a tree of elements written in Rust-like syntax into an
//!   HTML `String`, escaping every piece of text and every attribute value.
//! - **Concepts:** TT munchers (consume the front of the input, recurse on the rest); one rule
//!   per shape of input and why their order matters; passing an identifier (`$out:ident`) down
//!   the recursion; internal rules; recursion over nested groups; the recursion limit.
//! - **Read first:** `notes/02-declarative-macro-patterns.md` (sections "TT munchers" and
//!   "Designing a DSL").
//! - **Run:** `cargo course run 05.12`
//! - **Test:** `cargo course verify 05.12` (reference solution:
//!   `cargo test -p meta-programming --bin m05-html-dsl`)
//! - **Done when:** every test passes and `cargo clippy` is quiet.
//!
//! The syntax, a sequence of nodes:
//!
//! ```text
//! html! {
//!     h1 { "Orders & returns" }                 // element with children
//!     a[href = "/cart", class = "nav"] { "Cart" } // attributes in brackets, values are expressions
//!     p { "Hello, " (user_name) "!" }           // (expr): any `Display` value
//!     br;                                       // void element: no children, no end tag
//! }
//! ```
//!
//! produces `<h1>Orders &amp; returns</h1><a href="/cart" class="nav">Cart</a><p>Hello, ...!</p><br>`.
//! Text literals, `(expr)` values and attribute values all go through `escape_into`, so
//! `(r#"<script>"#)` becomes `&lt;script&gt;`. Nodes are written in order with no whitespace
//! between them.

use std::fmt::Write as _;

/// Appends `text` to `out`, replacing the five characters HTML gives a meaning to.
fn escape_into(out: &mut String, text: &str) {
    for character in text.chars() {
        match character {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
}

/// Appends a `Display` value to `out`, escaped.
fn escape_display_into(out: &mut String, value: &dyn std::fmt::Display) {
    let mut text = String::new();
    write!(text, "{value}").expect("writing to a String cannot fail");
    escape_into(out, &text);
}

// course:solution
/// Builds an HTML string from the element syntax described at the top of this file.
macro_rules! html {
    // Internal rules: `@nodes out ...` writes the nodes `...` into the `String` named `out`.
    (@nodes $out:ident) => {};
    (@nodes $out:ident $text:literal $($rest:tt)*) => {
        escape_into(&mut $out, $text);
        html!(@nodes $out $($rest)*);
    };
    (@nodes $out:ident ($value:expr) $($rest:tt)*) => {
        escape_display_into(&mut $out, &$value);
        html!(@nodes $out $($rest)*);
    };
    (@nodes $out:ident $tag:ident ; $($rest:tt)*) => {
        $out.push_str(concat!("<", stringify!($tag), ">"));
        html!(@nodes $out $($rest)*);
    };
    (@nodes $out:ident $tag:ident [$($name:ident = $value:expr),* $(,)?] { $($children:tt)* } $($rest:tt)*) => {
        $out.push_str(concat!("<", stringify!($tag)));
        $(
            $out.push_str(concat!(" ", stringify!($name), "=\""));
            escape_display_into(&mut $out, &$value);
            $out.push('"');
        )*
        $out.push('>');
        html!(@nodes $out $($children)*);
        $out.push_str(concat!("</", stringify!($tag), ">"));
        html!(@nodes $out $($rest)*);
    };
    (@nodes $out:ident $tag:ident { $($children:tt)* } $($rest:tt)*) => {
        html!(@nodes $out $tag [] { $($children)* } $($rest)*);
    };
    // The public rule: a fresh `String`, filled by the internal rules.
    ($($nodes:tt)*) => {{
        #[allow(unused_mut, reason = "an empty input writes nothing")]
        let mut out = ::std::string::String::new();
        html!(@nodes out $($nodes)*);
        out
    }};
}
// course:stub
// /// Builds an HTML string from the element syntax described at the top of this file.
// macro_rules! html {
//     // TODO: write the internal rules, one per kind of node, and make this public rule use them.
//     ($($nodes:tt)*) => {
//         ::std::string::String::from("html! is not written yet")
//     };
// }
// course:decoy raw-values Writes `(expr)` values without escaping them, so user data can inject markup.
// /// Builds an HTML string from the element syntax described at the top of this file.
// macro_rules! html {
//     (@nodes $out:ident) => {};
//     (@nodes $out:ident $text:literal $($rest:tt)*) => {
//         escape_into(&mut $out, $text);
//         html!(@nodes $out $($rest)*);
//     };
//     (@nodes $out:ident ($value:expr) $($rest:tt)*) => {
//         write!($out, "{}", $value).expect("writing to a String cannot fail");
//         html!(@nodes $out $($rest)*);
//     };
//     (@nodes $out:ident $tag:ident ; $($rest:tt)*) => {
//         $out.push_str(concat!("<", stringify!($tag), ">"));
//         html!(@nodes $out $($rest)*);
//     };
//     (@nodes $out:ident $tag:ident [$($name:ident = $value:expr),* $(,)?] { $($children:tt)* } $($rest:tt)*) => {
//         $out.push_str(concat!("<", stringify!($tag)));
//         $(
//             $out.push_str(concat!(" ", stringify!($name), "=\""));
//             escape_display_into(&mut $out, &$value);
//             $out.push('"');
//         )*
//         $out.push('>');
//         html!(@nodes $out $($children)*);
//         $out.push_str(concat!("</", stringify!($tag), ">"));
//         html!(@nodes $out $($rest)*);
//     };
//     (@nodes $out:ident $tag:ident { $($children:tt)* } $($rest:tt)*) => {
//         html!(@nodes $out $tag [] { $($children)* } $($rest)*);
//     };
//     ($($nodes:tt)*) => {{
//         #[allow(unused_mut, reason = "an empty input writes nothing")]
//         let mut out = ::std::string::String::new();
//         html!(@nodes out $($nodes)*);
//         out
//     }};
// }
// course:decoy raw-attributes Writes attribute values without escaping, so a `"` in a value ends the attribute early.
// /// Builds an HTML string from the element syntax described at the top of this file.
// macro_rules! html {
//     (@nodes $out:ident) => {};
//     (@nodes $out:ident $text:literal $($rest:tt)*) => {
//         escape_into(&mut $out, $text);
//         html!(@nodes $out $($rest)*);
//     };
//     (@nodes $out:ident ($value:expr) $($rest:tt)*) => {
//         escape_display_into(&mut $out, &$value);
//         html!(@nodes $out $($rest)*);
//     };
//     (@nodes $out:ident $tag:ident ; $($rest:tt)*) => {
//         $out.push_str(concat!("<", stringify!($tag), ">"));
//         html!(@nodes $out $($rest)*);
//     };
//     (@nodes $out:ident $tag:ident [$($name:ident = $value:expr),* $(,)?] { $($children:tt)* } $($rest:tt)*) => {
//         $out.push_str(concat!("<", stringify!($tag)));
//         $(
//             write!($out, " {}=\"{}\"", stringify!($name), $value).expect("writing to a String cannot fail");
//         )*
//         $out.push('>');
//         html!(@nodes $out $($children)*);
//         $out.push_str(concat!("</", stringify!($tag), ">"));
//         html!(@nodes $out $($rest)*);
//     };
//     (@nodes $out:ident $tag:ident { $($children:tt)* } $($rest:tt)*) => {
//         html!(@nodes $out $tag [] { $($children)* } $($rest)*);
//     };
//     ($($nodes:tt)*) => {{
//         #[allow(unused_mut, reason = "an empty input writes nothing")]
//         let mut out = ::std::string::String::new();
//         html!(@nodes out $($nodes)*);
//         out
//     }};
// }
// course:decoy closes-void-elements Writes an end tag for void elements too (`<br></br>`), which HTML parsers read as a second `<br>`.
// /// Builds an HTML string from the element syntax described at the top of this file.
// macro_rules! html {
//     (@nodes $out:ident) => {};
//     (@nodes $out:ident $text:literal $($rest:tt)*) => {
//         escape_into(&mut $out, $text);
//         html!(@nodes $out $($rest)*);
//     };
//     (@nodes $out:ident ($value:expr) $($rest:tt)*) => {
//         escape_display_into(&mut $out, &$value);
//         html!(@nodes $out $($rest)*);
//     };
//     (@nodes $out:ident $tag:ident ; $($rest:tt)*) => {
//         $out.push_str(concat!("<", stringify!($tag), "></", stringify!($tag), ">"));
//         html!(@nodes $out $($rest)*);
//     };
//     (@nodes $out:ident $tag:ident [$($name:ident = $value:expr),* $(,)?] { $($children:tt)* } $($rest:tt)*) => {
//         $out.push_str(concat!("<", stringify!($tag)));
//         $(
//             $out.push_str(concat!(" ", stringify!($name), "=\""));
//             escape_display_into(&mut $out, &$value);
//             $out.push('"');
//         )*
//         $out.push('>');
//         html!(@nodes $out $($children)*);
//         $out.push_str(concat!("</", stringify!($tag), ">"));
//         html!(@nodes $out $($rest)*);
//     };
//     (@nodes $out:ident $tag:ident { $($children:tt)* } $($rest:tt)*) => {
//         html!(@nodes $out $tag [] { $($children)* } $($rest)*);
//     };
//     ($($nodes:tt)*) => {{
//         #[allow(unused_mut, reason = "an empty input writes nothing")]
//         let mut out = ::std::string::String::new();
//         html!(@nodes out $($nodes)*);
//         out
//     }};
// }
// course:end

fn main() {
    let user_name = "Ada <admin>";
    let items = 3;
    let page = html! {
        h1 { "Orders & returns" }
        a[href = "/cart", class = "nav"] { "Cart (" (items) ")" }
        p { "Hello, " (user_name) "!" }
        br;
    };
    println!("{page}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_input_is_an_empty_string() {
        let nothing: String = html! {};
        assert_eq!(nothing, "");
    }

    #[test]
    fn elements_nest_and_follow_each_other_in_order() {
        let page = html! {
            ul { li { "one" } li { "two" } }
            p { "after" }
        };
        assert_eq!(page, "<ul><li>one</li><li>two</li></ul><p>after</p>");
    }

    #[test]
    fn text_literals_are_escaped() {
        assert_eq!(html! { p { "a < b & c" } }, "<p>a &lt; b &amp; c</p>");
    }

    #[test]
    fn interpolated_values_are_escaped() {
        let comment = r#"<script>alert("hi")</script>"#;
        assert_eq!(
            html! { div { (comment) } },
            "<div>&lt;script&gt;alert(&quot;hi&quot;)&lt;/script&gt;</div>"
        );
    }

    #[test]
    fn interpolated_values_may_be_any_display_type() {
        let count = 42;
        assert_eq!(
            html! { span { (count) " items, " (1.5) " kg" } },
            "<span>42 items, 1.5 kg</span>"
        );
    }

    #[test]
    fn attributes_are_written_in_order_and_escaped() {
        let title = r#"say "hi""#;
        assert_eq!(
            html! { a[href = "/x?a=1&b=2", title = title,] { "link" } },
            r#"<a href="/x?a=1&amp;b=2" title="say &quot;hi&quot;">link</a>"#
        );
    }

    #[test]
    fn void_elements_have_no_end_tag() {
        assert_eq!(html! { p { "a" br; "b" } hr; }, "<p>a<br>b</p><hr>");
    }

    #[test]
    fn empty_attribute_list_and_empty_children_are_allowed() {
        assert_eq!(html! { div[] {} }, "<div></div>");
    }
}

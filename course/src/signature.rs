//! The items of a Rust file and their signatures, compared between a solution and its stub.
//!
//! The contract uses this to prove that a stub keeps every item the solution has, with the same
//! signature, except where writing the signature is the learner's job (fix exercises, and the
//! items an exercise lists in `learner_items`), where only the names are compared.

use crate::error::{Error, Result};
use std::collections::BTreeMap;
use std::path::Path;

/// The items of a file, keyed by a readable name (`fn longest`, `impl Display for Word :: fn fmt`),
/// with their signatures as token text. The `tests` module is left out.
///
/// # Errors
/// [`Error::Parse`] when the file is not valid Rust syntax.
pub fn signatures(path: &Path, source: &str) -> Result<BTreeMap<String, String>> {
    let file = syn::parse_file(source).map_err(|e| {
        let line = e.span().start().line;
        Error::parse(path, format!("line {line}: {e}"))
    })?;
    let mut items = BTreeMap::new();
    collect_items(&file.items, "", &mut items);
    Ok(items)
}

fn without_docs(attrs: &[syn::Attribute]) -> Vec<syn::Attribute> {
    attrs
        .iter()
        .filter(|a| !a.path().is_ident("doc"))
        .cloned()
        .collect()
}

fn tokens(item: impl quote::ToTokens) -> String {
    item.to_token_stream().to_string()
}

fn collect_items(items: &[syn::Item], prefix: &str, out: &mut BTreeMap<String, String>) {
    for item in items {
        match item {
            syn::Item::Fn(f) => {
                let sig = &f.sig;
                let vis = &f.vis;
                out.insert(
                    format!("{prefix}fn {}", sig.ident),
                    tokens(quote::quote!(#vis #sig)),
                );
            }
            syn::Item::Struct(s) => {
                let mut s = s.clone();
                s.attrs = without_docs(&s.attrs);
                for field in s.fields.iter_mut() {
                    field.attrs = without_docs(&field.attrs);
                }
                out.insert(format!("{prefix}struct {}", s.ident), tokens(&s));
            }
            syn::Item::Enum(e) => {
                let mut e = e.clone();
                e.attrs = without_docs(&e.attrs);
                for variant in e.variants.iter_mut() {
                    variant.attrs = without_docs(&variant.attrs);
                }
                out.insert(format!("{prefix}enum {}", e.ident), tokens(&e));
            }
            syn::Item::Type(t) => {
                let mut t = t.clone();
                t.attrs = without_docs(&t.attrs);
                out.insert(format!("{prefix}type {}", t.ident), tokens(&t));
            }
            syn::Item::Const(c) => {
                let (vis, ident, ty) = (&c.vis, &c.ident, &c.ty);
                out.insert(
                    format!("{prefix}const {ident}"),
                    tokens(quote::quote!(#vis const #ident: #ty)),
                );
            }
            syn::Item::Static(s) => {
                let (vis, mutability, ident, ty) = (&s.vis, &s.mutability, &s.ident, &s.ty);
                out.insert(
                    format!("{prefix}static {ident}"),
                    tokens(quote::quote!(#vis static #mutability #ident: #ty)),
                );
            }
            syn::Item::Trait(t) => {
                let (vis, unsafety, ident, generics, colon, supertraits) = (
                    &t.vis,
                    &t.unsafety,
                    &t.ident,
                    &t.generics,
                    &t.colon_token,
                    &t.supertraits,
                );
                let where_clause = &generics.where_clause;
                out.insert(
                    format!("{prefix}trait {ident}"),
                    tokens(
                        quote::quote!(#vis #unsafety trait #ident #generics #colon #supertraits #where_clause),
                    ),
                );
                let inner = format!("{prefix}trait {ident} :: ");
                for trait_item in &t.items {
                    match trait_item {
                        syn::TraitItem::Fn(f) => {
                            let sig = &f.sig;
                            out.insert(format!("{inner}fn {}", sig.ident), tokens(sig));
                        }
                        syn::TraitItem::Type(ty) => {
                            let mut ty = ty.clone();
                            ty.attrs.clear();
                            ty.default = None;
                            out.insert(format!("{inner}type {}", ty.ident), tokens(&ty));
                        }
                        syn::TraitItem::Const(c) => {
                            let (ident, ty) = (&c.ident, &c.ty);
                            out.insert(
                                format!("{inner}const {ident}"),
                                tokens(quote::quote!(const #ident: #ty)),
                            );
                        }
                        _ => {}
                    }
                }
            }
            syn::Item::Impl(i) => {
                let self_ty = &i.self_ty;
                let generics = &i.generics;
                let where_clause = &generics.where_clause;
                let header = match &i.trait_ {
                    Some((bang, path, _)) => {
                        tokens(quote::quote!(impl #generics #bang #path for #self_ty #where_clause))
                    }
                    None => tokens(quote::quote!(impl #generics #self_ty #where_clause)),
                };
                let name = match &i.trait_ {
                    Some((_, path, _)) => {
                        format!("impl {} for {}", last_segment(path), type_name(self_ty))
                    }
                    None => format!("impl {}", type_name(self_ty)),
                };
                let key = format!("{prefix}{name}");
                out.insert(key.clone(), header);
                for impl_item in &i.items {
                    match impl_item {
                        syn::ImplItem::Fn(f) => {
                            let (vis, sig) = (&f.vis, &f.sig);
                            out.insert(
                                format!("{key} :: fn {}", sig.ident),
                                tokens(quote::quote!(#vis #sig)),
                            );
                        }
                        syn::ImplItem::Type(ty) => {
                            let (ident, ty) = (&ty.ident, &ty.ty);
                            out.insert(
                                format!("{key} :: type {ident}"),
                                tokens(quote::quote!(type #ident = #ty)),
                            );
                        }
                        syn::ImplItem::Const(c) => {
                            let (ident, ty) = (&c.ident, &c.ty);
                            out.insert(
                                format!("{key} :: const {ident}"),
                                tokens(quote::quote!(const #ident: #ty)),
                            );
                        }
                        _ => {}
                    }
                }
            }
            syn::Item::Mod(m) => {
                if m.ident == "tests" {
                    continue;
                }
                if let Some((_, inner)) = &m.content {
                    collect_items(inner, &format!("{prefix}mod {} :: ", m.ident), out);
                }
            }
            _ => {}
        }
    }
}

fn last_segment(path: &syn::Path) -> String {
    path.segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default()
}

fn type_name(ty: &syn::Type) -> String {
    match ty {
        syn::Type::Path(p) => last_segment(&p.path),
        syn::Type::Reference(r) => type_name(&r.elem),
        other => tokens(other),
    }
}

/// The name an item is declared by in `learner_items`: `fn longest` is `longest`,
/// `impl Display for Word :: fn fmt` is `Word::fmt`, `trait Area :: fn area` is `Area::area`.
pub fn item_name(key: &str) -> String {
    key.split(" :: ")
        .map(|part| {
            let part = part.rsplit(" for ").next().unwrap_or(part);
            part.split_once(' ')
                .map_or(part, |(_, name)| name)
                .to_string()
        })
        .collect::<Vec<_>>()
        .join("::")
}

/// The keywords that open an item's key (`fn longest`, `struct Stack`, `impl Stack :: fn push`).
const KEY_WORDS: [&str; 9] = [
    "fn ", "struct ", "enum ", "type ", "const ", "static ", "trait ", "impl ", "mod ",
];

/// A `learner_items` entry in its plain form. Entries may be written as names (`longer`,
/// `Tokenizer::next_token`, `Display for Word`) or as the keys the contract prints
/// (`fn longer`, `impl Tokenizer :: fn next_token`, `impl Display for Word`).
pub fn plain_entry(entry: &str) -> String {
    let entry = entry.trim();
    if let Some(trait_impl) = entry.strip_prefix("impl ")
        && trait_impl.contains(" for ")
        && !trait_impl.contains(" :: ")
    {
        return trait_impl.to_string();
    }
    if entry.contains(" :: ") || KEY_WORDS.iter().any(|word| entry.starts_with(word)) {
        return item_name(entry);
    }
    entry.to_string()
}

/// Whether the learner writes the signature of the item with this key, given the exercise's
/// `learner_items`: the item is listed itself; or it is the header, associated type or constant
/// of an impl of a listed type (`Splitter` covers `impl Iterator for Splitter` and its
/// `type Item`, but each method is listed on its own); or its signature names a listed type
/// (a `type IntoIter = Iter<'a, T>` when `Iter` is listed).
pub fn learner_written(key: &str, signature: &str, learner_items: &[String]) -> bool {
    let name = item_name(key);
    if learner_items.contains(&name) {
        return true;
    }
    if let Some(trait_impl) = trait_impl_name(key)
        && learner_items.contains(&trait_impl)
    {
        return true;
    }
    let owner = name.split("::").next().unwrap_or(&name);
    let member = key.rsplit(" :: ").next().unwrap_or(key);
    if !member.starts_with("fn ") && learner_items.iter().any(|item| item == owner) {
        return true;
    }
    signature
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .any(|word| learner_items.iter().any(|item| item == word))
}

/// For an item of a trait impl (`impl Display for Word :: fn fmt`): the impl as `learner_items`
/// names it, `Display for Word`, which covers its header and every item in it.
pub fn trait_impl_name(key: &str) -> Option<String> {
    let header = key.split(" :: ").find(|part| part.starts_with("impl "))?;
    let name = header.strip_prefix("impl ")?;
    name.contains(" for ").then(|| name.to_string())
}

/// Whether the solution has an item that a `learner_items` entry names.
pub fn names_an_item(item: &str, solution: &BTreeMap<String, String>) -> bool {
    solution
        .keys()
        .any(|key| item_name(key) == item || trait_impl_name(key).as_deref() == Some(item))
}

/// How closely an item of the stub must match the solution's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compare {
    /// Present, with the same signature.
    Signature,
    /// Present; the signature may differ (every item of a fix exercise).
    Name,
    /// The learner writes it: it may be missing from the stub, or differ in any way.
    Free,
}

/// How the stub differs from the solution, one line per difference (empty: it keeps them all).
/// `compare(key, signature)` says how closely each item must match.
pub fn signature_drift(
    solution: &BTreeMap<String, String>,
    stub: &BTreeMap<String, String>,
    compare: impl Fn(&str, &str) -> Compare,
) -> Vec<String> {
    let mut drift = Vec::new();
    for (name, signature) in solution {
        let how = compare(name, signature);
        match stub.get(name) {
            None if how != Compare::Free => drift.push(format!("the stub lacks `{name}`")),
            Some(other) if how == Compare::Signature && other != signature => drift.push(format!(
                "`{name}` differs: solution `{signature}`, stub `{other}`"
            )),
            _ => {}
        }
    }
    for (name, signature) in stub {
        if !solution.contains_key(name) && compare(name, signature) != Compare::Free {
            drift.push(format!("the stub has `{name}`, which the solution lacks"));
        }
    }
    drift
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path() -> &'static Path {
        Path::new("ex.rs")
    }

    #[test]
    fn signatures_cover_items_and_ignore_tests() {
        let source = r#"
/// Doc.
pub struct Stack<T> { items: Vec<T> }
enum Shape { Circle(f64) }
type Id = u32;
trait Area { fn area(&self) -> f64; }
impl<T> Stack<T> { pub fn push(&mut self, item: T) { self.items.push(item) } }
impl Area for Shape { fn area(&self) -> f64 { 0.0 } }
fn helper(x: &str) -> usize { x.len() }
#[cfg(test)]
mod tests { fn not_counted() {} }
"#;
        let items = signatures(path(), source).unwrap();
        let keys: Vec<&str> = items.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "enum Shape",
                "fn helper",
                "impl Area for Shape",
                "impl Area for Shape :: fn area",
                "impl Stack",
                "impl Stack :: fn push",
                "struct Stack",
                "trait Area",
                "trait Area :: fn area",
                "type Id",
            ]
        );
        assert!(items["fn helper"].contains("usize"));
    }

    #[test]
    fn signature_drift_reports_changes() {
        let solution = signatures(path(), "fn f(x: u32) -> u32 { x }\nfn g() {}").unwrap();
        let same = signatures(path(), "fn f(x: u32) -> u32 { todo!() }\nfn g() {}").unwrap();
        let changed = signatures(path(), "fn f(x: u64) -> u32 { todo!() }").unwrap();
        let full = |_: &str, _: &str| Compare::Signature;
        assert!(signature_drift(&solution, &same, full).is_empty());
        let drift = signature_drift(&solution, &changed, full);
        assert_eq!(drift.len(), 2, "{drift:?}");
        let names = |_: &str, _: &str| Compare::Name;
        assert_eq!(signature_drift(&solution, &changed, names).len(), 1);
        let listed = |key: &str, _: &str| {
            if item_name(key) == "f" {
                Compare::Free
            } else {
                Compare::Signature
            }
        };
        assert_eq!(signature_drift(&solution, &changed, listed).len(), 1);
        let only_f = signatures(path(), "fn g() {}").unwrap();
        assert!(
            signature_drift(&solution, &only_f, listed).is_empty(),
            "a learner-written item may be missing from the stub"
        );
    }

    #[test]
    fn learner_written_covers_listed_items_their_impls_and_mentions() {
        let items = vec![
            "Iter".to_string(),
            "Splitter".to_string(),
            "longer".to_string(),
        ];
        let check = |key: &str, signature: &str| learner_written(key, signature, &items);
        assert!(check("fn longer", "fn longer (a : & str) -> & str"));
        assert!(check("struct Iter", "struct Iter < 'a , T > { }"));
        assert!(check(
            "impl Iterator for Splitter",
            "impl < 't > Iterator for Splitter < 't >"
        ));
        assert!(check(
            "impl Iterator for Splitter :: type Item",
            "type Item = & 't str"
        ));
        assert!(!check(
            "impl Splitter :: fn new",
            "fn new (text : & str) -> Self"
        ));
        assert!(check(
            "impl IntoIterator for Stack :: type IntoIter",
            "type IntoIter = Iter < 'a , T >"
        ));
        assert!(!check("fn shorter", "fn shorter (a : & str) -> & str"));
        assert!(
            !check("struct Iterator", "struct Iterator"),
            "whole words only"
        );
        let impls = vec!["IntoIterator for Stack".to_string()];
        assert!(learner_written(
            "impl IntoIterator for Stack",
            "impl < 'a , T > IntoIterator for & 'a Stack < T >",
            &impls
        ));
        assert!(learner_written(
            "impl IntoIterator for Stack :: fn into_iter",
            "fn into_iter (self) -> Iter < 'a , T >",
            &impls
        ));
        assert!(!learner_written(
            "impl Stack :: fn push",
            "fn push (& mut self , item : T)",
            &impls
        ));
    }

    #[test]
    fn entries_may_be_written_as_keys() {
        assert_eq!(
            plain_entry("impl Iterator for Stride"),
            "Iterator for Stride"
        );
        assert_eq!(plain_entry("impl Matrix :: fn mul"), "Matrix::mul");
        assert_eq!(plain_entry("fn longer"), "longer");
        assert_eq!(plain_entry("struct Tokenizer"), "Tokenizer");
        assert_eq!(
            plain_entry("Tokenizer::next_token"),
            "Tokenizer::next_token"
        );
        assert_eq!(plain_entry("Display for Word"), "Display for Word");
    }

    #[test]
    fn item_names_follow_learner_items_syntax() {
        assert_eq!(item_name("fn longest"), "longest");
        assert_eq!(item_name("struct Tokenizer"), "Tokenizer");
        assert_eq!(
            item_name("impl Tokenizer :: fn next_token"),
            "Tokenizer::next_token"
        );
        assert_eq!(item_name("impl Display for Word :: fn fmt"), "Word::fmt");
        assert_eq!(item_name("trait Area :: fn area"), "Area::area");
        assert_eq!(item_name("mod inner :: fn f"), "inner::f");
    }
}

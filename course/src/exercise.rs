//! One exercise file, two views: the reference solution and the learner's stub.
//!
//! The marker format is described in `docs/exercise-format.md`:
//! `// course:solution [TODO text]` opens a solution region, an optional `// course:stub`
//! starts the stub's own (commented-out) text, and `// course:end` closes the region.
//! This module generates the stub ([`stub`]) and the clean solution without markers
//! ([`clean_solution`]), finds and hashes the test block ([`test_block`], [`test_block_hash`]),
//! and compares the items and signatures of two versions of a file ([`signatures`]).

use crate::error::{Error, Result};
use std::collections::BTreeMap;
use std::path::Path;

const SOLUTION: &str = "// course:solution";
const STUB: &str = "// course:stub";
const END: &str = "// course:end";

/// One line of an exercise file, classified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Line<'a> {
    /// `// course:solution` with its optional TODO text.
    Solution(&'a str),
    /// `// course:stub`.
    Stub,
    /// `// course:end`.
    End,
    /// Anything else.
    Code,
}

fn classify(line: &str) -> std::result::Result<Line<'_>, String> {
    let trimmed = line.trim();
    if !trimmed.starts_with("// course:") {
        return Ok(Line::Code);
    }
    if let Some(rest) = trimmed.strip_prefix(SOLUTION)
        && (rest.is_empty() || rest.starts_with(' '))
    {
        return Ok(Line::Solution(rest.trim()));
    }
    match trimmed {
        STUB => Ok(Line::Stub),
        END => Ok(Line::End),
        _ => Err(format!(
            "unknown marker `{trimmed}` (markers are course:solution, course:stub, course:end)"
        )),
    }
}

/// Where a region is while its lines are read.
enum State<'a> {
    Outside,
    Solution {
        start: usize,
        indent: &'a str,
        todo: &'a str,
    },
    Stub {
        start: usize,
        stub_lines: Vec<String>,
    },
}

/// The result of reading an exercise file's markers.
struct Parsed {
    stub: Vec<String>,
    solution: Vec<String>,
    regions: usize,
}

fn parse(path: &Path, source: &str) -> Result<Parsed> {
    let test_start = test_block_start(source);
    let error = |line: usize, message: String| Error::Marker {
        path: path.to_path_buf(),
        line,
        message,
    };
    let mut parsed = Parsed {
        stub: Vec::new(),
        solution: Vec::new(),
        regions: 0,
    };
    let mut state = State::Outside;
    for (index, line) in source.lines().enumerate() {
        let number = index + 1;
        let kind = classify(line).map_err(|m| error(number, m))?;
        if kind != Line::Code && test_start.is_some_and(|start| index >= start) {
            return Err(error(
                number,
                "solution markers may not appear in the test block".into(),
            ));
        }
        state = match (state, kind) {
            (State::Outside, Line::Code) => {
                parsed.stub.push(line.to_string());
                parsed.solution.push(line.to_string());
                State::Outside
            }
            (State::Outside, Line::Solution(todo)) => State::Solution {
                start: number,
                indent: &line[..line.len() - line.trim_start().len()],
                todo,
            },
            (State::Outside, Line::Stub | Line::End) => {
                return Err(error(
                    number,
                    "marker outside a region (no `// course:solution` before it)".into(),
                ));
            }
            (
                State::Solution {
                    start,
                    indent,
                    todo,
                },
                Line::Code,
            ) => {
                parsed.solution.push(line.to_string());
                State::Solution {
                    start,
                    indent,
                    todo,
                }
            }
            (State::Solution { start, .. } | State::Stub { start, .. }, Line::Solution(_)) => {
                return Err(error(
                    number,
                    format!("regions do not nest: the region opened on line {start} is not closed"),
                ));
            }
            (State::Solution { start, .. }, Line::Stub) => State::Stub {
                start,
                stub_lines: Vec::new(),
            },
            (State::Solution { indent, todo, .. }, Line::End) => {
                if !todo.is_empty() {
                    parsed.stub.push(format!("{indent}// TODO: {todo}"));
                }
                parsed.stub.push(format!("{indent}todo!()"));
                parsed.regions += 1;
                State::Outside
            }
            (
                State::Stub {
                    start,
                    mut stub_lines,
                },
                Line::Code,
            ) => {
                stub_lines.push(uncomment(line).ok_or_else(|| {
                    error(
                        number,
                        "every line of a course:stub section must be a `//` comment".into(),
                    )
                })?);
                State::Stub { start, stub_lines }
            }
            (State::Stub { .. }, Line::Stub) => {
                return Err(error(
                    number,
                    "a region has only one course:stub section".into(),
                ));
            }
            (State::Stub { stub_lines, .. }, Line::End) => {
                parsed.stub.extend(stub_lines);
                parsed.regions += 1;
                State::Outside
            }
        };
    }
    match state {
        State::Outside => Ok(parsed),
        State::Solution { start, .. } | State::Stub { start, .. } => Err(error(
            start,
            "region is never closed with `// course:end`".into(),
        )),
    }
}

/// Uncomments one line of a stub section: `    // let x = 1;` becomes `    let x = 1;`.
fn uncomment(line: &str) -> Option<String> {
    let trimmed = line.trim_start();
    let indent = &line[..line.len() - trimmed.len()];
    if trimmed.is_empty() {
        return Some(String::new());
    }
    let rest = trimmed.strip_prefix("//")?;
    let rest = rest.strip_prefix(' ').unwrap_or(rest);
    if rest.is_empty() {
        return Some(String::new());
    }
    Some(format!("{indent}{rest}"))
}

fn join(lines: &[String]) -> String {
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

/// The learner's stub generated from a reference solution.
///
/// # Errors
/// [`Error::Marker`] for unbalanced or nested markers, a stub line that is not a comment, or a
/// marker inside the test block.
pub fn stub(path: &Path, source: &str) -> Result<String> {
    Ok(join(&parse(path, source)?.stub))
}

/// The reference solution without its markers and stub sections: what `solution` shows.
///
/// # Errors
/// As [`stub`].
pub fn clean_solution(path: &Path, source: &str) -> Result<String> {
    Ok(join(&parse(path, source)?.solution))
}

/// How many solution regions the file has.
///
/// # Errors
/// As [`stub`].
pub fn region_count(path: &Path, source: &str) -> Result<usize> {
    Ok(parse(path, source)?.regions)
}

/// The solution text of every region (the lines removed from the stub), for leak tests.
///
/// # Errors
/// As [`stub`].
pub fn region_texts(path: &Path, source: &str) -> Result<Vec<String>> {
    parse(path, source)?;
    let mut texts = Vec::new();
    let mut current: Option<Vec<&str>> = None;
    for line in source.lines() {
        match classify(line).unwrap_or(Line::Code) {
            Line::Solution(_) => current = Some(Vec::new()),
            Line::Stub | Line::End => {
                if let Some(lines) = current.take() {
                    texts.push(lines.join("\n"));
                }
            }
            Line::Code => {
                if let Some(lines) = current.as_mut() {
                    lines.push(line);
                }
            }
        }
    }
    Ok(texts)
}

/// The 0-based line where the test block starts: the `#[cfg(test)]` line that opens the last
/// `mod tests` of the file.
pub fn test_block_start(source: &str) -> Option<usize> {
    let lines: Vec<&str> = source.lines().collect();
    let mod_line = lines.iter().rposition(|line| {
        let trimmed = line.trim_start();
        trimmed.starts_with("mod tests") || trimmed.contains("] mod tests")
    })?;
    (0..=mod_line)
        .rev()
        .take(4)
        .find(|&index| lines[index].trim_start().starts_with("#[cfg(test)]"))
}

/// The test block: everything from [`test_block_start`] to the end of the file.
pub fn test_block(source: &str) -> Option<String> {
    let start = test_block_start(source)?;
    Some(source.lines().skip(start).collect::<Vec<_>>().join("\n"))
}

/// A hash of the test block that ignores whitespace (so reformatting is not an edit).
/// FNV-1a, 64 bits: stable across runs and Rust versions, which `DefaultHasher` is not.
pub fn test_block_hash(source: &str) -> Option<u64> {
    let block = test_block(source)?;
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for word in block.split_whitespace() {
        for byte in word.bytes().chain(std::iter::once(b' ')) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    Some(hash)
}

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

/// How the stub differs from the solution, one line per difference (empty: it keeps them all).
/// With `names_only` (fix exercises) only the presence of each item is compared.
pub fn signature_drift(
    solution: &BTreeMap<String, String>,
    stub: &BTreeMap<String, String>,
    names_only: bool,
) -> Vec<String> {
    let mut drift = Vec::new();
    for (name, signature) in solution {
        match stub.get(name) {
            None => drift.push(format!("the stub lacks `{name}`")),
            Some(other) if !names_only && other != signature => drift.push(format!(
                "`{name}` differs: solution `{signature}`, stub `{other}`"
            )),
            Some(_) => {}
        }
    }
    for name in stub.keys() {
        if !solution.contains_key(name) {
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

    const EXERCISE: &str = r#"//! Header.
fn longest(text: &str) -> &str {
    // course:solution Return the longest word.
    text.split_whitespace().fold("", |a, b| if b.len() > a.len() { b } else { a })
    // course:end
}

fn main() {
    let s = String::from("x");
    // course:solution
    let t = s.clone();
    // course:stub
    // let t = s;
    //
    // course:end
    println!("{s}{t}");
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn works() {
        assert_eq!(longest("a bb"), "bb");
    }
}
"#;

    #[test]
    fn stub_replaces_regions() {
        let stub = stub(path(), EXERCISE).unwrap();
        assert!(stub.contains("    // TODO: Return the longest word.\n    todo!()\n}"));
        assert!(stub.contains("    let t = s;\n\n    println!"));
        assert!(!stub.contains("fold"));
        assert!(!stub.contains("course:"));
        assert_eq!(region_count(path(), EXERCISE).unwrap(), 2);
    }

    #[test]
    fn clean_solution_drops_markers_and_stub_sections() {
        let clean = clean_solution(path(), EXERCISE).unwrap();
        assert!(clean.contains("fold"));
        assert!(clean.contains("let t = s.clone();\n    println!"));
        assert!(!clean.contains("course:"));
        assert!(!clean.contains("let t = s;"));
    }

    #[test]
    fn region_texts_are_the_removed_lines() {
        let texts = region_texts(path(), EXERCISE).unwrap();
        assert_eq!(texts.len(), 2);
        assert!(texts[0].contains("fold"));
        assert_eq!(texts[1].trim(), "let t = s.clone();");
    }

    #[test]
    fn malformed_markers_are_errors() {
        let check = |source: &str, line: usize, needle: &str| {
            let error = stub(path(), source).unwrap_err().to_string();
            assert!(error.starts_with(&format!("ex.rs:{line}:")), "{error}");
            assert!(error.contains(needle), "{error}");
        };
        check("// course:solution\nx\n", 1, "never closed");
        check("x\n// course:end\n", 2, "outside a region");
        check(
            "// course:solution\n// course:solution\n// course:end\n",
            2,
            "do not nest",
        );
        check(
            "// course:solution\nx\n// course:stub\nlet y = 1;\n// course:end\n",
            4,
            "must be a `//` comment",
        );
        check("// course:soltion\n", 1, "unknown marker");
        check(
            "fn a() {}\n#[cfg(test)]\nmod tests {\n// course:solution\n// course:end\n}\n",
            4,
            "test block",
        );
    }

    #[test]
    fn test_block_runs_from_cfg_test_to_end() {
        let block = test_block(EXERCISE).unwrap();
        assert!(block.starts_with("#[cfg(test)]\nmod tests {"));
        assert!(block.ends_with('}'));
        assert_eq!(test_block("fn main() {}"), None);
    }

    #[test]
    fn test_block_hash_ignores_whitespace_but_not_edits() {
        let original = test_block_hash(EXERCISE).unwrap();
        let reformatted = EXERCISE.replace("    use super::*;", "use   super::*;\n\n");
        assert_eq!(test_block_hash(&reformatted), Some(original));
        let edited = EXERCISE.replace("\"bb\");", "longest(\"a bb\"));");
        assert_ne!(test_block_hash(&edited), Some(original));
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
        assert!(signature_drift(&solution, &same, false).is_empty());
        let drift = signature_drift(&solution, &changed, false);
        assert_eq!(drift.len(), 2, "{drift:?}");
        assert_eq!(signature_drift(&solution, &changed, true).len(), 1);
    }
}

//! Assembles the course book (an mdBook) from the manifest, builds it, and checks its links.
//!
//! The source tree is written to `<target>/book-src/` and mirrors the repository's layout, so a
//! relative link that works on GitHub works in the book too:
//!
//! - the root `README.md` is the introduction, the root `ARCHITECTURE.md` follows it;
//! - per module: its `README.md` (or a generated page when it has none), its notes in reading
//!   order, and a generated exercises page (titles, kinds, concepts, minutes, commands; no hints);
//! - per capstone: its guide (when it has milestones), a generated milestones page (id, title,
//!   minutes, spec, test files, commands; no hints), its `README.md` and `ARCHITECTURE.md`;
//!   then `docs/*.md`.
//!
//! Links to other files of the repository are handled so that the book never has a dead link:
//! a linked markdown file that is not yet a chapter becomes one (under "More pages"); any other
//! linked file is copied into the book, except that an exercise file is replaced by its
//! *stub*, so the book never shows a solution, and a capstone's Rust file by its reference without
//! markers or decoys (a guide shows how the reference is built, never the decoys). Files named by `{{#include …}}` are copied as they
//! are. A link whose target does not exist, or names a folder, or an `#anchor` that is not a
//! heading of the target page, is reported as `file:line` and fails the build.

use crate::error::{Error, Result, fsx};
use crate::exercise;
use crate::manifest::{Capstone, Manifest, Module};
use crate::markdown;
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::process::Command;

/// What `book` produced.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The assembled source tree.
    pub source: PathBuf,
    /// The HTML output folder.
    pub output: PathBuf,
    /// How many chapters the book has.
    pub chapters: usize,
    /// Broken links, one `file:line: message` each; empty when every link resolves.
    pub broken: Vec<String>,
}

/// One chapter: where it comes from, where it goes in the book, its title and nesting.
#[derive(Debug, Clone)]
struct Chapter {
    /// Path inside the book's `src/`, with `/` separators.
    book_path: String,
    /// Its text.
    text: String,
    /// The file it came from, relative to the repository (`None` for generated pages).
    origin: Option<String>,
}

/// The assembled book before it is written.
#[derive(Debug, Default)]
struct Book {
    summary: String,
    chapters: Vec<Chapter>,
    /// Extra files: book path → source file (or generated text).
    assets: BTreeMap<String, Asset>,
}

#[derive(Debug, Clone)]
enum Asset {
    Copy(PathBuf),
    Text(String),
}

/// The first `# ` heading of a markdown text, or a fallback.
fn title_of(text: &str, fallback: &str) -> String {
    text.lines()
        .find_map(|l| l.strip_prefix("# "))
        .map(|t| t.trim().replace(['[', ']'], ""))
        .unwrap_or_else(|| fallback.to_string())
}

impl Book {
    fn add(
        &mut self,
        depth: usize,
        title: &str,
        book_path: &str,
        text: String,
        origin: Option<&str>,
    ) {
        self.summary.push_str(&format!(
            "{}- [{}]({})\n",
            "  ".repeat(depth),
            title.replace(['[', ']'], ""),
            book_path
        ));
        self.chapters.push(Chapter {
            book_path: book_path.to_string(),
            text,
            origin: origin.map(str::to_string),
        });
    }

    fn has(&self, book_path: &str) -> bool {
        self.chapters.iter().any(|c| c.book_path == book_path)
    }

    fn add_file(&mut self, root: &Path, depth: usize, rel: &str, fallback: &str) -> Result<bool> {
        let path = root.join(rel);
        if !path.is_file() || self.has(rel) {
            return Ok(false);
        }
        let text = fsx::read(&path)?;
        let title = title_of(&text, fallback);
        self.add(depth, &title, rel, text, Some(rel));
        Ok(true)
    }
}

/// The generated exercises page of a module.
fn exercises_page(module: &Module) -> String {
    let mut page = format!("# Exercises of module {}: {}\n\n", module.id, module.title);
    page.push_str("Start an exercise with `cargo course start <id>`, check it with `cargo course verify <id>`.\n");
    page.push_str("Hints come one at a time from `cargo course hint <id>`.\n\n");
    page.push_str(
        "| id | exercise | kind | concepts | minutes | start with |\n|---|---|---|---|---|---|\n",
    );
    for exercise in &module.exercise {
        page.push_str(&format!(
            "| {} | {} | {} | {} | {} | `cargo course start {}` |\n",
            exercise.id,
            exercise.title.replace('|', "\\|"),
            exercise.kind.as_str(),
            exercise.concepts.join(", ").replace('|', "\\|"),
            exercise.minutes,
            exercise.id
        ));
    }
    page.push_str("\nTo run an exercise's tests directly in the repository (its reference solution):\n\n```sh\n");
    for exercise in &module.exercise {
        page.push_str(&format!(
            "cargo test -p {} --bin {}\n",
            module.package,
            crate::manifest::bin_name(&module.id, &exercise.file)
        ));
    }
    page.push_str("```\n");
    page
}

/// The generated milestones page of a capstone.
fn milestones_page(capstone: &Capstone) -> String {
    let id = &capstone.id;
    let mut page = format!(
        "# Milestones of {id}: {}

",
        capstone.title
    );
    page.push_str(&format!(
        "Start with `cargo course start {id}`: it writes the starter into `learn/{}/` with the first milestone's tests.
",
        capstone.dir
    ));
    page.push_str("Check milestone k with `cargo course verify <id>`: it runs the tests of every milestone up to k and, when they pass, adds the next milestone's tests.
");
    if capstone.bench.is_some() {
        page.push_str(&format!(
            "When you are done, `cargo course bench {id}` measures your build against the reference and the real tool.
"
        ));
    }
    page.push_str(
        "
| id | milestone | minutes | tests |
|---|---|---|---|
",
    );
    let tests_of = |tests: &[String]| {
        tests
            .iter()
            .map(|t| format!("[{t}](tests/{t}.rs)"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    for milestone in &capstone.milestone {
        page.push_str(&format!(
            "| {} | {} | {} | {} |
",
            milestone.id,
            milestone.title.replace('|', "\\|"),
            milestone.minutes,
            tests_of(&milestone.tests)
        ));
    }
    for milestone in &capstone.milestone {
        page.push_str(&format!(
            "
## {} {}

",
            milestone.id, milestone.title
        ));
        if !milestone.spec.trim().is_empty() {
            page.push_str(milestone.spec.trim());
            page.push_str(
                "

",
            );
        }
        if !milestone.concepts.is_empty() {
            page.push_str(&format!(
                "Concepts: {}.

",
                milestone.concepts.join(", ")
            ));
        }
        page.push_str(&format!(
            "About {} minutes. Tests: {}. Commands: `cargo course verify {}`, `cargo course hint {}`.
",
            milestone.minutes,
            tests_of(&milestone.tests),
            milestone.id,
            milestone.id
        ));
    }
    page
}

fn module_page(module: &Module) -> String {
    let mut page = format!("# Module {}: {}\n\n", module.id, module.title);
    if !module.duration.is_empty() {
        page.push_str(&format!("Duration: {}.\n", module.duration));
    }
    if module.notes.is_empty() && module.exercise.is_empty() {
        page.push_str("This module is not yet written.\n");
    }
    if !module.outcomes.is_empty() {
        page.push_str("\n## Outcomes\n\n");
        for outcome in &module.outcomes {
            page.push_str(&format!("- {outcome}\n"));
        }
    }
    page
}

fn assemble(manifest: &Manifest) -> Result<Book> {
    let root = &manifest.root;
    let mut book = Book {
        summary: "# Summary\n\n".to_string(),
        ..Book::default()
    };
    if root.join("README.md").is_file() {
        let text = fsx::read(&root.join("README.md"))?;
        book.summary.push_str("[Introduction](README.md)\n\n");
        book.chapters.push(Chapter {
            book_path: "README.md".into(),
            text,
            origin: Some("README.md".into()),
        });
    }
    book.add_file(root, 0, "ARCHITECTURE.md", "Architecture")?;
    book.summary.push_str("\n# Modules\n\n");
    for module in &manifest.module {
        let readme = format!("{}/README.md", module.dir);
        let title = format!("{} {}", module.id, module.title);
        if root.join(&readme).is_file() {
            let text = fsx::read(&root.join(&readme))?;
            book.add(0, &title, &readme, text, Some(&readme));
        } else {
            book.add(0, &title, &readme, module_page(module), None);
        }
        for note in &module.notes {
            let rel = format!("{}/{note}", module.dir);
            book.add_file(root, 1, &rel, note)?;
        }
        if !module.exercise.is_empty() {
            let rel = format!("{}/exercises.md", module.dir);
            book.add(1, "Exercises", &rel, exercises_page(module), None);
        }
    }
    if !manifest.capstone.is_empty() {
        book.summary.push_str("\n# Capstone projects\n\n");
    }
    for capstone in &manifest.capstone {
        let readme = format!("{}/README.md", capstone.dir);
        let title = format!("{} {}", capstone.id, capstone.title);
        let guide = capstone
            .guide
            .as_ref()
            .map(|g| format!("{}/{g}", capstone.dir))
            .filter(|g| root.join(g).is_file() && !capstone.milestone.is_empty());
        if let Some(guide) = guide {
            let text = fsx::read(&root.join(&guide))?;
            book.add(0, &title, &guide, text, Some(&guide));
            let rel = format!("{}/milestones.md", capstone.dir);
            book.add(1, "Milestones", &rel, milestones_page(capstone), None);
            book.add_file(root, 1, &readme, "The reference")?;
        } else if root.join(&readme).is_file() {
            let text = fsx::read(&root.join(&readme))?;
            book.add(0, &title, &readme, text, Some(&readme));
        } else {
            let text = format!("# {title}\n\nThis project is not yet written.\n");
            book.add(0, &title, &readme, text, None);
        }
        book.add_file(
            root,
            1,
            &format!("{}/ARCHITECTURE.md", capstone.dir),
            "Architecture",
        )?;
    }
    let docs = fsx::list_files(&root.join("docs"), ".md")?;
    if !docs.is_empty() || root.join("course/README.md").is_file() {
        book.summary.push_str("\n# Reference\n\n");
    }
    for doc in docs {
        book.add_file(root, 0, &format!("docs/{doc}"), &doc)?;
    }
    book.add_file(root, 0, "course/README.md", "The course runner")?;
    Ok(book)
}

/// Normalises `a/b/../c` to `a/c`; `None` if it climbs out of the root.
fn normalise(path: &Path) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    for component in path.components() {
        match component {
            Component::Normal(part) => parts.push(part.to_string_lossy().into_owned()),
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(parts.join("/"))
}

fn parent_of(book_path: &str) -> &Path {
    Path::new(book_path).parent().unwrap_or(Path::new(""))
}

/// `{{#include path}}`-style directives of mdBook: the paths they name.
fn includes(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for directive in ["{{#include ", "{{#rustdoc_include ", "{{#playground "] {
        let mut rest = text;
        while let Some(start) = rest.find(directive) {
            let after = &rest[start + directive.len()..];
            let end = after.find("}}").unwrap_or(after.len());
            let target = after[..end].trim().split(':').next().unwrap_or("").trim();
            if !target.is_empty() {
                found.push(target.to_string());
            }
            rest = &after[end..];
        }
    }
    found
}

/// Resolves the links of every chapter: adds linked pages and files, returns the broken links.
fn resolve_links(manifest: &Manifest, book: &mut Book) -> Result<Vec<String>> {
    let root = &manifest.root;
    let exercise_files: BTreeMap<String, PathBuf> = manifest
        .exercises()
        .map(|e| (e.rel_path(), manifest.exercise_path(e)))
        .collect();
    let capstone_dirs: Vec<String> = manifest
        .capstone
        .iter()
        .map(|c| format!("{}/", c.dir))
        .collect();
    let mut broken = Vec::new();
    let mut more_pages_header = false;
    let mut index = 0;
    while index < book.chapters.len() {
        let chapter = book.chapters[index].clone();
        index += 1;
        let shown = chapter
            .origin
            .clone()
            .unwrap_or_else(|| format!("(generated) {}", chapter.book_path));
        let base = parent_of(&chapter.book_path);
        for include in includes(&chapter.text) {
            match normalise(&base.join(&include)) {
                Some(rel) if root.join(&rel).is_file() => {
                    book.assets
                        .insert(rel.clone(), Asset::Copy(root.join(&rel)));
                }
                _ => broken.push(format!("{shown}: included file `{include}` does not exist")),
            }
        }
        for link in markdown::relative_links(&chapter.text) {
            let (path_part, anchor) = match link.target.split_once('#') {
                Some((path, anchor)) => (path, Some(anchor)),
                None => (link.target.as_str(), None),
            };
            let location = format!("{shown}:{}", link.line);
            let target = if path_part.is_empty() {
                chapter.book_path.clone()
            } else if path_part.starts_with('/') {
                broken.push(format!(
                    "{location}: absolute link `{}`; use a relative one",
                    link.target
                ));
                continue;
            } else {
                match normalise(&base.join(path_part)) {
                    Some(target) => target,
                    None => {
                        broken.push(format!(
                            "{location}: link `{}` leaves the repository",
                            link.target
                        ));
                        continue;
                    }
                }
            };
            if target.ends_with(".md") {
                if !book.has(&target) {
                    if root.join(&target).is_file() {
                        if !more_pages_header {
                            book.summary.push_str("\n# More pages\n\n");
                            more_pages_header = true;
                        }
                        book.add_file(root, 0, &target, &target)?;
                    } else {
                        broken.push(format!("{location}: `{}` does not exist", link.target));
                        continue;
                    }
                }
                if let Some(anchor) = anchor {
                    let text = book
                        .chapters
                        .iter()
                        .find(|c| c.book_path == target)
                        .map(|c| c.text.clone())
                        .unwrap_or_default();
                    if !markdown::heading_anchors(&text).iter().any(|a| a == anchor) {
                        broken.push(format!(
                            "{location}: `{}` has no heading with anchor `#{anchor}`",
                            target
                        ));
                    }
                }
                continue;
            }
            let source = root.join(&target);
            let in_capstone = capstone_dirs.iter().any(|d| target.starts_with(d.as_str()));
            if let Some(solution) = exercise_files.get(&target) {
                let stub = exercise::stub(solution, &fsx::read(solution)?)?;
                book.assets.insert(target, Asset::Text(stub));
            } else if in_capstone && target.ends_with(".rs") && source.is_file() {
                let reference = exercise::clean_solution(&source, &fsx::read(&source)?)?;
                book.assets.insert(target, Asset::Text(reference));
            } else if source.is_file() {
                book.assets.insert(target, Asset::Copy(source));
            } else if source.is_dir() {
                broken.push(format!(
                    "{location}: `{}` is a folder; link a file in it (its README.md)",
                    link.target
                ));
            } else {
                broken.push(format!("{location}: `{}` does not exist", link.target));
            }
        }
    }
    Ok(broken)
}

fn book_toml(manifest: &Manifest) -> String {
    format!(
        "# Generated by `cargo course book`; do not edit.\n[book]\ntitle = {:?}\nlanguage = \"en\"\nsrc = \"src\"\n\n[build]\ncreate-missing = false\n# The default `index` preprocessor renames README.md chapters to index.html, which breaks\n# links to README.md; only `links` ({{{{#include}}}}) is kept.\nuse-default-preprocessors = false\n\n[preprocessor.links]\n\n[output.html]\n",
        manifest.course.title
    )
}

/// Assembles the book under `<target>/book-src`, checks its links and, when they all resolve,
/// builds the HTML into `<root>/book/` with `mdbook`.
///
/// # Errors
/// When files cannot be read or written, or `mdbook` is missing or fails.
pub fn build(manifest: &Manifest) -> Result<Outcome> {
    let source = crate::cargo::target_dir(&manifest.root).join("book-src");
    let output = manifest.root.join("book");
    let mut book = assemble(manifest)?;
    let broken = resolve_links(manifest, &mut book)?;
    if source.exists() {
        std::fs::remove_dir_all(&source).map_err(|e| Error::io(&source, e))?;
    }
    let src = source.join("src");
    for chapter in &book.chapters {
        fsx::write(&src.join(&chapter.book_path), &chapter.text)?;
    }
    for (path, asset) in &book.assets {
        match asset {
            Asset::Copy(from) => fsx::copy(from, &src.join(path))?,
            Asset::Text(text) => fsx::write(&src.join(path), text)?,
        }
    }
    fsx::write(&src.join("SUMMARY.md"), &book.summary)?;
    fsx::write(&source.join("book.toml"), book_toml(manifest))?;
    let outcome = Outcome {
        source: source.clone(),
        output: output.clone(),
        chapters: book.chapters.len(),
        broken,
    };
    if !outcome.broken.is_empty() {
        return Ok(outcome);
    }
    let mut command = Command::new("mdbook");
    command
        .arg("build")
        .arg(&source)
        .arg("--dest-dir")
        .arg(&output);
    let result = crate::cargo::run_captured(command, None);
    match result {
        Err(Error::Spawn { source: e, .. }) if e.kind() == std::io::ErrorKind::NotFound => Err(
            Error::Refused("mdbook is not installed: run `cargo install mdbook --locked`".into()),
        ),
        Err(error) => Err(error),
        Ok(run) if run.success => Ok(outcome),
        Ok(run) => Err(Error::Refused(format!(
            "mdbook build failed: {}",
            run.stderr
                .lines()
                .filter(|l| l.contains("ERROR") || l.contains("rror"))
                .collect::<Vec<_>>()
                .join(" / ")
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_resolves_dots_and_refuses_escapes() {
        assert_eq!(
            normalise(Path::new("a/notes/../exercises/x.rs")).as_deref(),
            Some("a/exercises/x.rs")
        );
        assert_eq!(normalise(Path::new("./a.md")).as_deref(), Some("a.md"));
        assert_eq!(normalise(Path::new("../a.md")), None);
    }

    #[test]
    fn includes_finds_mdbook_directives() {
        let text = "{{#include ../exercises/a.rs:anchor}}\ntext {{#rustdoc_include b.rs}}";
        assert_eq!(includes(text), ["../exercises/a.rs", "b.rs"]);
    }

    #[test]
    fn title_of_uses_first_heading() {
        assert_eq!(title_of("intro\n# The [Title]\n## x", "f"), "The Title");
        assert_eq!(title_of("no heading", "fallback"), "fallback");
    }
}

//! Crate exercises: an exercise that is a whole crate (a proc-macro crate, a capstone starter).
//!
//! Every `.rs` file of the crate goes through the markers of [`crate::exercise`]; other files
//! (`Cargo.toml`, trybuild's `.stderr` files) are part of the skeleton and copied as they are.
//! A version of the crate is written file by file: the stub, the solution, or one decoy (files
//! without that decoy keep their solution). The crate's `target/` is never read.

use crate::error::{Error, Result, fsx};
use crate::exercise::{Decoy, Markers};
use std::path::{Path, PathBuf};

/// Which version of a crate to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version<'a> {
    /// What the learner starts with.
    Stub,
    /// The stub with its regions still marked (what a student edition keeps; no solutions).
    MarkedStub,
    /// The reference solution without markers.
    Solution,
    /// One decoy in place of the solution, wherever the crate has a section of that name.
    Decoy(&'a str),
    /// A capstone up to milestone `k`: the regions of milestones `1..=k` keep their solution,
    /// every other region becomes its stub (`UpTo(0)` is the starter).
    UpTo(usize),
}

/// The files of a crate, relative to its folder, sorted; `target/` is left out.
///
/// # Errors
/// When a folder cannot be listed.
pub fn files(dir: &Path) -> Result<Vec<PathBuf>> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
        let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| Error::io(dir, e))?;
            let path = entry.path();
            if path.is_dir() {
                if entry.file_name() != "target" {
                    walk(root, &path, out)?;
                }
            } else if let Ok(relative) = path.strip_prefix(root) {
                out.push(relative.to_path_buf());
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out)?;
    out.sort();
    Ok(out)
}

fn is_rust(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "rs")
}

/// Writes one version of the crate at `from` into `to` (files are rewritten only when they
/// change, so cargo's fingerprints stay valid).
///
/// # Errors
/// When a file cannot be read or written, or its markers are malformed.
pub fn write_version(from: &Path, to: &Path, version: Version<'_>) -> Result<()> {
    write_files(from, to, &files(from)?, version)
}

/// [`write_version`] for some of the crate's files (paths relative to `from`).
///
/// # Errors
/// As [`write_version`].
pub fn write_files(from: &Path, to: &Path, files: &[PathBuf], version: Version<'_>) -> Result<()> {
    for file in files {
        fsx::write_if_changed(&to.join(file), render(from, file, version)?)?;
    }
    Ok(())
}

/// One file of one version of the crate (paths relative to `from`); a file that is not Rust
/// (a `Cargo.toml`, a test fixture, which may be binary) as it is.
///
/// # Errors
/// When the file cannot be read, or its markers are malformed.
pub fn render(from: &Path, file: &Path, version: Version<'_>) -> Result<Vec<u8>> {
    let source_path = from.join(file);
    if !is_rust(file) {
        return std::fs::read(&source_path).map_err(|e| Error::io(&source_path, e));
    }
    let markers = Markers::parse(&source_path, &fsx::read(&source_path)?)?;
    let text = match version {
        Version::Stub => markers.stub(),
        Version::MarkedStub => markers.marked_stub(),
        Version::Solution => markers.solution(),
        Version::Decoy(name) => markers.decoy(name).unwrap_or_else(|| markers.solution()),
        Version::UpTo(k) => markers.up_to(|milestone| {
            milestone
                .and_then(crate::exercise::milestone_position)
                .is_some_and(|position| position <= k)
        }),
    };
    Ok(text.into_bytes())
}

/// The decoys of a crate, in the order they first appear (files in path order).
///
/// # Errors
/// When a file cannot be read or its markers are malformed.
pub fn decoys(dir: &Path) -> Result<Vec<Decoy>> {
    decoys_in(dir, &files(dir)?)
}

/// [`decoys`] of some of the crate's files.
///
/// # Errors
/// As [`decoys`].
pub fn decoys_in(dir: &Path, files: &[PathBuf]) -> Result<Vec<Decoy>> {
    let mut found: Vec<Decoy> = Vec::new();
    for file in files.iter().filter(|f| is_rust(f)) {
        let path = dir.join(file);
        for decoy in Markers::parse(&path, &fsx::read(&path)?)?.decoys() {
            if !found.iter().any(|d| d.name == decoy.name) {
                found.push(decoy.clone());
            }
        }
    }
    Ok(found)
}

/// Every line that must never reach a learner: the solution and decoy text of every file.
///
/// # Errors
/// As [`decoys`].
pub fn hidden_lines(dir: &Path) -> Result<Vec<String>> {
    hidden_lines_in(dir, &files(dir)?)
}

/// [`hidden_lines`] of some of the crate's files.
///
/// # Errors
/// As [`decoys`].
pub fn hidden_lines_in(dir: &Path, files: &[PathBuf]) -> Result<Vec<String>> {
    let mut lines = Vec::new();
    for file in files.iter().filter(|f| is_rust(f)) {
        let path = dir.join(file);
        lines.extend(Markers::parse(&path, &fsx::read(&path)?)?.hidden_lines());
    }
    Ok(lines)
}

/// `None` when the learner's copy of the crate keeps every file's skeleton (and every other file
/// unchanged, whitespace aside); otherwise what was changed first.
///
/// # Errors
/// When the course's crate cannot be read.
pub fn find_edit(course: &Path, learner: &Path) -> Result<Option<String>> {
    find_edit_in(course, learner, &files(course)?)
}

/// [`find_edit`] over some of the crate's files only (a capstone's starter and staged tests;
/// files the learner added are not looked at).
///
/// # Errors
/// As [`find_edit`].
pub fn find_edit_in(course: &Path, learner: &Path, files: &[PathBuf]) -> Result<Option<String>> {
    for file in files {
        let shown = file.display();
        let Ok(learner_text) = std::fs::read_to_string(learner.join(file)) else {
            return Ok(Some(format!("{shown} is missing")));
        };
        let course_path = course.join(file);
        let course_text = fsx::read(&course_path)?;
        let edit = if is_rust(file) {
            Markers::parse(&course_path, &course_text)?
                .skeleton()
                .find_edit(&learner_text)
        } else {
            let same = course_text
                .split_whitespace()
                .eq(learner_text.split_whitespace());
            (!same).then(|| "it was changed".to_string())
        };
        if let Some(edit) = edit {
            return Ok(Some(format!("{shown}: {edit}")));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let write = |path: &str, text: &str| {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write("Cargo.toml", "[package]\nname = \"x\"\n");
        write(
            "src/lib.rs",
            "pub fn f() -> u8 {\n    // course:solution\n    1\n    // course:decoy zero Returns zero.\n    // 0\n    // course:end\n}\n",
        );
        write(
            "tests/t.rs",
            "#[test]\nfn one() {\n    assert_eq!(x::f(), 1);\n}\n",
        );
        write("target/debug/junk", "ignored");
        dir
    }

    #[test]
    fn versions_are_written_file_by_file() {
        let crate_dir = sample();
        assert_eq!(
            files(crate_dir.path()).unwrap(),
            [
                PathBuf::from("Cargo.toml"),
                PathBuf::from("src/lib.rs"),
                PathBuf::from("tests/t.rs")
            ]
        );
        let out = tempfile::tempdir().unwrap();
        let read = |p: &str| std::fs::read_to_string(out.path().join(p)).unwrap();
        write_version(crate_dir.path(), out.path(), Version::Stub).unwrap();
        assert!(read("src/lib.rs").contains("todo!()"));
        assert_eq!(
            read("tests/t.rs"),
            "#[test]\nfn one() {\n    assert_eq!(x::f(), 1);\n}\n"
        );
        write_version(crate_dir.path(), out.path(), Version::Decoy("zero")).unwrap();
        assert!(read("src/lib.rs").contains("    0\n"));
        assert_eq!(decoys(crate_dir.path()).unwrap()[0].name, "zero");
        assert!(
            hidden_lines(crate_dir.path())
                .unwrap()
                .iter()
                .any(|l| l.trim() == "1")
        );
    }

    #[test]
    fn find_edit_checks_every_file() {
        let crate_dir = sample();
        let learner = tempfile::tempdir().unwrap();
        write_version(crate_dir.path(), learner.path(), Version::Solution).unwrap();
        assert_eq!(find_edit(crate_dir.path(), learner.path()).unwrap(), None);
        std::fs::write(learner.path().join("tests/t.rs"), "#[test]\nfn one() {}\n").unwrap();
        let edit = find_edit(crate_dir.path(), learner.path())
            .unwrap()
            .unwrap();
        assert!(edit.starts_with("tests/t.rs"), "{edit}");
        std::fs::remove_file(learner.path().join("Cargo.toml")).unwrap();
        let edit = find_edit(crate_dir.path(), learner.path())
            .unwrap()
            .unwrap();
        assert!(edit.contains("Cargo.toml is missing"), "{edit}");
    }
}

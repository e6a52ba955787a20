//! Milestone p1.6: `-r` and `-R` walk directories; `--include`, `--exclude` and
//! `--exclude-dir` choose what is searched by shell wildcards.

mod util;

use std::path::Path;

use util::{minigrep, show, tree};

/// A tree with files at several depths, a symbolic link inside it that points outside, and
/// names for the wildcard tests.
fn project() -> tempfile::TempDir {
    let dir = tree(&[
        ("outside.txt", b"foo outside\n" as &[u8]),
        ("top/a.txt", b"foo a\nbar\n"),
        ("top/sub/b.txt", b"foo b\n"),
        ("top/sub/deeper/c.md", b"foo c\n"),
        ("top/empty/.keep", b""),
        ("names/class.txt", b"foo class\n"),
        ("names/notes.txt", b"foo notes\n"),
        ("names/other.txt", b"foo other\n"),
        ("names/x.md", b"foo md\n"),
        ("names/skip/y.txt", b"foo skipped\n"),
    ]);
    std::os::unix::fs::symlink("../outside.txt", dir.path().join("top/link.txt"))
        .expect("creating a symbolic link");
    dir
}

/// Runs minigrep in `dir` and returns (status, stdout lines sorted, stderr): a walk visits
/// entries in directory order, which no test should depend on.
fn sorted_run(dir: &Path, args: &[&str]) -> (Option<i32>, Vec<String>, String) {
    let outcome = minigrep(args, dir, b"");
    let mut lines: Vec<String> = String::from_utf8_lossy(&outcome.stdout)
        .lines()
        .map(str::to_owned)
        .collect();
    lines.sort();
    (outcome.status, lines, show(&outcome.stderr))
}

fn check(dir: &Path, args: &[&str], expected: &[&str]) {
    let got = sorted_run(dir, args);
    let want = (
        Some(0),
        expected.iter().map(|line| (*line).to_owned()).collect(),
        String::new(),
    );
    assert_eq!(got, want, "minigrep {args:?} in {}", dir.display());
}

#[test]
fn recursive_search_walks_every_level_and_prefixes_paths() {
    let dir = project();
    check(
        dir.path(),
        &["-r", "foo", "top"],
        &[
            "top/a.txt:foo a",
            "top/sub/b.txt:foo b",
            "top/sub/deeper/c.md:foo c",
        ],
    );
    check(
        dir.path(),
        &["-rc", "foo", "top/sub"],
        &["top/sub/b.txt:1", "top/sub/deeper/c.md:1"],
    );
}

#[test]
fn recursive_search_without_operands_searches_the_current_directory() {
    let dir = project();
    check(
        &dir.path().join("top"),
        &["-r", "foo"],
        &["a.txt:foo a", "sub/b.txt:foo b", "sub/deeper/c.md:foo c"],
    );
}

#[test]
fn links_inside_the_tree_are_followed_only_with_dereference_recursive() {
    let dir = project();
    check(
        dir.path(),
        &["-rl", "outside", "top", "outside.txt"],
        &["outside.txt"],
    );
    check(dir.path(), &["-Rl", "outside", "top"], &["top/link.txt"]);
    // A link named on the command line is followed even by -r.
    check(
        dir.path(),
        &["-r", "outside", "top/link.txt"],
        &["foo outside"],
    );
}

#[test]
fn include_exclude_and_exclude_dir_choose_files_by_wildcard() {
    let dir = project();
    let names = dir.path().join("names");
    check(
        &names,
        &["-r", "--include=*s.txt", "foo"],
        &["class.txt:foo class", "notes.txt:foo notes"],
    );
    check(
        &names,
        &["-r", "--exclude=*.md", "--exclude-dir=sk?p", "foo"],
        &[
            "class.txt:foo class",
            "notes.txt:foo notes",
            "other.txt:foo other",
        ],
    );
    check(
        &names,
        &["-r", "--include=[a-o]*", "--exclude=n*", "foo"],
        &["class.txt:foo class", "other.txt:foo other"],
    );
}

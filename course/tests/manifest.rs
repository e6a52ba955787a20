//! The syllabus checks: the REAL `course.toml` of this repository must validate (files exist,
//! every exercise and note is listed, ids, prerequisites, `[[bin]]` lists, tagged fences), and
//! the validator must catch each kind of problem in a broken copy of the fixture course.

mod util;

use course::manifest::{self, Manifest};
use util::Course;

#[test]
fn real_course_manifest_is_valid() {
    let manifest = Manifest::load(&util::repo_root()).unwrap();
    let problems = manifest.validate().unwrap();
    assert!(
        problems.is_empty(),
        "course.toml problems:\n{}",
        problems.join("\n")
    );
}

#[test]
fn real_course_bin_lists_match_the_manifest() {
    let manifest = Manifest::load(&util::repo_root()).unwrap();
    for module in &manifest.module {
        let cargo_toml = manifest.root.join(&module.dir).join("Cargo.toml");
        assert_eq!(
            course::cargo_toml::read_bins(&cargo_toml).unwrap(),
            manifest::expected_bins(module),
            "{}: run `cargo course sync`",
            cargo_toml.display()
        );
    }
}

#[test]
fn real_course_exercises_have_valid_markers() {
    let manifest = Manifest::load(&util::repo_root()).unwrap();
    for exercise in manifest.exercises() {
        let path = manifest.exercise_path(exercise);
        if exercise.exercise.crate_dir.is_some() {
            // A crate exercise has no single file and no final test module: its markers are
            // checked file by file, and its tests are its test targets.
            let files = course::crates::files(&path).unwrap();
            for file in files
                .iter()
                .filter(|f| f.extension().is_some_and(|e| e == "rs"))
            {
                let file = path.join(file);
                let source = std::fs::read_to_string(&file).unwrap();
                course::exercise::stub(&file, &source).unwrap();
            }
            continue;
        }
        let source = std::fs::read_to_string(&path).unwrap();
        course::exercise::stub(&path, &source).unwrap();
        assert!(
            course::exercise::test_block(&source).is_some(),
            "{} has no final `#[cfg(test)] mod tests`",
            path.display()
        );
    }
}

#[test]
fn fixture_manifest_is_valid() {
    let course = Course::new();
    let manifest = Manifest::load(course.root()).unwrap();
    assert_eq!(manifest.validate().unwrap(), Vec::<String>::new());
}

/// Breaks the fixture course with `edit` and expects a problem containing `needle`.
fn check(edit: impl FnOnce(&Course), needle: &str) {
    let course = Course::new();
    edit(&course);
    let problems = Manifest::load(course.root())
        .and_then(|m| m.validate())
        .map_err(|e| vec![e.to_string()])
        .unwrap_or_else(|e| e);
    assert!(
        problems.iter().any(|p| p.contains(needle)),
        "expected a problem containing {needle:?}, got {problems:?}"
    );
}

/// Replaces every `from` in the fixture's `course.toml` with `to`.
fn edit_manifest(course: &Course, from: &str, to: &str) {
    let text = course.read("course.toml").replace(from, to);
    course.write("course.toml", &text);
}

#[test]
fn validate_catches_each_kind_of_problem() {
    check(
        |c| c.write("01-basics/exercises/09-unlisted.rs", "fn main() {}\n"),
        "exercises/09-unlisted.rs is not listed",
    );
    check(
        |c| c.write("01-basics/notes/02-unlisted.md", "# x\n"),
        "notes/02-unlisted.md is not listed",
    );
    check(
        |c| std::fs::remove_file(c.root().join("01-basics/exercises/03-drop-order.rs")).unwrap(),
        "03-drop-order.rs does not exist",
    );
    check(
        |c| edit_manifest(c, "id = \"01.3\"", "id = \"01.1\""),
        "id `01.1` is used twice",
    );
    check(
        |c| edit_manifest(c, "id = \"01.3\"", "id = \"1.3\""),
        "is not shaped",
    );
    check(
        |c| edit_manifest(c, "prerequisites = []", "prerequisites = [\"02\"]"),
        "cycle",
    );
    check(
        |c| {
            edit_manifest(
                c,
                "prerequisites = [\"01\"]\nnotes",
                "prerequisites = [\"09\"]\nnotes",
            )
        },
        "unknown prerequisite `09`",
    );
    check(
        |c| {
            let text = c
                .read("01-basics/Cargo.toml")
                .replace("m01-drop-order", "m01-renamed");
            c.write("01-basics/Cargo.toml", &text);
        },
        "run `cargo course sync`",
    );
    check(
        |c| c.write("docs/guide.md", "# Guide\n\n```\nuntagged\n```\n"),
        "docs/guide.md:3: code fence without a language tag",
    );
    check(
        |c| c.write("01-basics/README.md", "# M\n\n```rs\nfn x() {}\n```\n"),
        "tagged `rs`",
    );
    check(
        |c| edit_manifest(c, "error = \"E0382\"\n", ""),
        "a fix exercise needs",
    );
    check(
        |c| c.write("01-basics/src/lib.rs", "//! Module 01 without its notes.\n"),
        "src/lib.rs does not include notes/01-moves.md",
    );
    check(
        |c| {
            c.write(
                "02-broken/src/lib.rs",
                "//! Module 02.\n#![doc = include_str!(\"../notes/99-stray.md\")]\n",
            )
        },
        "src/lib.rs includes notes/99-stray.md, which is not one of its `notes`",
    );
    check(
        |c| {
            edit_manifest(
                c,
                "minutes = 10\nnote",
                "minutes = 10\nstub_error = \"E106\"\nnote",
            )
        },
        "stub_error `E106` is not shaped E0000",
    );
    check(
        |c| {
            edit_manifest(
                c,
                "title = \"Drop order\"",
                "title = \"Drop order\"\nno_decoys = \"x\"",
            )
        },
        "explore exercises need no decoys",
    );
    check(
        |c| {
            edit_manifest(
                c,
                "file = \"exercises/06-no-decoys.rs\"",
                "file = \"exercises/06-no-decoys.rs\"\ncrate = \"x\"",
            )
        },
        "give either `file` or `crate`, not both",
    );
}

#[test]
fn validate_catches_each_capstone_problem() {
    let lib = "capstone/src/lib.rs";
    let edit_file = |c: &Course, path: &str, from: &str, to: &str| {
        let text = c.read(path);
        assert!(text.contains(from), "{from:?} is not in {path}");
        c.write(path, &text.replace(from, to));
    };
    check(
        |c| edit_manifest(c, "id = \"p1.2\"", "id = \"p1.5\""),
        "milestone 2 is `p1.5`, wants `p1.2`",
    );
    check(
        |c| edit_manifest(c, "decoys = [\"split-on-space\"]", "decoys = []"),
        "decoy `split-on-space` (capstone/src/lib.rs) is listed by no milestone",
    );
    check(
        |c| edit_manifest(c, "[\"counts-bytes\"]", "[\"counts-bytes\", \"ghost\"]"),
        "decoy `ghost` does not exist",
    );
    check(
        |c| {
            edit_manifest(
                c,
                "[\"split-on-space\"]",
                "[\"split-on-space\", \"counts-newlines\"]",
            )
        },
        "decoy `counts-newlines` is listed by p1.1 too",
    );
    check(
        |c| edit_file(c, lib, "p1.3 The longest", "p1.7 The longest"),
        "has a region of milestone `p1.7`, which course.toml does not have",
    );
    check(
        |c| edit_file(c, lib, "p1.3 The longest", "The longest"),
        "does not start with a milestone id",
    );
    check(
        |c| edit_manifest(c, "[\"m3_longest\"]", "[\"m3_missing\"]"),
        "test file capstone/tests/m3_missing.rs does not exist",
    );
    check(
        |c| edit_manifest(c, "tests = [\"m2_words\"]", "tests = [\"m1_lines\"]"),
        "test m1_lines is listed by p1.1 too",
    );
    check(
        |c| edit_manifest(c, "\"tests/util\"]", "\"tests/util\", \"benches\"]"),
        "starter entry capstone/benches does not exist",
    );
    check(
        |c| edit_manifest(c, "\"tests/util\"]", "\"tests\"]"),
        "tests/m1_lines.rs is part of the starter too",
    );
    check(
        |c| edit_manifest(c, "guide = \"GUIDE.md\"", "guide = \"NOPE.md\""),
        "guide capstone/NOPE.md does not exist",
    );
    check(
        |c| {
            edit_manifest(
                c,
                "bench = \"bench/course-bench.sh\"",
                "bench = \"bench/x.sh\"",
            )
        },
        "bench script capstone/bench/x.sh does not exist",
    );
    check(
        |c| edit_manifest(c, "title = \"Words\"", "title = \"Words\"\nfile = \"x.rs\""),
        "unknown field `file`",
    );
    check(
        |c| {
            c.write(
                "capstone/tests/m2_words.rs",
                "// course:solution p1.2 x\n// course:end\n",
            )
        },
        "tests/m2_words.rs has solution regions; milestone tests are marker-free",
    );
}

#[test]
fn sync_rewrites_bins_and_check_manifest_agrees() {
    let course = Course::new();
    let text = course
        .read("01-basics/Cargo.toml")
        .replace("m01-drop-order", "m01-renamed");
    course.write("01-basics/Cargo.toml", &text);
    let before = util::run_in(course.root(), &["check-manifest"]);
    assert!(!before.success);
    assert!(
        before.stderr.contains("cargo course sync"),
        "{}",
        before.stderr
    );
    let sync = course.run(&["sync"]);
    assert!(sync.success, "{sync:?}");
    assert!(sync.stdout.contains("01-basics/Cargo.toml"));
    let after = course.run(&["check-manifest"]);
    assert!(after.success, "{after:?}");
    let synced = course.read("01-basics/Cargo.toml");
    assert!(synced.contains("[lib]\npath = \"src/lib.rs\""));
    assert!(synced.contains("name = \"m01-drop-order\""));
}

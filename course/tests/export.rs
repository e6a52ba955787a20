//! Student editions: `export` writes a standalone workspace that builds offline and holds no
//! solution text; `report` runs it and gives one JSON entry per exercise.

mod util;

use std::process::Command;
use util::Course;

fn all_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.file_name().is_some_and(|n| n == "target") {
            continue;
        }
        if path.is_dir() {
            all_files(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[test]
fn export_builds_offline_holds_no_solutions_and_reports() {
    let course = Course::new();
    let out = tempfile::tempdir().unwrap();
    let edition = out.path().join("edition");
    let run = course.run(&[
        "export",
        "--modules",
        "01",
        "--out",
        edition.to_str().unwrap(),
    ]);
    assert!(run.success, "{run:?}");
    for file in [
        "Cargo.toml",
        "course.toml",
        "README.md",
        "docs/guide.md",
        "01-basics/HINTS.md",
        "01-basics/notes/01-moves.md",
        "01-basics/README.md",
    ] {
        assert!(edition.join(file).is_file(), "{file} is missing");
    }
    assert!(
        !edition.join("02-broken").exists(),
        "only module 01 was exported"
    );

    // No solution region's text appears anywhere in the edition.
    let manifest = course::manifest::Manifest::load(course.root()).unwrap();
    let mut files = Vec::new();
    all_files(&edition, &mut files);
    for exercise in manifest.exercises().filter(|e| e.module.id == "01") {
        let path = manifest.exercise_path(exercise);
        let source = std::fs::read_to_string(&path).unwrap();
        for region in course::exercise::region_texts(&path, &source).unwrap() {
            for line in region.lines().map(str::trim).filter(|l| l.len() > 8) {
                for file in &files {
                    let text = std::fs::read_to_string(file).unwrap();
                    assert!(!text.contains(line), "{} leaks {line:?}", file.display());
                }
            }
        }
    }

    let build = Command::new(env!("CARGO"))
        .args(["test", "--offline", "--no-run", "--bin", "m01-longest-word"])
        .current_dir(&edition)
        .env("CARGO_TARGET_DIR", course.target())
        .output()
        .unwrap();
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    let test = Command::new(env!("CARGO"))
        .args(["test", "--offline", "--bin", "m01-longest-word"])
        .current_dir(&edition)
        .env("CARGO_TARGET_DIR", course.target())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&test.stdout);
    assert!(
        stdout.contains("test result: FAILED. 0 passed; 2 failed"),
        "{stdout}"
    );

    let report = util::run_in(
        course.root(),
        &["report", edition.to_str().unwrap(), "--format", "json"],
    );
    assert!(report.success, "{report:?}");
    let entries: serde_json::Value = serde_json::from_str(&report.stdout).unwrap();
    let entries = entries.as_array().unwrap();
    assert_eq!(entries.len(), 3);
    assert_eq!(entries[0]["id"], "01.1");
    assert_eq!(entries[0]["state"], "failed");
    assert_eq!(entries[0]["failed_tests"].as_array().unwrap().len(), 2);
    assert_eq!(entries[0]["tests_edited"], false);
    assert_eq!(entries[1]["state"], "does-not-compile");
    assert_eq!(entries[1]["error_codes"][0], "E0382");

    // A student who weakens a test is flagged.
    let file = edition.join("01-basics/exercises/01-longest-word.rs");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replace("\"ccc\");", "longest_word(\"a bb ccc\"));"),
    )
    .unwrap();
    let junit = util::run_in(
        course.root(),
        &["report", edition.to_str().unwrap(), "--format", "json"],
    );
    let entries: serde_json::Value = serde_json::from_str(&junit.stdout).unwrap();
    assert_eq!(entries[0]["tests_edited"], true, "{}", junit.stdout);
}

#[test]
fn report_junit_lists_every_test() {
    let course = Course::new();
    let out = tempfile::tempdir().unwrap();
    let edition = out.path().join("edition");
    assert!(
        course
            .run(&[
                "export",
                "--modules",
                "01",
                "--out",
                edition.to_str().unwrap()
            ])
            .success
    );
    let run = course.run(&["report", edition.to_str().unwrap(), "--format", "junit"]);
    assert!(run.success, "{run:?}");
    assert!(run.stdout.starts_with("<?xml"));
    assert_eq!(run.stdout.matches("<testsuite ").count(), 3);
    assert!(
        run.stdout
            .contains("<testcase name=\"tests::returns_longest_word\"><failure")
    );
    assert!(run.stdout.contains("does not compile: E0382"));
}

#[test]
fn export_refuses_a_non_empty_folder() {
    let course = Course::new();
    let run = course.run(&["export", "--out", course.root().to_str().unwrap()]);
    assert!(!run.success);
    assert!(run.stderr.contains("not empty"), "{}", run.stderr);
}

#[test]
fn report_reads_a_learner_workspace() {
    let course = Course::new();
    assert!(course.run(&["start", "01.1"]).success);
    course.write(
        "learn/01-basics/01-longest-word.rs",
        &course.read("01-basics/exercises/01-longest-word.rs"),
    );
    let learn = course.root().join("learn");
    let run = course.run(&["report", learn.to_str().unwrap(), "--format", "table"]);
    assert!(run.success, "{run:?}");
    let row = run.stdout.lines().find(|l| l.starts_with("01.1")).unwrap();
    assert!(row.contains("passed"), "{}", run.stdout);
    let row = run.stdout.lines().find(|l| l.starts_with("01.2")).unwrap();
    assert!(row.contains("missing"));
}

#[test]
fn real_course_edition_holds_no_solution_text() {
    let manifest = course::manifest::Manifest::load(&util::repo_root()).unwrap();
    let out = tempfile::tempdir().unwrap();
    let modules = course::export::select_modules(&manifest, &[]).unwrap();
    course::export::write_edition(
        &manifest,
        &modules,
        out.path(),
        course::export::Variants::Stubs,
    )
    .unwrap();
    // What the runner generates besides the stubs: no solution line may appear there.
    let mut generated = vec![out.path().join("README.md"), out.path().join("Cargo.toml")];
    generated.extend(
        modules
            .iter()
            .map(|m| out.path().join(&m.dir).join("Cargo.toml")),
    );
    let generated: Vec<(std::path::PathBuf, String)> = generated
        .into_iter()
        .filter_map(|f| std::fs::read_to_string(&f).ok().map(|t| (f, t)))
        .collect();
    let mut checked = 0;
    for exercise in manifest.exercises() {
        let path = manifest.exercise_path(exercise);
        let source = std::fs::read_to_string(&path).unwrap();
        let stub = course::exercise::stub(&path, &source).unwrap();
        let written = std::fs::read_to_string(out.path().join(exercise.rel_path())).unwrap();
        assert_eq!(written, stub, "{} is not the stub", exercise.rel_path());
        for region in course::exercise::region_texts(&path, &source).unwrap() {
            // A line the stub keeps anyway (a stub section may repeat one) is not a leak.
            for line in region.lines().map(str::trim).filter(|l| l.len() > 12) {
                if stub.contains(line) {
                    continue;
                }
                checked += 1;
                for (file, text) in &generated {
                    assert!(!text.contains(line), "{} leaks {line:?}", file.display());
                }
            }
        }
    }
    assert!(
        checked > 0 || manifest.exercises().count() == 0,
        "no solution line was checked"
    );
}

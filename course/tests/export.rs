//! Student editions: `export` writes a standalone workspace that builds offline, holds no
//! solution text, and carries the learner half of the runner (whose `verify` and `hint` work in
//! it); `report` runs a returned edition and gives one entry per exercise, counting nothing
//! that crashed, exited early, hung, or was edited outside its solution regions.

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
    assert_eq!(entries[0]["state"], "edited", "{}", junit.stdout);
    // The check does not rest on anything in the edition: deleting its `.course/` changes nothing.
    std::fs::remove_dir_all(edition.join(".course")).unwrap();
    let again = util::run_in(
        course.root(),
        &["report", edition.to_str().unwrap(), "--format", "json"],
    );
    let entries: serde_json::Value = serde_json::from_str(&again.stdout).unwrap();
    assert_eq!(entries[0]["state"], "edited", "{}", again.stdout);
}

/// Exports module 01 of a fresh fixture copy; returns the course and the edition's folder.
fn exported() -> (Course, std::path::PathBuf) {
    let course = Course::new();
    let edition = course.root().join("returned-edition");
    let run = course.run(&[
        "export",
        "--modules",
        "01",
        "--out",
        edition.to_str().unwrap(),
    ]);
    assert!(run.success, "{run:?}");
    (course, edition)
}

/// Replaces the student's 01.1 in `edition` with the solution, changed by `edit`.
fn hand_in(course: &Course, edition: &std::path::Path, edit: impl FnOnce(String) -> String) {
    let solution = course.read("01-basics/exercises/01-longest-word.rs");
    let solution =
        course::exercise::clean_solution(std::path::Path::new("x.rs"), &solution).unwrap();
    std::fs::write(
        edition.join("01-basics/exercises/01-longest-word.rs"),
        edit(solution),
    )
    .unwrap();
}

/// The report of 01.1 in all three formats.
fn report_01_1(course: &Course, edition: &std::path::Path) -> (String, serde_json::Value, String) {
    let run = |format: &str| {
        let run = course.run(&[
            "report",
            edition.to_str().unwrap(),
            "--format",
            format,
            "--timeout",
            "3",
        ]);
        assert!(run.success, "{run:?}");
        run.stdout
    };
    let table = run("table");
    let row = table
        .lines()
        .find(|l| l.starts_with("01.1"))
        .unwrap_or_default()
        .to_string();
    let json: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    let junit = run("junit");
    let suite_start = junit.find("m01-longest-word").unwrap_or(0);
    let suite_end = junit[suite_start..]
        .find("</testsuite>")
        .map_or(junit.len(), |e| suite_start + e);
    (
        row,
        json[0].clone(),
        junit[suite_start..suite_end].to_string(),
    )
}

#[test]
fn report_counts_no_crash_no_early_exit_and_no_hang() {
    let (course, edition) = exported();
    hand_in(&course, &edition, |s| s);
    let (row, json, junit) = report_01_1(&course, &edition);
    assert!(row.contains("passed"), "{row}");
    assert_eq!(json["state"], "passed");
    assert!(!junit.contains("<failure"), "{junit}");
    let solved = "    text.split_whitespace().fold(";
    for (cause, needle) in [
        ("std::process::abort()", "signal 6"),
        ("std::process::exit(0)", "never reported"),
        (
            "loop { std::hint::spin_loop() }",
            "did not finish within 3 s",
        ),
    ] {
        hand_in(&course, &edition, |s| {
            s.replacen(
                solved,
                &format!("    if text == \"ab cd\" {{ {cause} }}\n{solved}"),
                1,
            )
        });
        let (row, json, junit) = report_01_1(&course, &edition);
        assert!(
            row.contains("failed") && row.contains(needle),
            "{cause}: {row}"
        );
        assert_eq!(json["state"], "failed", "{cause}");
        assert!(
            json["problem"].as_str().unwrap_or("").contains(needle),
            "{cause}: {json}"
        );
        assert!(junit.contains("<failure"), "{cause}: {junit}");
    }
}

#[test]
fn report_never_counts_edited_tests_or_helpers() {
    let (course, edition) = exported();
    type Edit = fn(String) -> String;
    let edits: [(&str, Edit); 2] = [
        ("an edited test", |s| {
            s.replace("\"ccc\");", "longest_word(\"a bb ccc\"));")
        }),
        ("a helper above the tests", |s| {
            s.replace(
                "#[cfg(test)]",
                "#[allow(unused_macros)]\nmacro_rules! assert_eq { ($($t:tt)*) => {} }\n\n#[cfg(test)]",
            )
        }),
    ];
    for (what, edit) in edits {
        hand_in(&course, &edition, edit);
        let (row, json, junit) = report_01_1(&course, &edition);
        assert!(
            row.contains("edited") && row.contains("does not count"),
            "{what}: {row}"
        );
        assert_eq!(json["state"], "edited", "{what}");
        assert_eq!(json["tests_edited"], true, "{what}");
        assert!(junit.contains("failures=\"1\""), "{what}: {junit}");
        assert!(
            !junit.contains("<testcase name=\"tests::"),
            "{what}: no test counts: {junit}"
        );
    }
}

#[test]
fn student_edition_runs_its_own_verify_and_hint_offline() {
    let (course, edition) = exported();
    let readme = std::fs::read_to_string(edition.join("README.md")).unwrap();
    assert!(readme.contains("cargo course verify 01.1"), "{readme}");
    assert!(
        readme.contains("does not compile") || readme.contains("do not compile"),
        "{readme}"
    );
    assert!(
        !readme.contains("--doc") && !readme.contains("m01-example"),
        "{readme}"
    );
    // A target folder that outlives the test, so only the first run builds the runner's
    // dependencies; it is not the repository's, which the running `cargo test` holds locked.
    let target = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("edition-runner");
    let cargo_course = |args: &[&str]| {
        let output = Command::new(env!("CARGO"))
            .arg("course")
            .args(args)
            .current_dir(&edition)
            .env("CARGO_TARGET_DIR", &target)
            .env_remove("CARGO_BUILD_TARGET_DIR")
            .output()
            .unwrap();
        (
            output.status.success(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let (ok, stdout, stderr) = cargo_course(&["hint", "01.1"]);
    assert!(ok, "{stdout}{stderr}");
    assert!(stdout.contains("Hint 1 of 3 for 01.1"), "{stdout}");
    let (ok, stdout, _) = cargo_course(&["verify", "01.1"]);
    assert!(!ok);
    assert!(stdout.contains("0 of 2 tests pass"), "{stdout}");
    hand_in(&course, &edition, |s| s);
    let (ok, stdout, stderr) = cargo_course(&["verify", "01.1"]);
    assert!(ok, "{stdout}{stderr}");
    assert!(stdout.contains("01.1 done"), "{stdout}");
    let (ok, _, stderr) = cargo_course(&["solution", "01.1", "--yes"]);
    assert!(!ok && stderr.contains("no solutions"), "{stderr}");
    let (ok, _, stderr) = cargo_course(&["check"]);
    assert!(!ok && stderr.contains("student edition"), "{stderr}");
    let (ok, stdout, _) = cargo_course(&["reset", "01.1"]);
    assert!(ok, "{stdout}");
    let reset =
        std::fs::read_to_string(edition.join("01-basics/exercises/01-longest-word.rs")).unwrap();
    assert!(reset.contains("todo!()"), "{reset}");
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
        course::export::Purpose::Student,
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
        if exercise.exercise.crate_dir.is_some() {
            checked += crate_leaks(&manifest, exercise, out.path());
            continue;
        }
        let path = manifest.exercise_path(exercise);
        let source = std::fs::read_to_string(&path).unwrap();
        let stub = course::exercise::stub(&path, &source).unwrap();
        let written = std::fs::read_to_string(out.path().join(exercise.rel_path())).unwrap();
        assert_eq!(written, stub, "{} is not the stub", exercise.rel_path());
        // The marked stub the edition's runner works from. (The runner's own sources are not
        // checked: they are this repository's code, and a short line such as
        // `if trimmed.is_empty() {` can appear there and in a solution by chance.)
        let marked_path = out
            .path()
            .join(course::manifest::STUDENT_SOURCES)
            .join(exercise.rel_path());
        let marked = std::fs::read_to_string(&marked_path).unwrap();
        for region in course::exercise::region_texts(&path, &source).unwrap() {
            // A line the stub keeps anyway (a stub section may repeat one) is not a leak.
            for line in region.lines().map(str::trim).filter(|l| l.len() > 12) {
                if stub.contains(line) {
                    continue;
                }
                checked += 1;
                assert!(
                    !marked.contains(line),
                    "{} leaks {line:?}",
                    marked_path.display()
                );
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

/// For a crate exercise: no hidden line reaches the edition's stub crate or its marked copy,
/// unless the stub keeps it anyway. Returns how many lines were checked.
fn crate_leaks(
    manifest: &course::manifest::Manifest,
    exercise: course::manifest::ExerciseRef<'_>,
    edition: &std::path::Path,
) -> usize {
    let course_crate = manifest.crate_path(exercise);
    let relative = course_crate.strip_prefix(&manifest.root).unwrap();
    let read_all = |dir: &std::path::Path| -> String {
        let mut files = Vec::new();
        all_files(dir, &mut files);
        files
            .iter()
            .map(|f| std::fs::read_to_string(f).unwrap_or_default())
            .collect()
    };
    let stub = read_all(&edition.join(relative));
    let marked = read_all(
        &edition
            .join(course::manifest::STUDENT_SOURCES)
            .join(relative),
    );
    let mut checked = 0;
    for line in course::crates::hidden_lines(&course_crate).unwrap() {
        let line = line.trim();
        if line.len() <= 12 || stub.contains(line) {
            continue;
        }
        checked += 1;
        assert!(
            !marked.contains(line),
            "the marked copy of {} leaks {line:?}",
            relative.display()
        );
    }
    checked
}

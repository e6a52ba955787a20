//! Capstone milestones through the real binary on a copy of the fixture course, whose capstone
//! `p1` is a tiny text-statistics crate in three milestones: `start p1` writes the starter and
//! milestone 1's tests only (no solution or decoy text) and overwrites nothing; `verify p1.1`
//! fails naming the tests, passes once the region is written, marks the milestone done and stages
//! the next tests; an edited test does not count; `reset` keeps the crate; `solution p1.2` is that
//! milestone's diff; and `check p1` passes on the fixture and fails on each broken variant.

mod util;

use util::Course;

const LIB: &str = "learn/capstone/src/lib.rs";
const P1_TODO: &str =
    "    // TODO: p1.1 Count the lines; a last line without `\\n` counts too.\n    todo!()";

fn status_line<'a>(list: &'a str, id: &str) -> &'a str {
    list.lines()
        .find(|l| l.trim_start().starts_with(&format!("{id} ")))
        .unwrap_or_default()
}

#[test]
fn start_writes_the_starter_and_the_first_milestones_tests() {
    let course = Course::new();
    // A crate of the learner's own, already in the workspace, must survive every start.
    course.write(
        "learn/Cargo.toml",
        "[workspace]\nresolver = \"3\"\nmembers = [\"mine\"]\n",
    );
    course.write(
        "learn/mine/Cargo.toml",
        "[package]\nname = \"mine\"\nversion = \"0.1.0\"\nedition = \"2024\"\n",
    );
    course.write("learn/mine/src/lib.rs", "//! Mine.\n");
    let start = course.run(&["start", "p1"]);
    assert!(start.success, "{start:?}");
    assert!(
        start.stdout.contains("tests/m1_lines.rs"),
        "{}",
        start.stdout
    );
    let root = course.root().join("learn/capstone");
    assert!(root.join("tests/m1_lines.rs").is_file());
    assert!(root.join("tests/util/mod.rs").is_file());
    assert!(!root.join("tests/m2_words.rs").exists());
    assert!(!root.join("GUIDE.md").exists(), "only the starter files");
    let lib = course.read(LIB);
    for hidden in [
        "lines().count()",
        "split_whitespace",
        "chars().count()",
        "matches('\\n')",
        "course:",
    ] {
        assert!(!lib.contains(hidden), "{hidden} leaked into the starter");
    }
    assert!(lib.contains(P1_TODO), "{lib}");
    assert!(
        lib.contains("    0\n"),
        "p1.3's stub section is the starter's code"
    );
    let workspace = course.read("learn/Cargo.toml");
    assert!(workspace.contains("\"capstone\""), "{workspace}");
    assert!(workspace.contains("\"mine\""), "{workspace}");
    // A file the learner added, and one they changed, are kept by a second start.
    course.write("learn/capstone/src/notes.txt", "mine\n");
    course.write(LIB, &lib.replace(P1_TODO, "    text.lines().count()"));
    let again = course.run(&["start", "p1", "--all-tests"]);
    assert!(again.success, "{again:?}");
    assert!(root.join("src/notes.txt").is_file());
    assert!(root.join("tests/m3_longest.rs").is_file());
    assert!(course.read(LIB).contains("    text.lines().count()"));
    course.run(&["start", "01.1"]);
    assert!(course.read("learn/Cargo.toml").contains("\"mine\""));
    assert!(course.read("learn/Cargo.toml").contains("\"capstone\""));
}

#[test]
fn verify_runs_milestones_in_order_and_stages_the_next() {
    let course = Course::new();
    assert!(course.run(&["start", "p1"]).success);
    let red = course.run(&["verify", "p1.1"]);
    assert!(!red.success);
    assert!(
        red.stdout.contains(
            "failing: a_last_line_without_newline_counts, counts_lines_ending_in_newlines"
        ),
        "{}",
        red.stdout
    );
    let lib = course.read(LIB);
    course.write(LIB, &lib.replace(P1_TODO, "    text.lines().count()"));
    let green = course.run(&["verify", "p1.1"]);
    assert!(green.success, "{green:?}");
    assert!(green.stdout.contains("✓ p1.1 Lines"), "{}", green.stdout);
    assert!(
        green.stdout.contains("tests/m2_words.rs"),
        "the next milestone's tests are staged: {}",
        green.stdout
    );
    assert!(
        course
            .root()
            .join("learn/capstone/tests/m2_words.rs")
            .is_file()
    );
    let list = course.run(&["list"]);
    assert!(
        status_line(&list.stdout, "p1.1").contains("done"),
        "{}",
        list.stdout
    );
    assert!(
        status_line(&list.stdout, "p1.2").contains("next"),
        "{}",
        list.stdout
    );
    assert!(
        list.stdout.contains("1 of 3 milestones done"),
        "{}",
        list.stdout
    );
    assert!(
        list.stdout
            .contains("Next: p1.2 Words in learn/capstone, then `cargo course verify p1.2`."),
        "{}",
        list.stdout
    );
    let watch = course.run(&["watch", "p1.2"]);
    assert!(!watch.success);
    assert!(
        watch.stderr.contains("cargo course verify p1.2"),
        "{watch:?}"
    );
    // Verifying further runs milestone 1 again and names what fails of milestone 2.
    let further = course.run(&["verify", "p1.2"]);
    assert!(!further.success);
    assert!(further.stdout.contains("✓ p1.1"), "{}", further.stdout);
    assert!(
        further.stdout.contains("✗ p1.2 Words"),
        "{}",
        further.stdout
    );
    // A weakened milestone test does not count, even though everything would pass.
    course.write(
        "learn/capstone/tests/m1_lines.rs",
        "mod util;\n#[test]\nfn nothing() {}\n",
    );
    let edited = course.run(&["verify", "p1.1"]);
    assert!(!edited.success);
    assert!(
        edited.stdout.contains("tests/m1_lines.rs"),
        "{}",
        edited.stdout
    );
}

#[test]
fn hint_solution_and_reset_work_on_milestones() {
    let course = Course::new();
    let hint = course.run(&["hint", "p1.2"]);
    assert!(hint.stdout.contains("Hint 1 of 2 for p1.2"), "{hint:?}");
    let solution = course.run(&["solution", "p1.2", "--yes"]);
    assert!(solution.success, "{solution:?}");
    assert!(
        solution
            .stdout
            .contains("+    text.split_whitespace().count()"),
        "{}",
        solution.stdout
    );
    assert!(
        !solution.stdout.contains("lines().count()"),
        "only p1.2's regions: {}",
        solution.stdout
    );
    assert!(!solution.stdout.contains("split(' ')"), "no decoys");
    let refused = course.run(&["solution", "p1.2"]);
    assert!(
        !refused.success,
        "asks first, and cannot ask without a terminal"
    );
    let never = course.run(&["reset", "p1"]);
    assert!(!never.success);
    assert!(never.stderr.contains("never started"), "{never:?}");
    assert!(course.run(&["start", "p1"]).success);
    course.write("learn/capstone/src/mine.rs", "// mine\n");
    let reset = course.run(&["reset", "p1"]);
    assert!(reset.success, "{reset:?}");
    assert!(
        course
            .root()
            .join("learn/capstone.bak.1/src/mine.rs")
            .is_file()
    );
    assert!(!course.root().join("learn/capstone/src/mine.rs").exists());
    assert!(course.read(LIB).contains(P1_TODO));
    let milestone = course.run(&["reset", "p1.2"]);
    assert!(milestone.stderr.contains("reset p1"), "{milestone:?}");
}

#[test]
fn check_passes_on_the_fixture_capstone() {
    let course = Course::new();
    let run = course.run(&["check", "p1"]);
    assert!(run.success, "{run:?}");
    for row in ["p1     starter", "p1.1", "p1.2", "p1.3", "p1     reference"] {
        assert!(
            run.stdout
                .lines()
                .any(|l| l.starts_with(row) && l.ends_with(" ok")),
            "{row}: {}",
            run.stdout
        );
    }
    assert!(
        run.stdout.contains("decoys: 3 caught, 0 escaped"),
        "{}",
        run.stdout
    );
    let one = course.run(&["check", "p1.2"]);
    assert!(one.success, "{one:?}");
    assert!(!one.stdout.contains("p1.3"), "{}", one.stdout);
    assert!(
        one.stdout.ends_with("2 passed, 0 failed\n"),
        "{}",
        one.stdout
    );
}

/// Breaks the fixture capstone with `edit`, runs `check p1` (with `extra` arguments) and expects
/// it to fail with a problem containing `needle`.
fn broken(edit: impl FnOnce(&Course), extra: &[&str], needle: &str) -> String {
    let course = Course::new();
    edit(&course);
    let mut args = vec!["check", "p1"];
    args.extend(extra);
    let run = course.run(&args);
    assert!(!run.success, "{needle}: {}", run.stdout);
    assert!(run.stdout.contains(needle), "{needle}: {}", run.stdout);
    run.stdout
}

fn replace(course: &Course, path: &str, from: &str, to: &str) {
    let text = course.read(path);
    assert!(text.contains(from), "{from:?} is not in {path}");
    course.write(path, &text.replace(from, to));
}

#[test]
fn check_fails_each_broken_capstone() {
    let lib = "capstone/src/lib.rs";
    // A decoy the milestone's tests miss.
    let out = broken(
        |c| {
            replace(
                c,
                "capstone/tests/m1_lines.rs",
                "\"a\\nb\"), Some(2)",
                "\"a\\nb\\n\"), Some(2)",
            )
        },
        &[],
        "(v) decoy `counts-newlines` escaped",
    );
    assert!(out.contains("ESCAPED"), "{out}");
    // A region's stub that already does the work: milestone 3's tests pass before it.
    broken(
        |c| {
            replace(
                c,
                lib,
                "    // 0\n",
                "    // text.lines().map(|l| l.chars().count()).max().unwrap_or(0)\n",
            )
        },
        &[],
        "passes on the crate up to milestone 2",
    );
    // A milestone whose tests need a later milestone's work: red at its own version.
    broken(
        |c| {
            c.write(
                "capstone/tests/m1_lines.rs",
                &(c.read("capstone/tests/m1_lines.rs")
                    + "\n#[test]\nfn words_too() {\n    assert_eq!(util::stat(\"words\", \"a b\"), Some(2));\n}\n"),
            )
        },
        &[],
        "(iii) the crate up to milestone 1 does not pass",
    );
    // A starter that does not compile.
    broken(
        |c| replace(c, lib, "    // 0\n", "    // \"0\"\n"),
        &["--skip-staged"],
        "(i) the starter does not compile",
    );
    // A milestone without decoys (and no reason).
    broken(
        |c| {
            let text = c
                .read("course.toml")
                .replace("decoys = [\"counts-bytes\"]", "");
            c.write("course.toml", &text);
            replace(
                c,
                lib,
                "    // course:decoy counts-bytes Measures lines in bytes, so `é` counts twice.\n    // text.lines().map(str::len).max().unwrap_or(0)\n",
                "",
            );
        },
        &["--skip-staged"],
        "(v) no decoys",
    );
}

#[test]
fn skip_staged_builds_only_starter_reference_and_decoys() {
    let course = Course::new();
    // Milestone 3's stub passing its tests is a staged problem: not seen without staging.
    replace(
        &course,
        "capstone/src/lib.rs",
        "    // 0\n",
        "    // text.lines().map(|l| l.chars().count()).max().unwrap_or(0)\n",
    );
    let run = course.run(&["check", "p1", "--skip-staged"]);
    assert!(run.success, "{run:?}");
    assert!(run.stderr.contains("built 2 version(s)"), "{}", run.stderr);
}

#[test]
fn bench_needs_a_started_crate_and_prints_the_three_way_table() {
    let course = Course::new();
    let not_started = course.run(&["bench", "p1", "--quick"]);
    assert!(!not_started.success);
    assert!(
        not_started
            .stderr
            .contains("run `cargo course start p1` first"),
        "{not_started:?}"
    );
    assert!(course.run(&["start", "p1"]).success);
    let unfinished = course.run(&["bench", "p1", "--quick"]);
    assert!(!unfinished.success);
    assert!(
        unfinished.stderr.contains("finish p1.1 first")
            && unfinished
                .stderr
                .contains("bench script capstone/bench/course-bench.sh failed"),
        "{unfinished:?}"
    );
    let lib = course.read(LIB);
    course.write(LIB, &lib.replace(P1_TODO, "    text.lines().count()"));
    let table = course.run(&["bench", "p1", "--quick"]);
    assert!(table.success, "{table:?}");
    let header = table
        .stdout
        .lines()
        .find(|l| l.starts_with("case"))
        .unwrap_or_default();
    for column in ["learner", "reference", "wc -l", "vs reference", "vs wc -l"] {
        assert!(header.contains(column), "{column}: {}", table.stdout);
    }
    let row = status_line(&table.stdout, "count lines");
    assert_eq!(row.matches(" us").count(), 3, "{}", table.stdout);
    assert_eq!(row.matches('x').count(), 2, "{}", table.stdout);
    assert!(table.stdout.contains("cores"), "{}", table.stdout);
}

//! The learner's flow through the real binary on a copy of the fixture course: start, verify
//! fails, the solution copied in, verify passes, `list` shows it done; an edited test or helper is
//! not counted; a test binary that aborts, exits early or hangs fails; reset keeps every copy;
//! hints cycle; unknown ids get a suggestion; a damaged progress file is rebuilt.

mod util;

use util::Course;

const LEARNER_FILE: &str = "learn/01-basics/01-longest-word.rs";
const SOLUTION_FILE: &str = "01-basics/exercises/01-longest-word.rs";

fn status_line<'a>(list: &'a str, id: &str) -> &'a str {
    list.lines()
        .find(|l| l.trim_start().starts_with(id))
        .unwrap_or_default()
}

#[test]
fn learner_flow_start_verify_solve_done() {
    let course = Course::new();
    let start = course.run(&["start", "01.1"]);
    assert!(start.success, "{start:?}");
    assert!(course.root().join(LEARNER_FILE).is_file());
    assert!(course.read(LEARNER_FILE).contains("todo!()"));
    // `learn/` is its own workspace: its config must bring `cargo course` along.
    let learn_config = course.read("learn/.cargo/config.toml");
    assert!(learn_config.contains("[alias]"), "{learn_config}");
    assert!(
        learn_config.contains("--manifest-path") && learn_config.contains("course"),
        "{learn_config}"
    );
    assert!(
        course.root().join("learn/Cargo.lock").is_file()
            || !course.root().join("Cargo.lock").is_file()
    );
    assert!(
        course
            .read("learn/.cargo/config.toml")
            .contains("target-dir")
    );

    let failing = course.run(&["verify"]);
    assert!(!failing.success);
    assert!(failing.stdout.contains("failing: "), "{}", failing.stdout);
    assert!(
        failing
            .stdout
            .contains("Reread 01-basics/notes/01-moves.md")
    );
    assert!(status_line(&course.run(&["list"]).stdout, "01.1").contains("started"));

    course.write(LEARNER_FILE, &course.read(SOLUTION_FILE));
    let passing = course.run(&["verify", "01.1"]);
    assert!(passing.success, "{passing:?}");
    assert!(passing.stdout.contains("01.1 done"));
    let list = course.run(&["list"]);
    assert!(
        status_line(&list.stdout, "01.1").contains("done"),
        "{}",
        list.stdout
    );
    assert!(list.stdout.contains("cargo course start 01.2"));
}

#[test]
fn verify_refuses_to_count_edited_tests() {
    let course = Course::new();
    assert!(course.run(&["start", "01.1"]).success);
    let edited = course.read(SOLUTION_FILE).replace(
        "assert_eq!(longest_word(\"ab cd\"), \"ab\");",
        "assert!(true);",
    );
    course.write(LEARNER_FILE, &edited);
    let run = course.run(&["verify", "01.1"]);
    assert!(!run.success);
    assert!(run.stdout.contains("does not count"), "{}", run.stdout);
    assert!(run.stdout.contains("cargo course reset 01.1"));
    assert!(status_line(&course.run(&["list"]).stdout, "01.1").contains("started"));

    let reset = course.run(&["reset", "01.1"]);
    assert!(reset.success, "{reset:?}");
    assert_eq!(
        course.read(&format!("{LEARNER_FILE}.bak.1")),
        edited,
        "reset keeps the learner's copy"
    );
    assert!(course.read(LEARNER_FILE).contains("todo!()"));
}

/// The solution of 01.1 with `edit` applied to it, written as the learner's copy; then verify.
fn verify_variant(
    course: &Course,
    edit: impl FnOnce(String) -> String,
    args: &[&str],
) -> util::Run {
    course.write(LEARNER_FILE, &edit(course.read(SOLUTION_FILE)));
    course.run(args)
}

#[test]
fn verify_does_not_count_an_edited_helper_above_the_tests() {
    let course = Course::new();
    assert!(course.run(&["start", "01.1"]).success);
    let run = verify_variant(
        &course,
        |s| {
            s.replace(
                "#[cfg(test)]",
                "#[allow(unused_macros)]\nmacro_rules! assert_eq { ($($t:tt)*) => {} }\n\n#[cfg(test)]",
            )
        },
        &["verify", "01.1"],
    );
    assert!(!run.success, "{run:?}");
    assert!(run.stdout.contains("does not count"), "{}", run.stdout);
    assert!(status_line(&course.run(&["list"]).stdout, "01.1").contains("started"));
}

#[test]
fn verify_fails_a_test_binary_that_aborts_exits_early_or_hangs() {
    let course = Course::new();
    assert!(course.run(&["start", "01.1"]).success);
    let solved = "    text.split_whitespace().fold(";
    let aborts = verify_variant(
        &course,
        |s| {
            s.replacen(solved, "    if text == \"ab cd\" { std::process::abort() }\n    text.split_whitespace().fold(", 1)
        },
        &["verify", "01.1"],
    );
    assert!(!aborts.success, "{aborts:?}");
    assert!(
        aborts.stdout.contains("killed by signal 6"),
        "{}",
        aborts.stdout
    );
    let exits = verify_variant(
        &course,
        |s| {
            s.replacen(solved, "    if text == \"ab cd\" { std::process::exit(0) }\n    text.split_whitespace().fold(", 1)
        },
        &["verify", "01.1"],
    );
    assert!(!exits.success, "{exits:?}");
    assert!(
        exits
            .stdout
            .contains("never reported: tests::first_word_wins_a_tie"),
        "{}",
        exits.stdout
    );
    let hangs = verify_variant(
        &course,
        |s| {
            s.replacen(solved, "    if text == \"ab cd\" { loop { std::hint::spin_loop() } }\n    text.split_whitespace().fold(", 1)
        },
        &["verify", "01.1", "--timeout", "3"],
    );
    assert!(!hangs.success, "{hangs:?}");
    assert!(
        hangs.stdout.contains("did not finish within 3 s"),
        "{}",
        hangs.stdout
    );
    assert!(status_line(&course.run(&["list"]).stdout, "01.1").contains("started"));
}

#[test]
fn verify_shows_warnings_and_refuses_a_todo_left_in_place() {
    let course = Course::new();
    assert!(course.run(&["start", "01.1"]).success);
    let run = verify_variant(
        &course,
        |s| {
            s.replacen(
                "    text.split_whitespace().fold(",
                "    let unused_here = 1;\n    if text == \"never tested\" {\n        todo!()\n    }\n    text.split_whitespace().fold(",
                1,
            )
        },
        &["verify", "01.1"],
    );
    assert!(!run.success, "{run:?}");
    assert!(
        run.stdout.contains("unused variable: `unused_here`"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("a `todo!()` is still in your file"),
        "{}",
        run.stdout
    );
}

#[test]
fn reset_keeps_every_copy_clears_done_and_refuses_an_unstarted_exercise() {
    let course = Course::new();
    let never = course.run(&["reset", "01.1"]);
    assert!(!never.success);
    assert!(never.stderr.contains("never started"), "{never:?}");
    assert!(
        !course.root().join(LEARNER_FILE).exists(),
        "reset must not start it"
    );
    assert!(course.run(&["start", "01.1"]).success);
    course.write(LEARNER_FILE, &course.read(SOLUTION_FILE));
    assert!(course.run(&["verify", "01.1"]).success);
    assert!(course.run(&["reset", "01.1"]).success);
    assert!(status_line(&course.run(&["list"]).stdout, "01.1").contains("started"));
    course.write(LEARNER_FILE, "second attempt\n");
    assert!(course.run(&["reset", "01.1"]).success);
    assert_eq!(
        course.read(&format!("{LEARNER_FILE}.bak.1")),
        course.read(SOLUTION_FILE)
    );
    assert_eq!(
        course.read(&format!("{LEARNER_FILE}.bak.2")),
        "second attempt\n"
    );
}

#[test]
fn starting_a_module_points_at_its_first_exercise() {
    let course = Course::new();
    let start = course.run(&["start", "01"]);
    assert!(start.success, "{start:?}");
    assert!(
        start.stdout.contains("`cargo course verify 01.1`"),
        "{}",
        start.stdout
    );
    assert!(
        course
            .run(&["list"])
            .stdout
            .contains("cargo course verify 01.1")
    );
    let verify = course.run(&["verify"]);
    assert!(
        verify.stdout.contains("Verifying 01.1"),
        "{}",
        verify.stdout
    );
}

#[test]
fn fix_exercise_verify_shows_the_compiler_error() {
    let course = Course::new();
    assert!(course.run(&["start", "01.2"]).success);
    let run = course.run(&["verify", "01.2"]);
    assert!(!run.success);
    assert!(run.stdout.contains("E0382"), "{}", run.stdout);
    assert!(run.stdout.contains("does not compile yet"));
}

#[test]
fn hints_cycle_and_say_when_all_are_shown() {
    let course = Course::new();
    let first = course.run(&["hint", "01.2"]);
    assert!(
        first
            .stdout
            .contains("Hint 1 of 2 for 01.2: The String moves"),
        "{first:?}"
    );
    let second = course.run(&["hint", "01.2"]);
    assert!(second.stdout.contains("Hint 2 of 2"));
    assert!(second.stdout.contains("last hint"));
    let third = course.run(&["hint", "01.2"]);
    assert!(third.stdout.contains("All 2 hints of 01.2 are shown"));
}

#[test]
fn unknown_ids_get_did_you_mean() {
    let course = Course::new();
    let run = course.run(&["start", "01.22"]);
    assert!(!run.success);
    assert_eq!(
        run.stderr.trim(),
        "error: no exercise or module `01.22` (did you mean 01.2?)"
    );
    let milestone = course.run(&["hint", "p1.9"]);
    assert!(
        milestone.stderr.contains("no exercise or module `p1.9`"),
        "{milestone:?}"
    );
    let command = course.run(&["verfy"]);
    assert!(
        command.stderr.contains("did you mean verify?"),
        "{command:?}"
    );
}

#[test]
fn damaged_progress_is_reported_and_rebuilt() {
    let course = Course::new();
    assert!(course.run(&["start", "01.1"]).success);
    course.write("learn/.course/progress.json", "{ not json");
    let run = course.run(&["list"]);
    assert!(run.success, "{run:?}");
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("damaged"));
    assert!(status_line(&run.stdout, "01.1").contains("started"));
    assert_eq!(
        course.read("learn/.course/progress.json.damaged"),
        "{ not json"
    );
    let rebuilt: serde_json::Value =
        serde_json::from_str(&course.read("learn/.course/progress.json")).unwrap();
    assert_eq!(rebuilt["version"], 1);
}

#[test]
fn solution_asks_unless_verified_or_yes() {
    let course = Course::new();
    let refused = course.run(&["solution", "01.1"]);
    assert!(!refused.success);
    assert!(refused.stderr.contains("--yes"), "{refused:?}");
    let shown = course.run(&["solution", "01.1", "--yes"]);
    assert!(shown.success);
    assert!(shown.stdout.contains("split_whitespace"));
    assert!(!shown.stdout.contains("course:"), "markers are not shown");
    assert!(course.run(&["start", "01.1"]).success);
    let diff = course.run(&["solution", "01.1", "--yes"]);
    assert!(diff.stdout.contains("-    todo!()"), "{}", diff.stdout);
    assert!(diff.stdout.contains("+    text.split_whitespace()"));
}

#[test]
fn bad_arguments_are_one_line_errors() {
    let course = Course::new();
    for args in [
        &["start"][..],
        &["report", "/nonexistent-dir"],
        &["export", "--modules", "01"],
        &["list", "extra"],
        &["verfy"],
        &["report", "/nonexistent-dir"],
    ] {
        let run = course.run(args);
        assert!(!run.success, "{args:?}");
        assert_eq!(run.stderr.lines().count(), 1, "{args:?}: {}", run.stderr);
        assert!(run.stderr.starts_with("error: "));
    }
    let missing = course.run(&["report", "/nonexistent-dir"]);
    assert_eq!(
        missing.stderr.matches("No such file").count(),
        1,
        "{}",
        missing.stderr
    );
}

#[test]
fn a_crate_exercise_is_started_verified_and_reset_as_a_folder() {
    let course = Course::new();
    let crate_dir = "learn/03-crates/exercises/01-adder";
    assert!(course.run(&["start", "03.1"]).success);
    assert!(
        course
            .read(&format!("{crate_dir}/src/lib.rs"))
            .contains("todo!()")
    );
    assert!(
        course
            .read("learn/Cargo.toml")
            .contains("03-crates/exercises/01-adder")
    );
    let failing = course.run(&["verify", "03.1"]);
    assert!(!failing.success);
    assert!(
        failing.stdout.contains("failing: adds_two_numbers"),
        "{}",
        failing.stdout
    );
    course.write(
        &format!("{crate_dir}/src/lib.rs"),
        &course.read("03-crates/exercises/01-adder/src/lib.rs"),
    );
    let passing = course.run(&["verify", "03.1"]);
    assert!(passing.success, "{passing:?}");
    course.write(
        &format!("{crate_dir}/tests/add.rs"),
        "#[test]\nfn nothing() {}\n",
    );
    let edited = course.run(&["verify", "03.1"]);
    assert!(!edited.success);
    assert!(edited.stdout.contains("tests/add.rs"), "{}", edited.stdout);
    assert!(course.run(&["reset", "03.1"]).success);
    assert!(
        course
            .root()
            .join(format!("{crate_dir}.bak.1/tests/add.rs"))
            .is_file()
    );
    assert!(
        course
            .read(&format!("{crate_dir}/src/lib.rs"))
            .contains("todo!()")
    );
}

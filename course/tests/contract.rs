//! The exercise contract (`cargo course check`) on fixture exercises: it passes a good exercise
//! of each kind, and fails an exercise whose tests assert nothing, a stub that does not compile,
//! a fix exercise with the wrong declared code, and a stub whose signature drifted.

mod util;

use util::Course;

#[test]
fn check_passes_a_good_exercise_of_each_kind() {
    let course = Course::new();
    let run = course.run(&["check", "01"]);
    assert!(run.success, "{run:?}");
    for row in [
        "01.1   implement",
        "01.2   fix",
        "01.3   explore",
        "01-moves.md:15 E0382",
    ] {
        let line = run
            .stdout
            .lines()
            .find(|l| l.contains(row))
            .unwrap_or_default();
        assert!(line.ends_with(" ok"), "row {row}: {}", run.stdout);
    }
    assert_eq!(run.stdout.lines().last(), Some("4 passed, 0 failed"));
}

/// Runs the contract on one broken exercise and expects it to fail for `reason`.
fn check(course: &Course, id: &str, reason: &str) {
    let run = course.run(&["check", id]);
    assert!(!run.success, "{id} should fail: {run:?}");
    assert!(run.stdout.contains("FAILED"), "{}", run.stdout);
    assert!(
        run.stdout.contains(reason),
        "{id}: expected {reason:?} in\n{}",
        run.stdout
    );
    assert_eq!(run.stdout.lines().last(), Some("0 passed, 1 failed"));
}

#[test]
fn check_fails_each_broken_exercise_for_its_reason() {
    let course = Course::new();
    check(
        &course,
        "02.1",
        "(ii) test tests::doubles passes on the stub",
    );
    check(&course, "02.2", "(i) the stub does not compile");
    check(
        &course,
        "02.3",
        "must fail with exactly E0499, but fails with E0382",
    );
    check(&course, "02.4", "(iv) `fn triple` differs");
}

#[test]
fn check_fails_a_solution_that_is_not_rustfmt_clean() {
    let course = Course::new();
    let path = "01-basics/exercises/01-longest-word.rs";
    let text = course.read(path).replace("fn main() {", "fn main()   {");
    course.write(path, &text);
    let run = course.run(&["check", "01.1"]);
    assert!(!run.success);
    assert!(run.stdout.contains("rustfmt --check"), "{}", run.stdout);
}

#[test]
fn check_accepts_an_exempted_test() {
    let course = Course::new();
    let text = course.read("course.toml").replace(
        "title = \"Tests that assert nothing\"",
        "title = \"Tests that assert nothing\"\nexempt = [{ test = \"tests::doubles\", reason = \"a smoke test\" }]",
    );
    course.write("course.toml", &text);
    let run = course.run(&["check", "02.1"]);
    assert!(run.success, "{}", run.stdout);
}

#[test]
fn check_compile_fail_demands_the_declared_code() {
    let scratch = tempfile::tempdir().unwrap();
    let program = "fn main() { let a = String::new(); let b = a; println!(\"{a}{b}\"); }";
    assert_eq!(
        course::check::check_compile_fail(scratch.path(), program, "E0382"),
        Ok(())
    );
    let wrong = course::check::check_compile_fail(scratch.path(), program, "E0499").unwrap_err();
    assert!(wrong.contains("fails with E0382"), "{wrong}");
    let compiles =
        course::check::check_compile_fail(scratch.path(), "fn main() {}", "E0382").unwrap_err();
    assert!(compiles.contains("compiles"), "{compiles}");
}

#[test]
fn check_with_unknown_id_suggests_one() {
    let course = Course::new();
    let run = course.run(&["check", "01.33"]);
    assert!(!run.success);
    assert!(run.stderr.contains("did you mean 01.3?"), "{}", run.stderr);
}

#[test]
fn full_check_counts_every_row() {
    let course = Course::new();
    let run = course.run(&["check"]);
    assert!(!run.success, "module 02 is broken on purpose");
    let manifest_row = run.stdout.lines().next().unwrap_or_default();
    assert!(
        manifest_row.starts_with("course.toml") && manifest_row.ends_with(" ok"),
        "{}",
        run.stdout
    );
    // The manifest, three good exercises and one note block pass; four broken exercises fail.
    assert_eq!(
        run.stdout.lines().last(),
        Some("5 passed, 4 failed"),
        "{}",
        run.stdout
    );
}

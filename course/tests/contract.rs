//! The exercise contract (`cargo course check`) on fixture exercises: it passes a good exercise
//! of each kind (with decoys that its tests catch), and fails an exercise whose tests assert
//! nothing, a stub that does not compile, a fix exercise with the wrong declared code, a stub
//! whose signature drifted, an exercise with a decoy that escapes, and one without decoys.

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
    let decoy_row = |name: &str| {
        run.stdout
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("decoy {name} ")))
            .unwrap_or_default()
            .to_string()
    };
    assert!(
        decoy_row("last-wins-tie").ends_with("caught (tests::first_word_wins_a_tie)"),
        "{}",
        run.stdout
    );
    assert!(
        decoy_row("fresh-string").ends_with("caught (tests::doubled_repeats_the_greeting)"),
        "{}",
        run.stdout
    );
    let last_two: Vec<&str> = run.stdout.lines().rev().take(2).collect();
    assert_eq!(
        last_two,
        ["4 passed, 0 failed", "decoys: 2 caught, 0 escaped"]
    );
}

#[test]
fn check_fails_an_exercise_whose_decoy_escapes() {
    let course = Course::new();
    let run = course.run(&["check", "02.5"]);
    assert!(!run.success, "{run:?}");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(
        lines[0].starts_with("02.5") && lines[0].ends_with("FAILED"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("(v) decoy `plus-two` escaped: every test passes with it (Adds two instead of doubling: right only for 2.)"),
        "{}",
        run.stdout
    );
    let row = |name: &str| {
        lines
            .iter()
            .find(|l| l.trim_start().starts_with(&format!("decoy {name} ")))
            .copied()
            .unwrap_or_default()
    };
    assert!(row("plus-two").ends_with(" ESCAPED"), "{}", run.stdout);
    assert!(
        row("times-three").ends_with(" caught (tests::doubles_two)"),
        "{}",
        run.stdout
    );
    let last_two: Vec<&str> = lines.iter().rev().take(2).copied().collect();
    assert_eq!(
        last_two,
        ["0 passed, 1 failed", "decoys: 1 caught, 1 escaped"]
    );
}

#[test]
fn check_fails_an_implement_exercise_without_decoys_unless_exempted() {
    let course = Course::new();
    check(&course, "02.6", "(v) no decoys");
    let text = course.read("course.toml").replace(
        "title = \"An implement exercise without decoys\"",
        "title = \"An implement exercise without decoys\"\nno_decoys = \"a fixture\"",
    );
    course.write("course.toml", &text);
    let run = course.run(&["check", "02.6"]);
    assert!(run.success, "{}", run.stdout);
}

#[test]
fn check_fails_a_decoy_that_does_not_compile() {
    let course = Course::new();
    let path = "01-basics/exercises/02-moved-value.rs";
    let text = course.read(path).replace(
        "// let copy = String::from(\"hello\");",
        "// let copy = greeting;",
    );
    course.write(path, &text);
    let run = course.run(&["check", "01.2"]);
    assert!(!run.success);
    assert!(
        run.stdout.contains("decoy `fresh-string` does not compile"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("decoys: 0 caught, 0 escaped, 1 do not compile"),
        "{}",
        run.stdout
    );
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
    // The manifest, five good exercises, one note block and the capstone's five rows (starter,
    // three milestones, reference) pass; six broken exercises fail.
    assert_eq!(
        run.stdout.lines().last(),
        Some("12 passed, 6 failed"),
        "{}",
        run.stdout
    );
}

#[test]
fn check_builds_a_crate_exercise_and_its_decoys() {
    let course = Course::new();
    let run = course.run(&["check", "03"]);
    assert!(run.success, "{run:?}");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(
        lines[0].starts_with("03.1") && lines[0].ends_with(" ok"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("decoy subtracts") && run.stdout.contains("caught (adds_two_numbers)"),
        "{}",
        run.stdout
    );
    // A decoy in the crate that its tests cannot see escapes.
    let lib = "03-crates/exercises/01-adder/src/lib.rs";
    let text = course.read(lib).replace("// a - b", "// b + a");
    course.write(lib, &text);
    let run = course.run(&["check", "03.1"]);
    assert!(!run.success);
    assert!(
        run.stdout.contains("decoy `subtracts` escaped"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_miri_exercise_is_skipped_when_miri_is_not_installed() {
    let course = Course::new();
    let text = course.read("course.toml").replace(
        "title = \"Longest word\"",
        "title = \"Longest word\"\nmiri = true",
    );
    course.write("course.toml", &text);
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_course"))
        .arg("--root")
        .arg(course.root())
        .args(["check", "01.1"])
        .env("CARGO_TARGET_DIR", course.target())
        .env(
            "COURSE_MIRI_TOOLCHAIN",
            "no-such-toolchain-for-the-runner-test",
        )
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let row = stdout.lines().next().unwrap_or_default();
    assert!(
        row.starts_with("01.1") && row.ends_with("skipped: Miri is not installed"),
        "{stdout}"
    );
    assert_eq!(
        stdout.lines().last(),
        Some("0 passed, 0 failed"),
        "{stdout}"
    );
    assert!(
        output.status.success(),
        "a skipped row is not a failure: {stdout}"
    );
}

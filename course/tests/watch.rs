//! `cargo course watch` notices a saved learner file, through OS file events or (with `--poll`)
//! by polling, and verifies that exercise; `watch <id>` follows one exercise.

mod util;

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use util::Course;

/// Starts 01.1, runs `watch` with `args`, saves the solution over the learner's copy, and
/// returns whether `list` then shows 01.1 done, with everything `watch` printed.
fn watch_and_save(args: &[&str]) -> (bool, String) {
    let course = Course::new();
    assert!(course.run(&["start", "01.1"]).success);
    let mut child = Command::new(env!("CARGO_BIN_EXE_course"))
        .arg("--root")
        .arg(course.root())
        .args(args)
        .env("CARGO_TARGET_DIR", course.target())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Let the watcher set up (and a first poll record the modification time), then save.
    std::thread::sleep(Duration::from_millis(1500));
    course.write(
        "learn/01-basics/01-longest-word.rs",
        &course.read("01-basics/exercises/01-longest-word.rs"),
    );
    let started = Instant::now();
    let mut done = false;
    while started.elapsed() < Duration::from_secs(90) {
        let list = course.run(&["list"]);
        if list
            .stdout
            .lines()
            .any(|l| l.contains("01.1") && l.contains("done"))
        {
            done = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(300));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let mut output = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut output)
        .unwrap();
    (done, output)
}

#[test]
fn watch_verifies_a_saved_file_through_file_events() {
    let (done, output) = watch_and_save(&["watch"]);
    assert!(done, "watch did not verify the saved file:\n{output}");
    assert!(
        output.contains("using the OS's file events")
            || output.contains("polling every 500 ms instead"),
        "{output}"
    );
    assert!(output.contains("01.1 done"), "{output}");
}

#[test]
fn watch_one_exercise_by_polling() {
    let (done, output) = watch_and_save(&["watch", "01.1", "--poll"]);
    assert!(done, "watch did not verify the saved file:\n{output}");
    assert!(
        output.contains("Watching 01.1 (polling modification times every 500 ms)"),
        "{output}"
    );
    assert!(output.contains("01.1 done"), "{output}");
}

#[test]
fn watch_refuses_an_exercise_not_started() {
    let course = Course::new();
    let run = course.run(&["watch", "01.2"]);
    assert!(!run.success);
    assert!(run.stderr.contains("01.2 is not started"), "{run:?}");
}

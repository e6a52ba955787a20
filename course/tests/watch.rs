//! `cargo course watch` notices a saved learner file (by polling) and verifies that exercise.

mod util;

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use util::Course;

#[test]
fn watch_verifies_a_saved_file() {
    let course = Course::new();
    assert!(course.run(&["start", "01.1"]).success);
    let mut child = Command::new(env!("CARGO_BIN_EXE_course"))
        .arg("--root")
        .arg(course.root())
        .arg("watch")
        .env("CARGO_TARGET_DIR", course.target())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Let the first poll record the file's modification time, then save the solution over it.
    std::thread::sleep(Duration::from_millis(1200));
    course.write(
        "learn/01-basics/01-longest-word.rs",
        &course.read("01-basics/exercises/01-longest-word.rs"),
    );
    let started = Instant::now();
    let mut done = false;
    while started.elapsed() < Duration::from_secs(60) {
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
    assert!(done, "watch did not verify the saved file:\n{output}");
    assert!(output.contains("polling every 500 ms"));
    assert!(output.contains("01.1 done"), "{output}");
}

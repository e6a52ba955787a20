//! Runs the work in a returned student edition (or a learner's `learn/` folder) and reports, per
//! exercise, whether it passes, which tests fail, that it does not compile, or that it was edited
//! where the learner may not edit.
//!
//! The exercises and the parts a learner may not change come from the course this runner
//! belongs to (the instructor's repository), never from a file in the folder being reported on:
//! a student cannot turn the check off by editing or deleting something in their copy.
//! "Passed" means what it means everywhere in the runner ([`cargo::TestRun::verdict`]): exit
//! status 0 and every listed test `ok`, so a crash, an early exit or a hang is a failure.
//!
//! Every build uses `--offline`: a report must never reach the network. All exercises build in
//! one cargo invocation. Three output formats: a table for people, JSON (an array, one object per
//! exercise) for scripts, and JUnit XML for CI systems.

use crate::cargo::{self, Outcome, TestBuild, Verdict};
use crate::error::{Error, Result};
use crate::exercise::Markers;
use crate::learn::{Layout, Workspace};
use crate::manifest::{ExerciseRef, Manifest};
use serde::Serialize;
use std::path::Path;
use std::time::Duration;

/// The state of one exercise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    /// It compiles and every test passes.
    Passed,
    /// It compiles and some test fails (or none ran).
    Failed,
    /// It does not compile.
    DoesNotCompile,
    /// Its file is not there (a learner who has not started it).
    Missing,
    /// It was changed outside its solution regions (the tests, or code they rely on): it does
    /// not count, whatever its tests say.
    Edited,
}

impl State {
    /// How the table prints it.
    pub fn label(self) -> &'static str {
        match self {
            State::Passed => "passed",
            State::Failed => "failed",
            State::DoesNotCompile => "does not compile",
            State::Missing => "missing",
            State::Edited => "edited",
        }
    }
}

/// One exercise's result.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// The exercise id.
    pub id: String,
    /// Its binary.
    pub bin: String,
    /// Its title.
    pub title: String,
    /// What happened.
    pub state: State,
    /// How many tests passed.
    pub passed: usize,
    /// The names of the tests that passed.
    pub passed_tests: Vec<String>,
    /// Whether the file was changed outside its solution regions.
    pub tests_edited: bool,
    /// The names of the tests that failed, sorted.
    pub failed_tests: Vec<String>,
    /// For `does-not-compile`: the error codes the compiler gave.
    pub error_codes: Vec<String>,
    /// What went wrong besides failing tests: the edit found, a crash, an early exit, a hang,
    /// tests that never reported.
    pub problem: Option<String>,
}

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned columns for people.
    Table,
    /// A JSON array, one object per exercise.
    Json,
    /// JUnit XML for CI systems.
    Junit,
}

/// Runs every exercise's tests in `dir` (a student edition of `course`, or the `learn/` folder
/// of a course) and returns one entry per exercise of `course` that `dir` holds.
///
/// # Errors
/// When `dir` is neither an edition nor a learner workspace, or cargo cannot be started.
pub fn run(course: &Manifest, dir: &Path, timeout: Duration) -> Result<Vec<Entry>> {
    let dir = dir.canonicalize().map_err(|e| Error::io(dir, e))?;
    let layout = if dir.join(crate::manifest::MANIFEST_FILE).is_file() {
        Layout::Edition
    } else if dir.join("Cargo.toml").is_file() && dir.join(".course").is_dir() {
        Layout::Learn
    } else {
        return Err(Error::Refused(format!(
            "{} is neither a student edition (no course.toml) nor a learner workspace (no .course/)",
            dir.display()
        )));
    };
    let workspace = Workspace {
        dir: dir.clone(),
        layout,
    };
    let exercises: Vec<ExerciseRef<'_>> = course
        .exercises()
        .filter(|e| e.exercise.crate_dir.is_none())
        .filter(|e| layout == Layout::Learn || dir.join(&e.module.dir).is_dir())
        .collect();
    let manifest_path = workspace.manifest_path();
    let mut packages: Vec<String> = exercises.iter().map(|e| workspace.package(*e)).collect();
    packages.sort();
    packages.dedup();
    let mut everything = TestBuild::new(&manifest_path);
    everything.packages = packages.iter().map(String::as_str).collect();
    everything.offline = true;
    everything.keep_going = true;
    let build = everything.run()?;
    let mut entries = Vec::new();
    for exercise in exercises {
        let mut entry = Entry {
            id: exercise.exercise.id.clone(),
            bin: exercise.bin_name(),
            title: exercise.exercise.title.clone(),
            state: State::Missing,
            passed: 0,
            passed_tests: Vec::new(),
            tests_edited: false,
            failed_tests: Vec::new(),
            error_codes: Vec::new(),
            problem: None,
        };
        let Ok(source) = std::fs::read_to_string(workspace.file(exercise)) else {
            entries.push(entry);
            continue;
        };
        let course_path = course.exercise_path(exercise);
        let edit = std::fs::read_to_string(&course_path)
            .map_err(|e| Error::io(&course_path, e))
            .and_then(|text| Markers::parse(&course_path, &text))
            .map(|markers| markers.skeleton().find_edit(&source));
        match edit {
            Ok(None) => {}
            Ok(Some(edit)) => {
                entry.tests_edited = true;
                entry.problem = Some(format!("edited outside the solution regions: {edit}"));
            }
            Err(error) => {
                entry.tests_edited = true;
                entry.problem = Some(format!("cannot be checked against the course: {error}"));
            }
        }
        let target = build.target(&entry.bin);
        match target.test_executables.first() {
            Some(executable) if target.success => {
                let run = cargo::run_tests(executable, &dir, timeout)?;
                entry.passed_tests = run
                    .results
                    .iter()
                    .filter(|r| r.outcome == Outcome::Passed)
                    .map(|r| r.name.clone())
                    .collect();
                entry.passed_tests.sort();
                entry.passed = entry.passed_tests.len();
                entry.failed_tests = run.failed().into_iter().map(str::to_string).collect();
                entry.state = match run.verdict() {
                    Verdict::Passed => State::Passed,
                    Verdict::Failed {
                        binary, missing, ..
                    } => {
                        let mut problems: Vec<String> = binary.into_iter().collect();
                        if !missing.is_empty() {
                            problems.push(format!("never reported: {}", missing.join(", ")));
                        }
                        if !problems.is_empty() && entry.problem.is_none() {
                            entry.problem = Some(problems.join("; "));
                        }
                        State::Failed
                    }
                };
            }
            _ => {
                entry.state = State::DoesNotCompile;
                entry.error_codes = target.error_codes.into_iter().collect();
            }
        }
        if entry.tests_edited {
            entry.state = State::Edited;
        }
        entries.push(entry);
    }
    Ok(entries)
}

/// Renders entries in a format.
pub fn render(entries: &[Entry], format: Format) -> String {
    match format {
        Format::Table => table(entries),
        Format::Json => {
            // Serialising plain strings and numbers cannot fail.
            serde_json::to_string_pretty(entries).unwrap_or_else(|_| "[]".to_string()) + "\n"
        }
        Format::Junit => junit(entries),
    }
}

fn table(entries: &[Entry]) -> String {
    let mut text = format!("{:<7} {:<36} {:<17} details\n", "id", "binary", "result");
    for entry in entries {
        let mut details = match entry.state {
            State::Failed if !entry.failed_tests.is_empty() => {
                format!("failing: {}", entry.failed_tests.join(", "))
            }
            State::DoesNotCompile if !entry.error_codes.is_empty() => {
                format!("errors: {}", entry.error_codes.join(", "))
            }
            State::Passed => format!("{} tests", entry.passed),
            State::Edited => "does not count".to_string(),
            _ => String::new(),
        };
        if let Some(problem) = &entry.problem {
            if !details.is_empty() {
                details.push_str("; ");
            }
            details.push_str(problem);
        }
        text.push_str(&format!(
            "{:<7} {:<36} {:<17} {details}\n",
            entry.id,
            entry.bin,
            entry.state.label()
        ));
    }
    let passed = entries.iter().filter(|e| e.state == State::Passed).count();
    text.push_str(&format!("{passed} of {} exercises pass\n", entries.len()));
    text
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn junit(entries: &[Entry]) -> String {
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
    for entry in entries {
        let name = xml_escape(&format!("{} {}", entry.id, entry.bin));
        // An edited exercise fails as a whole, whatever its tests said.
        let failures = match entry.state {
            State::Passed => 0,
            State::Failed => entry.failed_tests.len() + usize::from(entry.problem.is_some()),
            State::DoesNotCompile | State::Missing | State::Edited => 1,
        };
        let tests = entry.passed + failures;
        xml.push_str(&format!(
            "  <testsuite name=\"{name}\" tests=\"{tests}\" failures=\"{failures}\">\n"
        ));
        match entry.state {
            State::DoesNotCompile => xml.push_str(&format!(
                "    <testcase name=\"build\"><failure message=\"does not compile: {}\"/></testcase>\n",
                xml_escape(&entry.error_codes.join(", "))
            )),
            State::Missing => xml.push_str(
                "    <testcase name=\"build\"><failure message=\"exercise file is missing\"/></testcase>\n",
            ),
            State::Edited => xml.push_str(&format!(
                "    <testcase name=\"edit check\"><failure message=\"does not count: {}\"/></testcase>\n",
                xml_escape(entry.problem.as_deref().unwrap_or("edited"))
            )),
            State::Failed => {
                if let Some(problem) = &entry.problem {
                    xml.push_str(&format!(
                        "    <testcase name=\"test binary\"><failure message=\"{}\"/></testcase>\n",
                        xml_escape(problem)
                    ));
                }
            }
            State::Passed => {}
        }
        if entry.state == State::Edited {
            xml.push_str("  </testsuite>\n");
            continue;
        }
        for test in &entry.failed_tests {
            xml.push_str(&format!(
                "    <testcase name=\"{}\"><failure message=\"test failed\"/></testcase>\n",
                xml_escape(test)
            ));
        }
        for test in &entry.passed_tests {
            xml.push_str(&format!("    <testcase name=\"{}\"/>\n", xml_escape(test)));
        }
        xml.push_str("  </testsuite>\n");
    }
    xml.push_str("</testsuites>\n");
    xml
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(state: State, failed: &[&str]) -> Entry {
        Entry {
            id: "01.1".into(),
            bin: "m01-a".into(),
            title: "A & B".into(),
            state,
            passed: 1,
            passed_tests: vec!["tests::ok".into()],
            tests_edited: state == State::Edited,
            failed_tests: failed.iter().map(|s| s.to_string()).collect(),
            error_codes: vec![],
            problem: None,
        }
    }

    #[test]
    fn json_has_one_object_per_exercise() {
        let entries = [entry(State::Passed, &[]), entry(State::DoesNotCompile, &[])];
        let json: serde_json::Value =
            serde_json::from_str(&render(&entries, Format::Json)).unwrap();
        let array = json.as_array().unwrap();
        assert_eq!(array.len(), 2);
        assert_eq!(array[1]["state"], "does-not-compile");
    }

    #[test]
    fn junit_lists_failures_and_escapes() {
        let xml = render(&[entry(State::Failed, &["tests::a<b>"])], Format::Junit);
        assert!(xml.contains("failures=\"1\""));
        assert!(xml.contains("tests::a&lt;b&gt;"));
        assert!(xml.contains("<testcase name=\"tests::ok\"/>"));
    }

    #[test]
    fn an_edited_exercise_fails_in_every_format() {
        let mut edited = entry(State::Edited, &[]);
        edited.problem = Some("edited outside the solution regions: the tests were changed".into());
        let entries = [edited];
        let xml = render(&entries, Format::Junit);
        assert!(xml.contains("failures=\"1\""), "{xml}");
        assert!(!xml.contains("<testcase name=\"tests::ok\"/>"), "{xml}");
        let json: serde_json::Value =
            serde_json::from_str(&render(&entries, Format::Json)).unwrap();
        assert_eq!(json[0]["state"], "edited");
        let table = render(&entries, Format::Table);
        assert!(
            table.contains("edited") && table.contains("does not count"),
            "{table}"
        );
        assert!(table.ends_with("0 of 1 exercises pass\n"), "{table}");
    }
}

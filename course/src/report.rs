//! Runs the tests of a student edition (or a learner's `learn/` folder) and reports, per
//! exercise, whether it passes, which tests fail, or that it does not compile.
//!
//! Every build uses `--offline`: a report must never reach the network.
//! Three output formats: a table for people, JSON (an array, one object per exercise) for
//! scripts, and JUnit XML for CI systems.

use crate::cargo::{self, Outcome};
use crate::error::{Error, Result, fsx};
use crate::exercise::{self, Skeleton};
use crate::learn;
use crate::manifest::Manifest;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

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
}

impl State {
    /// How the table prints it.
    pub fn label(self) -> &'static str {
        match self {
            State::Passed => "passed",
            State::Failed => "failed",
            State::DoesNotCompile => "does not compile",
            State::Missing => "missing",
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
    /// Whether the test block differs from the exercise's (`null` when that cannot be known).
    pub tests_edited: Option<bool>,
    /// The names of the tests that failed.
    pub failed_tests: Vec<String>,
    /// For `does-not-compile`: the error codes the compiler gave.
    pub error_codes: Vec<String>,
}

/// Where the exercises of a report live.
enum Layout {
    /// A student edition: its own course.toml, packages named as the modules.
    Edition,
    /// A learner workspace: the course's manifest one folder up, one package `learn`.
    Learner,
}

/// The output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Aligned columns.
    Table,
    /// A JSON array.
    Json,
    /// JUnit XML.
    Junit,
}

impl Format {
    /// Parses `table`, `json` or `junit`.
    ///
    /// # Errors
    /// [`Error::Usage`] for anything else.
    pub fn parse(text: &str) -> Result<Format> {
        match text {
            "table" => Ok(Format::Table),
            "json" => Ok(Format::Json),
            "junit" => Ok(Format::Junit),
            other => Err(Error::Usage(format!(
                "unknown format `{other}`: use table, json or junit"
            ))),
        }
    }
}

/// Runs every exercise's tests in `dir` and returns one entry per exercise.
///
/// # Errors
/// When `dir` is neither an edition nor a learner workspace, or cargo cannot be started.
pub fn run(course: &Manifest, dir: &Path) -> Result<Vec<Entry>> {
    let dir = dir.canonicalize().map_err(|e| Error::io(dir, e))?;
    let (manifest, layout) = if dir.join(crate::manifest::MANIFEST_FILE).is_file() {
        (Manifest::load(&dir)?, Layout::Edition)
    } else if dir.join("Cargo.toml").is_file()
        && dir
            .parent()
            .is_some_and(|p| p.join(crate::manifest::MANIFEST_FILE).is_file())
    {
        let parent = dir.parent().map(Path::to_path_buf).unwrap_or_default();
        (Manifest::load(&parent)?, Layout::Learner)
    } else {
        return Err(Error::Refused(format!(
            "{} is neither a student edition (no course.toml) nor a learner workspace",
            dir.display()
        )));
    };
    // What a learner may not change comes from the course this runner belongs to (the
    // instructor's repository), never from a file in the folder being reported on.
    let skeletons: BTreeMap<String, Skeleton> = course
        .exercises()
        .filter_map(|e| {
            let path = course.exercise_path(e);
            let source = std::fs::read_to_string(&path).ok()?;
            let markers = exercise::Markers::parse(&path, &source).ok()?;
            Some((e.exercise.id.clone(), markers.skeleton()))
        })
        .collect();
    let mut entries = Vec::new();
    for exercise in manifest.exercises() {
        let (file, package): (PathBuf, &str) = match layout {
            Layout::Edition => (manifest.exercise_path(exercise), &exercise.module.package),
            Layout::Learner => (
                learn::Workspace { dir: dir.clone() }.file(exercise),
                "learn",
            ),
        };
        let mut entry = Entry {
            id: exercise.exercise.id.clone(),
            bin: exercise.bin_name(),
            title: exercise.exercise.title.clone(),
            state: State::Missing,
            passed: 0,
            passed_tests: Vec::new(),
            tests_edited: None,
            failed_tests: Vec::new(),
            error_codes: Vec::new(),
        };
        let Ok(source) = std::fs::read_to_string(&file) else {
            entries.push(entry);
            continue;
        };
        entry.tests_edited = skeletons
            .get(&entry.id)
            .map(|skeleton| skeleton.find_edit(&source).is_some());
        let mut command = cargo::cargo();
        command
            .arg("test")
            .arg("--manifest-path")
            .arg(dir.join("Cargo.toml"))
            .args(["--offline", "--no-run", "--package", package])
            .args(["--bin", &entry.bin])
            .current_dir(&dir);
        let build = cargo::build_json(command)?;
        match build.test_executables.first() {
            Some(executable) if build.success => {
                let run = cargo::run_tests(executable, &dir, cargo::TEST_TIMEOUT)?;
                entry.passed_tests = run
                    .results
                    .iter()
                    .filter(|r| r.outcome == Outcome::Passed)
                    .map(|r| r.name.clone())
                    .collect();
                entry.passed = entry.passed_tests.len();
                entry.failed_tests = run.failed().into_iter().map(str::to_string).collect();
                if run.timed_out {
                    entry.failed_tests.push("(timed out)".to_string());
                }
                entry.state = if run.verdict() == cargo::Verdict::Passed {
                    State::Passed
                } else {
                    State::Failed
                };
            }
            _ => {
                entry.state = State::DoesNotCompile;
                entry.error_codes = build.error_codes.into_iter().collect();
            }
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
        let details = match entry.state {
            State::Failed => format!("failing: {}", entry.failed_tests.join(", ")),
            State::DoesNotCompile if !entry.error_codes.is_empty() => {
                format!("errors: {}", entry.error_codes.join(", "))
            }
            State::Passed => format!("{} tests", entry.passed),
            _ => String::new(),
        };
        let details = if entry.tests_edited == Some(true) {
            format!("{details} (tests edited: does not count)")
        } else {
            details
        };
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
        let failures = match entry.state {
            State::Passed => 0,
            State::Failed => entry.failed_tests.len().max(1),
            State::DoesNotCompile | State::Missing => 1,
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
            State::Failed if entry.failed_tests.is_empty() => xml.push_str(
                "    <testcase name=\"tests\"><failure message=\"no test passed\"/></testcase>\n",
            ),
            _ => {}
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

/// Writes `text` to `path` (used by `report --out`).
///
/// # Errors
/// When the file cannot be written.
pub fn save(path: &Path, text: &str) -> Result<()> {
    fsx::write(path, text)
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
            tests_edited: Some(false),
            failed_tests: failed.iter().map(|s| s.to_string()).collect(),
            error_codes: vec![],
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
    fn format_parse_rejects_unknown() {
        assert_eq!(Format::parse("json").unwrap(), Format::Json);
        assert!(Format::parse("xml").is_err());
    }
}

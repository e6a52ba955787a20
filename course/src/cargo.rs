//! Runs cargo, rustc and test binaries, and reads what they print.
//!
//! Builds use `--message-format=json` so error codes come from the compiler's own diagnostics
//! instead of scraped text. Tests are built with `cargo test --no-run` and the test binary is
//! then run directly, so its plain libtest output (`test NAME ... ok`) can be read line by line.
//! Nothing here panics on unexpected output: unknown lines are ignored.

use crate::error::{Error, Result};
use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long a test binary may run before it is killed (an endless loop in a learner's code).
pub const TEST_TIMEOUT: Duration = Duration::from_secs(60);

/// The target directory cargo uses for this repository: an inherited `CARGO_TARGET_DIR`
/// (relative ones resolved against the current directory), otherwise `<root>/target`.
pub fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                std::env::current_dir().unwrap_or_default().join(dir)
            }
        }
        _ => root.join("target"),
    }
}

/// A `cargo` command: the cargo that runs us (`$CARGO`) when there is one, else `cargo` on PATH.
pub fn cargo() -> Command {
    let program = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    Command::new(program)
}

/// What a cargo build with `--message-format=json` said.
#[derive(Debug, Default, Clone)]
pub struct Build {
    /// Whether cargo exited successfully.
    pub success: bool,
    /// The codes of error-level compiler diagnostics (`E0382`).
    pub error_codes: BTreeSet<String>,
    /// How many error-level diagnostics there were, with or without a code.
    pub error_count: usize,
    /// The errors as rustc renders them for humans.
    pub rendered_errors: Vec<String>,
    /// Executables produced for test targets (`cargo test --no-run`).
    pub test_executables: Vec<PathBuf>,
    /// Cargo's own stderr (for failures that are not compiler errors).
    pub stderr: String,
}

/// Reads cargo's JSON message stream.
pub fn parse_build_messages(stdout: &str) -> Build {
    let mut build = Build::default();
    for line in stdout.lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        match message.get("reason").and_then(|r| r.as_str()) {
            Some("compiler-message") => {
                if let Some(diagnostic) = message.get("message") {
                    record_error(&mut build, diagnostic);
                }
            }
            Some("compiler-artifact") => {
                let is_test = message
                    .get("profile")
                    .and_then(|p| p.get("test"))
                    .and_then(|t| t.as_bool())
                    .unwrap_or(false);
                if let Some(executable) = message.get("executable").and_then(|e| e.as_str())
                    && is_test
                {
                    build.test_executables.push(PathBuf::from(executable));
                }
            }
            _ => {}
        }
    }
    build
}

/// Reads rustc's own `--error-format=json` stream (one diagnostic per stderr line).
pub fn parse_rustc_messages(stderr: &str) -> Build {
    let mut build = Build::default();
    for line in stderr.lines() {
        let Ok(diagnostic) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        record_error(&mut build, &diagnostic);
    }
    build
}

/// Adds one rustc diagnostic to `build` if it is an error: its code and its rendered text.
/// Warnings and notes are ignored; the contract is about errors only.
fn record_error(build: &mut Build, diagnostic: &serde_json::Value) {
    if diagnostic.get("level").and_then(|l| l.as_str()) != Some("error") {
        return;
    }
    build.error_count += 1;
    if let Some(code) = diagnostic
        .get("code")
        .and_then(|c| c.get("code"))
        .and_then(|c| c.as_str())
    {
        build.error_codes.insert(code.to_string());
    }
    if let Some(rendered) = diagnostic.get("rendered").and_then(|r| r.as_str()) {
        build.rendered_errors.push(rendered.to_string());
    }
}

/// Runs a cargo command to which `--message-format=json` is added, and reads its messages.
///
/// # Errors
/// When cargo cannot be started.
pub fn build_json(mut command: Command) -> Result<Build> {
    command.arg("--message-format=json");
    let output = run_captured(command, None)?;
    let mut build = parse_build_messages(&output.stdout);
    build.success = output.success;
    build.stderr = output.stderr;
    Ok(build)
}

/// What a finished (or killed) process printed.
#[derive(Debug, Clone)]
pub struct Captured {
    /// Whether it exited with status 0.
    pub success: bool,
    /// Whether it was killed for running too long.
    pub timed_out: bool,
    /// Its standard output.
    pub stdout: String,
    /// Its standard error.
    pub stderr: String,
}

fn program_name(command: &Command) -> String {
    command.get_program().to_string_lossy().into_owned()
}

/// Runs a command with captured output; kills it after `timeout` if one is given.
///
/// # Errors
/// When the program cannot be started.
pub fn run_captured(mut command: Command, timeout: Option<Duration>) -> Result<Captured> {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().map_err(|source| Error::Spawn {
        program: program_name(&command),
        source,
    })?;
    let reader = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                // A read error only truncates what we show; the exit status still decides.
                let _ = pipe.read_to_end(&mut bytes);
            }
            String::from_utf8_lossy(&bytes).into_owned()
        })
    };
    let stdout = reader(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = reader(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let started = Instant::now();
    let mut timed_out = false;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) => {}
            Err(_) => break None,
        }
        if timeout.is_some_and(|limit| started.elapsed() > limit) {
            timed_out = true;
            let _ = child.kill();
            break child.wait().ok();
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Ok(Captured {
        success: !timed_out && status.is_some_and(|s| s.success()),
        timed_out,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    })
}

/// The outcome of one test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// `ok`.
    Passed,
    /// `FAILED`.
    Failed,
    /// `ignored`.
    Ignored,
}

/// One test's result.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TestResult {
    /// The libtest name, `tests::name`.
    pub name: String,
    /// What happened.
    pub outcome: Outcome,
}

/// Reads libtest's plain output: lines `test NAME ... ok|FAILED|ignored`.
pub fn parse_libtest(output: &str) -> Vec<TestResult> {
    let mut results = Vec::new();
    for line in output.lines() {
        let Some(rest) = line.strip_prefix("test ") else {
            continue;
        };
        let Some((name, status)) = rest.split_once(" ... ") else {
            continue;
        };
        let outcome = match status.trim() {
            "ok" => Outcome::Passed,
            "FAILED" => Outcome::Failed,
            s if s.starts_with("ignored") => Outcome::Ignored,
            _ => continue,
        };
        results.push(TestResult {
            name: name.trim().to_string(),
            outcome,
        });
    }
    results
}

/// The results of running a test binary.
#[derive(Debug, Clone)]
pub struct TestRun {
    /// One entry per test that reported a result.
    pub results: Vec<TestResult>,
    /// Everything it printed (stdout, then stderr).
    pub output: String,
    /// Whether it was killed for running longer than [`TEST_TIMEOUT`].
    pub timed_out: bool,
}

impl TestRun {
    /// The names of the tests that failed.
    pub fn failed(&self) -> Vec<&str> {
        self.results
            .iter()
            .filter(|r| r.outcome == Outcome::Failed)
            .map(|r| r.name.as_str())
            .collect()
    }

    /// Whether at least one test ran and none failed or hung.
    pub fn all_passed(&self) -> bool {
        !self.timed_out
            && self.results.iter().any(|r| r.outcome == Outcome::Passed)
            && self.failed().is_empty()
    }

    /// libtest's `failures:` section: the panic messages of the failed tests.
    pub fn failure_details(&self) -> String {
        let mut details = String::new();
        let mut in_failures = false;
        for line in self.output.lines() {
            if line.starts_with("---- ") {
                in_failures = true;
            }
            if line == "failures:" && in_failures {
                break;
            }
            if in_failures {
                details.push_str(line);
                details.push('\n');
            }
        }
        details
    }
}

/// Runs a test binary with plain output and reads its results.
///
/// # Errors
/// When the binary cannot be started.
pub fn run_tests(executable: &Path, cwd: &Path) -> Result<TestRun> {
    let mut command = Command::new(executable);
    command
        .args(["--color", "never"])
        .env("RUST_BACKTRACE", "0")
        .current_dir(cwd);
    let captured = run_captured(command, Some(TEST_TIMEOUT))?;
    Ok(TestRun {
        results: parse_libtest(&captured.stdout),
        output: format!("{}{}", captured.stdout, captured.stderr),
        timed_out: captured.timed_out,
    })
}

/// Builds the test binary of one `--bin` target with `cargo test --no-run`.
///
/// # Errors
/// When cargo cannot be started.
pub fn build_test_binary(
    manifest_path: &Path,
    package: Option<&str>,
    bin: &str,
    offline: bool,
) -> Result<Build> {
    let mut command = cargo();
    command
        .arg("test")
        .arg("--manifest-path")
        .arg(manifest_path)
        .args(["--no-run", "--bin", bin]);
    if let Some(package) = package {
        command.args(["--package", package]);
    }
    if offline {
        command.arg("--offline");
    }
    build_json(command)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_libtest_reads_results_and_ignores_noise() {
        let output = "\nrunning 4 tests\ntest tests::a ... ok\ntest tests::b ... FAILED\ntest tests::c ... ignored, slow\ntest weird line\ntest tests::d ... bench\nnoise ... ok\n\ntest result: FAILED. 1 passed; 1 failed\n";
        let results = parse_libtest(output);
        assert_eq!(
            results,
            [
                TestResult {
                    name: "tests::a".into(),
                    outcome: Outcome::Passed
                },
                TestResult {
                    name: "tests::b".into(),
                    outcome: Outcome::Failed
                },
                TestResult {
                    name: "tests::c".into(),
                    outcome: Outcome::Ignored
                },
            ]
        );
    }

    #[test]
    fn test_run_all_passed_needs_a_passing_test() {
        let run = |output: &str| TestRun {
            results: parse_libtest(output),
            output: output.to_string(),
            timed_out: false,
        };
        assert!(run("test a ... ok\n").all_passed());
        assert!(!run("running 0 tests\n").all_passed());
        assert!(!run("test a ... ok\ntest b ... FAILED\n").all_passed());
    }

    #[test]
    fn parse_build_messages_collects_error_codes() {
        let stdout = r#"{"reason":"compiler-message","message":{"level":"error","code":{"code":"E0382","explanation":""},"rendered":"error[E0382]: borrow of moved value"}}
{"reason":"compiler-message","message":{"level":"warning","code":{"code":"unused"},"rendered":"warning"}}
{"reason":"compiler-message","message":{"level":"error","code":null,"rendered":"error: aborting"}}
not json
{"reason":"compiler-artifact","profile":{"test":true},"executable":"/t/deps/x-123"}
{"reason":"build-finished","success":false}"#;
        let build = parse_build_messages(stdout);
        assert_eq!(build.error_codes.iter().collect::<Vec<_>>(), ["E0382"]);
        assert_eq!(build.error_count, 2);
        assert_eq!(build.rendered_errors.len(), 2);
        assert_eq!(build.test_executables, [PathBuf::from("/t/deps/x-123")]);
    }

    #[test]
    fn failure_details_keeps_panic_sections() {
        let output = "test a ... FAILED\n\nfailures:\n\n---- a stdout ----\npanicked at x\n\nfailures:\n    a\n";
        let run = TestRun {
            results: parse_libtest(output),
            output: output.to_string(),
            timed_out: false,
        };
        assert_eq!(
            run.failure_details(),
            "---- a stdout ----\npanicked at x\n\n"
        );
    }
}

//! Runs cargo, rustc and test binaries, and reads what they print.
//!
//! Builds use `--message-format=json` so error codes come from the compiler's own diagnostics
//! instead of scraped text, attributed to the target that produced them, so one cargo invocation
//! can build many exercises (the contract builds a whole module's stubs and decoys at once).
//! [`TestBuild`] is the one place that builds a `cargo test --no-run` command.
//!
//! Test binaries are then run directly: first with `--list` (which tests exist), then for real,
//! reading libtest's plain output (`test NAME ... ok`). A run passes only when the binary exits
//! with status 0 *and* every listed test reported `ok` ([`TestRun::verdict`]): a crash, an early
//! `process::exit`, a hang or a missing test is a failure, and the verdict says which.
//! Nothing here panics on unexpected output: unknown lines are ignored.

use crate::error::{Error, Result};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// How long a test binary may run before it is killed (an endless loop in a learner's code),
/// unless `--timeout` says otherwise.
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

/// What a cargo build with `--message-format=json` said, for all targets together or for one.
#[derive(Debug, Default, Clone)]
pub struct Build {
    /// Whether cargo exited successfully (for one target: whether it had no error).
    pub success: bool,
    /// The codes of error-level compiler diagnostics (`E0382`).
    pub error_codes: BTreeSet<String>,
    /// How many error-level diagnostics there were, with or without a code.
    pub error_count: usize,
    /// The errors as rustc renders them for humans.
    pub rendered_errors: Vec<String>,
    /// The warnings as rustc renders them (a learner sees them).
    pub rendered_warnings: Vec<String>,
    /// Executables produced for test targets (`cargo test --no-run`).
    pub test_executables: Vec<PathBuf>,
    /// Cargo's own stderr (for failures that are not compiler errors).
    pub stderr: String,
    /// The same, per target name (`m01-longest-word`), for builds of several targets.
    pub targets: BTreeMap<String, Build>,
    /// The libraries the build produced or reused, by crate name (`tokio`): what a note's
    /// code block may use, as it would as a doctest of its module.
    pub libraries: BTreeMap<String, PathBuf>,
}

impl Build {
    /// What the build said about one target; a target cargo never reached (another failed
    /// first) has `success == false` and cargo's stderr.
    pub fn target(&self, name: &str) -> Build {
        match self.targets.get(name) {
            Some(target) => Build {
                success: target.error_count == 0 && !target.test_executables.is_empty(),
                stderr: self.stderr.clone(),
                ..target.clone()
            },
            None => Build {
                stderr: self.stderr.clone(),
                ..Build::default()
            },
        }
    }
}

/// Reads cargo's JSON message stream.
pub fn parse_build_messages(stdout: &str) -> Build {
    let mut build = Build::default();
    for line in stdout.lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let target = message
            .get("target")
            .and_then(|t| t.get("name"))
            .and_then(|n| n.as_str())
            .map(str::to_string);
        match message.get("reason").and_then(|r| r.as_str()) {
            Some("compiler-message") => {
                if let Some(diagnostic) = message.get("message") {
                    record_error(&mut build, diagnostic);
                    if let Some(target) = target {
                        record_error(build.targets.entry(target).or_default(), diagnostic);
                    }
                }
            }
            Some("compiler-artifact") => {
                let is_test = message
                    .get("profile")
                    .and_then(|p| p.get("test"))
                    .and_then(|t| t.as_bool())
                    .unwrap_or(false);
                record_library(&mut build, &message, is_test);
                if let Some(executable) = message.get("executable").and_then(|e| e.as_str())
                    && is_test
                {
                    build.test_executables.push(PathBuf::from(executable));
                    if let Some(target) = target {
                        let entry = build.targets.entry(target).or_default();
                        entry.test_executables.push(PathBuf::from(executable));
                    }
                }
            }
            _ => {}
        }
    }
    build
}

/// Records a library artifact (an `.rlib`, or a proc-macro's shared object) under its crate name.
fn record_library(build: &mut Build, message: &serde_json::Value, is_test: bool) {
    let Some(target) = message.get("target") else {
        return;
    };
    let kinds: Vec<&str> = target
        .get("kind")
        .and_then(|k| k.as_array())
        .map(|k| k.iter().filter_map(|v| v.as_str()).collect())
        .unwrap_or_default();
    let is_library = kinds
        .iter()
        .any(|k| matches!(*k, "lib" | "rlib" | "proc-macro"));
    let Some(name) = target.get("name").and_then(|n| n.as_str()) else {
        return;
    };
    if !is_library || is_test {
        return;
    }
    let file = message
        .get("filenames")
        .and_then(|f| f.as_array())
        .into_iter()
        .flatten()
        .filter_map(|f| f.as_str())
        .find(|f| f.ends_with(".rlib") || f.ends_with(".so") || f.ends_with(".dylib"));
    if let Some(file) = file {
        build
            .libraries
            .insert(name.replace('-', "_"), PathBuf::from(file));
    }
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

/// Adds one rustc diagnostic to `build`: an error's code and rendered text, a warning's
/// rendered text. Notes and the "N warnings emitted" summaries are ignored.
fn record_error(build: &mut Build, diagnostic: &serde_json::Value) {
    let level = diagnostic.get("level").and_then(|l| l.as_str());
    let rendered = diagnostic.get("rendered").and_then(|r| r.as_str());
    if level == Some("warning") {
        let summary = diagnostic
            .get("spans")
            .and_then(|s| s.as_array())
            .is_none_or(Vec::is_empty);
        if let Some(rendered) = rendered
            && !summary
        {
            build.rendered_warnings.push(rendered.to_string());
        }
        return;
    }
    if level != Some("error") {
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

/// Runs a cargo command that was given `--message-format=json`, and reads its messages.
///
/// # Errors
/// When cargo cannot be started.
pub fn build_json(command: Command) -> Result<Build> {
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
    /// How it ended (`None` if waiting for it failed).
    pub status: Option<ExitStatus>,
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
        status,
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
    /// The tests the binary lists (`--list`), sorted.
    pub listed: Vec<String>,
    /// One entry per test that reported a result.
    pub results: Vec<TestResult>,
    /// Everything it printed (stdout, then stderr).
    pub output: String,
    /// Whether it was killed for running longer than its time limit.
    pub timed_out: bool,
    /// The time limit it ran under.
    pub timeout: Duration,
    /// How it ended.
    pub status: Option<ExitStatus>,
}

/// Whether a test run passed, and if not, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Exit status 0 and every listed test reported `ok`.
    Passed,
    /// Anything else.
    Failed {
        /// The tests that reported `FAILED`, sorted.
        failed: Vec<String>,
        /// Listed tests that reported no result, or reported `ignored`, sorted.
        missing: Vec<String>,
        /// What happened to the binary itself, when that is the problem: a crash, an early
        /// exit, a time-out, or no tests at all.
        binary: Option<String>,
    },
}

impl Verdict {
    /// One line for the learner: which tests failed, and what happened to the binary.
    pub fn summary(&self) -> String {
        match self {
            Verdict::Passed => "every test passes".to_string(),
            Verdict::Failed {
                failed,
                missing,
                binary,
            } => {
                let mut parts = Vec::new();
                if !failed.is_empty() {
                    parts.push(format!("failing: {}", failed.join(", ")));
                }
                if let Some(binary) = binary {
                    parts.push(binary.clone());
                }
                if !missing.is_empty() {
                    parts.push(format!("never reported: {}", missing.join(", ")));
                }
                parts.join("; ")
            }
        }
    }

    /// The first failing test, or else the binary's problem: what caught a decoy.
    pub fn first_reason(&self) -> String {
        match self {
            Verdict::Passed => String::new(),
            Verdict::Failed {
                failed,
                missing,
                binary,
            } => failed
                .first()
                .cloned()
                .or_else(|| binary.clone())
                .or_else(|| missing.first().map(|m| format!("{m} never reported")))
                .unwrap_or_default(),
        }
    }
}

/// Describes how a process ended, for a message: `killed by signal 6 (SIGABRT: …)`.
pub fn describe_status(status: Option<ExitStatus>) -> String {
    let Some(status) = status else {
        return "ended in an unknown way".to_string();
    };
    if let Some(code) = status.code() {
        return format!("exited with status {code}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            let meaning = match signal {
                6 => " (SIGABRT: an abort, for example a stack overflow or `process::abort`)",
                11 => " (SIGSEGV: an invalid memory access or a stack overflow)",
                9 => " (SIGKILL)",
                _ => "",
            };
            return format!("was killed by signal {signal}{meaning}");
        }
    }
    "ended in an unknown way".to_string()
}

impl TestRun {
    /// The names of the tests that failed, sorted.
    pub fn failed(&self) -> Vec<&str> {
        let mut failed: Vec<&str> = self
            .results
            .iter()
            .filter(|r| r.outcome == Outcome::Failed)
            .map(|r| r.name.as_str())
            .collect();
        failed.sort_unstable();
        failed
    }

    /// How many tests reported `ok`.
    pub fn passed_count(&self) -> usize {
        self.results
            .iter()
            .filter(|r| r.outcome == Outcome::Passed)
            .count()
    }

    /// Passed only when the binary exited with status 0, listed at least one test, and every
    /// listed test reported `ok`. `ignored_ok` accepts ignored tests (Miri runs, where tests
    /// that cross FFI are `#[cfg_attr(miri, ignore)]`).
    pub fn verdict_with(&self, ignored_ok: bool) -> Verdict {
        let failed: Vec<String> = self.failed().into_iter().map(str::to_string).collect();
        let missing: Vec<String> = self
            .listed
            .iter()
            .filter(|name| {
                !self
                    .results
                    .iter()
                    .any(|r| &r.name == *name && (r.outcome != Outcome::Ignored || ignored_ok))
            })
            .cloned()
            .collect();
        let exited_ok = !self.timed_out && self.status.is_some_and(|s| s.success());
        let binary = if self.timed_out {
            Some(format!(
                "the tests did not finish within {} s (an endless loop?) and were stopped",
                self.timeout.as_secs()
            ))
        } else if self.listed.is_empty() {
            Some("the binary has no tests".to_string())
        } else if !exited_ok && failed.is_empty() {
            let how = describe_status(self.status);
            Some(if missing.is_empty() {
                format!("the test binary {how}")
            } else {
                format!(
                    "the test binary {how} after {} of {} tests reported",
                    self.listed.len() - missing.len(),
                    self.listed.len()
                )
            })
        } else if !missing.is_empty() && failed.is_empty() {
            Some(format!(
                "the test binary {} before every test reported (an early `process::exit`?)",
                describe_status(self.status)
            ))
        } else {
            None
        };
        if exited_ok && failed.is_empty() && missing.is_empty() && binary.is_none() {
            Verdict::Passed
        } else {
            Verdict::Failed {
                failed,
                missing,
                binary,
            }
        }
    }

    /// One run standing for several test binaries (a crate's test targets): it passes only if
    /// every one of them does.
    pub fn combined(runs: Vec<TestRun>) -> TestRun {
        let mut all = TestRun {
            listed: Vec::new(),
            results: Vec::new(),
            output: String::new(),
            timed_out: false,
            timeout: TEST_TIMEOUT,
            status: None,
        };
        for run in runs {
            all.listed.extend(run.listed);
            all.results.extend(run.results);
            all.output.push_str(&run.output);
            all.timed_out |= run.timed_out;
            all.timeout = run.timeout;
            // The first status that is not a success stands for all of them.
            if all.status.is_none_or(|status| status.success()) {
                all.status = run.status.or(all.status);
            }
        }
        all.listed.sort();
        all
    }

    /// [`TestRun::verdict_with`] for a native run: ignored tests count as not run.
    pub fn verdict(&self) -> Verdict {
        self.verdict_with(false)
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

/// Reads `--list --format terse` output: one `NAME: test` line per test.
pub fn parse_list(output: &str) -> Vec<String> {
    let mut names: Vec<String> = output
        .lines()
        .filter_map(|line| line.strip_suffix(": test"))
        .map(str::to_string)
        .collect();
    names.sort();
    names
}

/// Runs a test binary: lists its tests, then runs them with plain output, killing it after
/// `timeout`.
///
/// # Errors
/// When the binary cannot be started.
pub fn run_tests(executable: &Path, cwd: &Path, timeout: Duration) -> Result<TestRun> {
    run_tests_with(executable, cwd, timeout, &[])
}

/// [`run_tests`] for a test binary of a crate, run in the crate's folder with the environment
/// `cargo test` would give it (trybuild reads `CARGO_MANIFEST_DIR` when it runs).
///
/// # Errors
/// When the binary cannot be started.
pub fn run_package_tests(
    executable: &Path,
    package_dir: &Path,
    timeout: Duration,
) -> Result<TestRun> {
    let dir = package_dir.as_os_str();
    // A proc-macro crate's unit-test binary links the standard library dynamically; cargo
    // would put the toolchain's library folder on the loader's path, so we do too.
    let mut library_path = std::ffi::OsString::new();
    if let Some(libdir) = toolchain_libdir(package_dir) {
        library_path.push(libdir);
    }
    if let Some(existing) = std::env::var_os("LD_LIBRARY_PATH") {
        library_path.push(":");
        library_path.push(existing);
    }
    run_tests_with(
        executable,
        package_dir,
        timeout,
        &[
            ("CARGO_MANIFEST_DIR", dir),
            ("LD_LIBRARY_PATH", &library_path),
            ("DYLD_FALLBACK_LIBRARY_PATH", &library_path),
        ],
    )
}

/// The toolchain's library folder for the host (`rustc --print target-libdir`, run where the
/// package is, so its `rust-toolchain.toml` applies).
fn toolchain_libdir(dir: &Path) -> Option<PathBuf> {
    let mut rustc = Command::new("rustc");
    rustc.args(["--print", "target-libdir"]).current_dir(dir);
    let output = run_captured(rustc, Some(Duration::from_secs(60))).ok()?;
    output.success.then(|| PathBuf::from(output.stdout.trim()))
}

fn run_tests_with(
    executable: &Path,
    cwd: &Path,
    timeout: Duration,
    env: &[(&str, &std::ffi::OsStr)],
) -> Result<TestRun> {
    let test_command = |extra: &[&str]| {
        let mut command = Command::new(executable);
        command
            .args(["--color", "never"])
            .args(extra)
            .env("RUST_BACKTRACE", "0")
            .envs(env.iter().copied())
            .current_dir(cwd);
        command
    };
    let list = run_captured(
        test_command(&["--list", "--format", "terse"]),
        Some(timeout),
    )?;
    let captured = run_captured(test_command(&[]), Some(timeout))?;
    Ok(TestRun {
        listed: parse_list(&list.stdout),
        results: parse_libtest(&captured.stdout),
        output: format!("{}{}", captured.stdout, captured.stderr),
        timed_out: captured.timed_out,
        timeout,
        status: captured.status,
    })
}

/// `cargo clippy --message-format=json` over some binaries, with extra lint arguments after `--`
/// (`-D warnings` for the contract, `-W clippy::todo` for a learner); one target's lints do not
/// stop the others (`--keep-going`).
///
/// # Errors
/// When cargo cannot be started.
pub fn clippy(
    manifest_path: &Path,
    packages: &[&str],
    bins: &[String],
    target_dir: &Path,
    lint_args: &[&str],
) -> Result<Build> {
    let mut command = cargo();
    command
        .arg("clippy")
        .arg("--manifest-path")
        .arg(manifest_path)
        .args(["--keep-going", "--message-format=json"])
        .env("CARGO_TARGET_DIR", target_dir);
    if let Some(dir) = manifest_path.parent() {
        command.current_dir(dir);
    }
    for package in packages {
        command.args(["--package", package]);
    }
    for bin in bins {
        command.args(["--bin", bin]);
    }
    command.arg("--").args(lint_args);
    build_json(command)
}

/// A `cargo test --no-run --message-format=json` build: the one place such a command is made.
#[derive(Debug, Clone)]
pub struct TestBuild<'a> {
    /// The workspace's (or package's) `Cargo.toml`.
    pub manifest_path: &'a Path,
    /// `--package` arguments (none: cargo's default for the manifest).
    pub packages: Vec<&'a str>,
    /// `--bin` arguments; empty means `--bins` when `all_bins`, else cargo's default targets.
    pub bins: Vec<String>,
    /// Build every binary target of the packages (`--bins`).
    pub all_bins: bool,
    /// `--offline`: never reach the network (student editions, reports).
    pub offline: bool,
    /// One target's compile error does not stop the others. `cargo test` has no `--keep-going`,
    /// so this builds `cargo build --tests --keep-going` instead: every test target of the
    /// packages, in the same test mode and profile as `cargo test` (so each shares the other's
    /// cache); `bins` and `all_bins` are then ignored.
    pub keep_going: bool,
    /// `CARGO_TARGET_DIR`, when it must be set.
    pub target_dir: Option<&'a Path>,
    /// `--test` arguments: only these integration-test targets (with the library and binaries
    /// they need); with `keep_going`, instead of every test target.
    pub tests: Vec<String>,
    /// Build without debug information (`CARGO_PROFILE_{DEV,TEST}_DEBUG=0`): scratch builds
    /// that are only run, never debugged, link much faster.
    pub no_debug_info: bool,
}

impl<'a> TestBuild<'a> {
    /// A build of the given manifest with nothing else set.
    pub fn new(manifest_path: &'a Path) -> TestBuild<'a> {
        TestBuild {
            manifest_path,
            packages: Vec::new(),
            bins: Vec::new(),
            all_bins: false,
            offline: false,
            keep_going: false,
            target_dir: None,
            tests: Vec::new(),
            no_debug_info: false,
        }
    }

    /// The command, without running it (the tests check its arguments).
    pub fn command(&self) -> Command {
        let mut command = cargo();
        if self.keep_going && self.tests.is_empty() {
            command.args(["build", "--tests", "--keep-going"]);
        } else if self.keep_going {
            command.args(["build", "--keep-going"]);
        } else {
            command.args(["test", "--no-run"]);
        }
        for test in &self.tests {
            command.args(["--test", test]);
        }
        if self.no_debug_info {
            command
                .env("CARGO_PROFILE_DEV_DEBUG", "0")
                .env("CARGO_PROFILE_TEST_DEBUG", "0");
        }
        command
            .arg("--message-format=json")
            .arg("--manifest-path")
            .arg(self.manifest_path);
        for package in &self.packages {
            command.args(["--package", package]);
        }
        if !self.keep_going {
            for bin in &self.bins {
                command.args(["--bin", bin]);
            }
            if self.all_bins {
                command.arg("--bins");
            }
        }
        if self.offline {
            command.arg("--offline");
        }
        if let Some(target) = self.target_dir {
            command.env("CARGO_TARGET_DIR", target);
        }
        if let Some(dir) = self.manifest_path.parent() {
            command.current_dir(dir);
        }
        command
    }

    /// Runs the build and reads its messages.
    ///
    /// # Errors
    /// When cargo cannot be started.
    pub fn run(&self) -> Result<Build> {
        build_json(self.command())
    }
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

    /// A run of a binary that listed `listed` and printed `output`, ending with `status`.
    fn run(listed: &[&str], output: &str, status: i32) -> TestRun {
        use std::os::unix::process::ExitStatusExt;
        TestRun {
            listed: listed.iter().map(|s| s.to_string()).collect(),
            results: parse_libtest(output),
            output: output.to_string(),
            timed_out: false,
            timeout: TEST_TIMEOUT,
            status: Some(ExitStatus::from_raw(status)),
        }
    }

    #[test]
    fn verdict_needs_status_zero_and_every_listed_test_ok() {
        let exit = |code: i32| code << 8;
        assert_eq!(
            run(&["a"], "test a ... ok\n", exit(0)).verdict(),
            Verdict::Passed
        );
        let none = run(&[], "running 0 tests\n", exit(0)).verdict();
        assert!(none.summary().contains("no tests"), "{none:?}");
        let failed = run(&["a", "b"], "test b ... FAILED\ntest a ... ok\n", exit(101)).verdict();
        assert_eq!(failed.first_reason(), "b");
        // `process::exit(0)` in a test: status 0, but one listed test never reported.
        let early = run(&["a", "b"], "test a ... ok\n", exit(0)).verdict();
        assert!(early.summary().contains("never reported: b"), "{early:?}");
        assert!(early.summary().contains("early"), "{early:?}");
        // An abort (stack overflow): signal 6, tests missing.
        let aborted = run(&["a", "b"], "test a ... ok\n", 6).verdict();
        assert!(aborted.summary().contains("signal 6"), "{aborted:?}");
        assert!(
            aborted.summary().contains("after 1 of 2 tests"),
            "{aborted:?}"
        );
        // Ignored tests are not run tests, except under Miri.
        let ignored = run(&["a"], "test a ... ignored\n", exit(0));
        assert_ne!(ignored.verdict(), Verdict::Passed);
        assert_eq!(ignored.verdict_with(true), Verdict::Passed);
        let mut hung = run(&["a"], "", 9);
        hung.timed_out = true;
        assert!(
            hung.verdict()
                .summary()
                .contains("did not finish within 60 s")
        );
    }

    #[test]
    fn failed_tests_are_sorted() {
        let failed = run(
            &["a", "b"],
            "test b ... FAILED\ntest a ... FAILED\n",
            101 << 8,
        );
        assert_eq!(failed.failed(), ["a", "b"]);
    }

    #[test]
    fn parse_list_reads_terse_lists() {
        let output = "tests::b: test\ntests::a: test\nbench_x: benchmark\n\n2 tests, 1 benchmark\n";
        assert_eq!(parse_list(output), ["tests::a", "tests::b"]);
    }

    #[test]
    fn test_build_command_has_every_option() {
        let manifest = Path::new("/course/Cargo.toml");
        let mut build = TestBuild::new(manifest);
        build.packages = vec!["basics"];
        build.bins = vec!["m01-a".to_string()];
        build.offline = true;
        let args = |build: &TestBuild<'_>| -> Vec<String> {
            build
                .command()
                .get_args()
                .map(|a| a.to_string_lossy().into_owned())
                .collect()
        };
        assert_eq!(
            args(&build),
            [
                "test",
                "--no-run",
                "--message-format=json",
                "--manifest-path",
                "/course/Cargo.toml",
                "--package",
                "basics",
                "--bin",
                "m01-a",
                "--offline",
            ]
        );
        build.keep_going = true;
        assert_eq!(
            args(&build),
            [
                "build",
                "--tests",
                "--keep-going",
                "--message-format=json",
                "--manifest-path",
                "/course/Cargo.toml",
                "--package",
                "basics",
                "--offline",
            ]
        );
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
        assert!(build.targets.is_empty(), "these messages name no target");
    }

    #[test]
    fn failure_details_keeps_panic_sections() {
        let output = "test a ... FAILED\n\nfailures:\n\n---- a stdout ----\npanicked at x\n\nfailures:\n    a\n";
        assert_eq!(
            run(&["a"], output, 101 << 8).failure_details(),
            "---- a stdout ----\npanicked at x\n\n"
        );
    }
}

//! The contract for capstones: a row for the starter, one per milestone (decoy rows below it),
//! and one for the reference's style.
//!
//! Every version of the crate is written in turn into one scratch workspace per capstone,
//! `<target>/course-check-capstones/<id>/`, and built into one target directory shared by the
//! capstones (`<target>/course-check-capstones/target`; the crates have different names, and none
//! of them is the course's own build of the reference, whose binaries have the same names).
//! Files are rewritten only when they change, so each version recompiles only what it changed;
//! each build asks for the test targets that version needs (`--test`), without debug info.
//!
//! - starter (`UpTo(0)`): it compiles and keeps the reference's items and signatures;
//! - milestone k, staged: every test of milestone k fails on `UpTo(k-1)` (unless exempt), and
//!   `UpTo(k)` passes every test of milestones `1..=k`; without `staged` (a quicker run), only
//!   the starter's red for milestone 1 and the reference's green are checked;
//! - milestone k, decoys: each decoy it lists compiles and fails at least one of its tests, and a
//!   milestone without decoys fails unless `no_decoys` gives a reason;
//! - reference: `cargo clippy -p <package> -- -D warnings` and `rustfmt --check` on its files.

use super::{
    DecoyOutcome, Options, Row, decoy_outcome, first_errors, parallel_map, rustfmt_unformatted,
};
use crate::capstone;
use crate::cargo::{self, Build, Outcome, TestBuild, TestRun, Verdict};
use crate::crates::{self, Version};
use crate::error::{Result, fsx};
use crate::exercise::Markers;
use crate::manifest::{Capstone, Kind, Manifest, Milestone};
use crate::signature;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

/// A row and the decoy rows printed below it.
pub(super) type CapstoneRow = (Row, Vec<(String, String, DecoyOutcome)>);

/// The scratch workspace of one capstone: its folder, its crate, and the shared target folder.
struct Scratch<'a> {
    manifest: &'a Manifest,
    capstone: &'a Capstone,
    workspace: PathBuf,
    member: PathBuf,
    target: PathBuf,
    files: Vec<PathBuf>,
    timeout: std::time::Duration,
}

/// One version, built and its requested test targets run, by target name.
struct VersionRun {
    build: Build,
    /// The test targets asked for.
    tests: Vec<String>,
    /// Test target name → its run (absent: it did not compile).
    runs: BTreeMap<String, TestRun>,
}

impl VersionRun {
    /// Whether the crate's library and binaries compiled (a test target's errors aside).
    fn crate_compiles(&self) -> bool {
        let own_errors = self
            .build
            .targets
            .iter()
            .any(|(name, t)| t.error_count > 0 && !self.tests.contains(name));
        // Cargo stopped for another reason than a compile error (a dependency it could not
        // resolve): nothing compiled. A test target's own errors leave the crate compiled.
        let test_errors = self.tests.iter().any(|test| {
            self.build
                .targets
                .get(test)
                .is_some_and(|t| t.error_count > 0)
        });
        !own_errors && (self.build.success || test_errors || !self.runs.is_empty())
    }

    /// The combined run of some test targets; targets that did not compile are returned apart.
    fn of<'t>(&self, tests: impl IntoIterator<Item = &'t str>) -> (TestRun, Vec<&'t str>) {
        let mut runs = Vec::new();
        let mut broken = Vec::new();
        for test in tests {
            match self.runs.get(test) {
                Some(run) => runs.push(run.clone()),
                None => broken.push(test),
            }
        }
        (TestRun::combined(runs), broken)
    }
}

impl Scratch<'_> {
    /// Writes `version` and builds the `tests` targets, then runs them (several at a time).
    fn run(&self, version: Version<'_>, tests: &[&str]) -> Result<VersionRun> {
        let from = capstone::crate_dir(self.manifest, self.capstone);
        crates::write_files(&from, &self.member, &self.files, version)?;
        let manifest_path = self.workspace.join("Cargo.toml");
        let mut build = TestBuild::new(&manifest_path);
        build.packages = vec![&self.capstone.package];
        build.keep_going = true;
        build.target_dir = Some(&self.target);
        build.no_debug_info = true;
        build.tests = tests.iter().map(|t| t.to_string()).collect();
        let build = build.run()?;
        let executables: Vec<(&str, PathBuf)> = tests
            .iter()
            .filter_map(|test| {
                let target = build.target(test);
                let executable = target.test_executables.first()?.clone();
                target.success.then_some((*test, executable))
            })
            .collect();
        let runs = parallel_map(&executables, |(_, executable)| {
            cargo::run_package_tests(executable, &self.member, self.timeout)
        });
        let mut by_name = BTreeMap::new();
        for ((test, _), run) in executables.iter().zip(runs) {
            by_name.insert(test.to_string(), run?);
        }
        Ok(VersionRun {
            build,
            tests: tests.iter().map(|t| t.to_string()).collect(),
            runs: by_name,
        })
    }
}

/// The rows of one capstone: all of them, or (`only = Some(k)`) the starter's and milestone k's.
pub(super) fn check_capstone(
    manifest: &Manifest,
    capstone: &Capstone,
    only: Option<usize>,
    options: Options,
) -> Vec<CapstoneRow> {
    let clock = Instant::now();
    let mut rows = Vec::new();
    let starter_label = format!(
        "{:<6} {:<9} {} (the starter)",
        capstone.id, "starter", capstone.package
    );
    let scratch = match prepare(manifest, capstone, options) {
        Ok(scratch) => scratch,
        Err(error) => {
            rows.push((
                Row {
                    label: starter_label,
                    problems: vec![error.to_string()],
                },
                Vec::new(),
            ));
            return rows;
        }
    };
    let n = capstone.milestone.len();
    let selected: Vec<usize> = match only {
        Some(k) => vec![k],
        None => (1..=n).collect(),
    };
    // The versions to build: the starter, the one before each selected milestone and the one
    // after it (staged), or only the starter and the reference.
    let mut versions: Vec<usize> = vec![0, n];
    if options.staged {
        for &k in &selected {
            versions.extend([k - 1, k]);
        }
    }
    versions.sort_unstable();
    versions.dedup();
    let mut built: BTreeMap<usize, std::result::Result<VersionRun, String>> = BTreeMap::new();
    for &k in &versions {
        // Milestones 1..=k must pass; milestone k+1 must fail (its tests are built too).
        let tests = capstone.tests_up_to((k + 1).min(n));
        let run = scratch
            .run(Version::UpTo(k), &tests)
            .map_err(|e| e.to_string());
        built.insert(k, run);
    }

    // The starter row.
    let mut problems = Vec::new();
    capstone::validate(manifest, capstone, &mut problems)
        .unwrap_or_else(|e| problems.push(e.to_string()));
    // Every version a row asks for was built above; a missing one would be a bug of this
    // function, reported as a problem rather than a panic.
    let missing = Err("this version was not built (a bug of the runner)".to_string());
    let version_of = |k: usize| built.get(&k).unwrap_or(&missing);
    match version_of(0) {
        Ok(run) if !run.crate_compiles() => problems.push(format!(
            "(i) the starter does not compile:\n{}",
            first_errors(&run.build)
        )),
        Ok(_) => {}
        Err(error) => problems.push(error.clone()),
    }
    problems.extend(signature_problems(manifest, capstone));
    rows.push((
        Row {
            label: starter_label,
            problems,
        },
        Vec::new(),
    ));

    for &k in &selected {
        let milestone = &capstone.milestone[k - 1];
        let mut problems = Vec::new();
        // Red: milestone k's tests on the version before it (the starter only, unless staged).
        if options.staged || k == 1 {
            match version_of(k - 1) {
                Ok(run) => problems.extend(red_problems(milestone, k, run)),
                Err(error) => problems.push(error.clone()),
            }
        }
        // Green: milestones 1..=k on UpTo(k) when staged; always on the reference.
        let greens: Vec<usize> = if options.staged && k < n {
            vec![k, n]
        } else {
            vec![n]
        };
        for version in greens {
            // The reference is judged on this milestone's tests in this row.
            let tests: Vec<&str> = if version == n {
                milestone.tests.iter().map(String::as_str).collect()
            } else {
                capstone.tests_up_to(k)
            };
            match version_of(version) {
                Ok(run) => {
                    let (combined, broken) = run.of(tests);
                    let what = version_name(version, n);
                    if !broken.is_empty() {
                        problems.push(format!(
                            "(iii) on {what}, test target(s) {} do not compile:\n{}",
                            broken.join(", "),
                            first_errors(&run.build)
                        ));
                    } else if combined.verdict() != Verdict::Passed {
                        problems.push(format!(
                            "(iii) {what} does not pass: {}",
                            combined.verdict().summary()
                        ));
                    }
                }
                Err(error) => problems.push(error.clone()),
            }
        }
        let decoys = check_decoys(&scratch, milestone, &mut problems);
        if milestone.decoys.is_empty()
            && milestone.kind != Kind::Explore
            && milestone.no_decoys.is_none()
        {
            problems.push("(v) no decoys: a milestone lists the decoys its tests catch (`decoys = [\"…\"]`), or says why it has none (`no_decoys = \"reason\"`)".to_string());
        }
        rows.push((
            Row {
                label: format!(
                    "{:<6} {:<9} {}",
                    milestone.id,
                    milestone.kind.as_str(),
                    milestone.title
                ),
                problems,
            },
            decoys,
        ));
    }

    if only.is_none() {
        rows.push((
            Row {
                label: format!(
                    "{:<6} {:<9} {} (clippy, rustfmt)",
                    capstone.id, "reference", capstone.package
                ),
                problems: style_problems(manifest, capstone, &scratch),
            },
            Vec::new(),
        ));
    }
    eprintln!(
        "check: {} built {} version(s) and {} decoy(s) in {:.1} s",
        capstone.id,
        versions.len(),
        selected
            .iter()
            .map(|&k| capstone.milestone[k - 1].decoys.len())
            .sum::<usize>(),
        clock.elapsed().as_secs_f64()
    );
    rows
}

fn version_name(k: usize, n: usize) -> String {
    match k {
        0 => "the starter".to_string(),
        k if k == n => "the reference".to_string(),
        k => format!("the crate up to milestone {k}"),
    }
}

/// Writes the scratch workspace's Cargo.toml and lockfile.
fn prepare<'a>(
    manifest: &'a Manifest,
    capstone: &'a Capstone,
    options: Options,
) -> Result<Scratch<'a>> {
    let base = cargo::target_dir(&manifest.root).join("course-check-capstones");
    let workspace = base.join(&capstone.id);
    super::write_scratch_workspace(manifest, &workspace)?;
    let files = capstone::files_up_to(manifest, capstone, capstone.milestone.len())?;
    Ok(Scratch {
        manifest,
        capstone,
        member: workspace.join("crate"),
        workspace,
        target: base.join("target"),
        files,
        timeout: options.timeout,
    })
}

/// Every test of milestone k fails on `UpTo(k-1)` (a test target that does not compile there
/// fails all of its tests), except the exempt ones.
fn red_problems(milestone: &Milestone, k: usize, run: &VersionRun) -> Vec<String> {
    let before = if k == 1 {
        "the starter".to_string()
    } else {
        format!("the crate up to milestone {}", k - 1)
    };
    let mut problems = Vec::new();
    let mut listed = Vec::new();
    for test in &milestone.tests {
        let Some(test_run) = run.runs.get(test) else {
            continue;
        };
        if test_run.listed.is_empty() {
            problems.push(format!("(ii) tests/{test}.rs has no tests"));
        }
        for result in &test_run.results {
            listed.push((test.as_str(), result.name.clone()));
            let exempted = milestone
                .exempt
                .iter()
                .any(|e| e.test == result.name || e.test == format!("{test}::{}", result.name));
            match result.outcome {
                Outcome::Passed if !exempted => problems.push(format!(
                    "(ii) test {test}::{} passes on {before}: it does not test milestone {}'s work (fix the test, give an earlier region a `course:stub`, or list it in `exempt` with a reason)",
                    result.name, milestone.id
                )),
                Outcome::Ignored => problems.push(format!(
                    "(ii) test {test}::{} is ignored; milestone tests must run",
                    result.name
                )),
                _ => {}
            }
        }
    }
    for exempt in &milestone.exempt {
        let exists = listed
            .iter()
            .any(|(test, name)| exempt.test == *name || exempt.test == format!("{test}::{name}"));
        if !exists && !run.runs.is_empty() {
            problems.push(format!("(ii) exempt test {} does not exist", exempt.test));
        }
    }
    problems
}

/// Each decoy of the milestone, in place of the solution in the reference: compiles, and fails
/// at least one of the milestone's tests.
fn check_decoys(
    scratch: &Scratch<'_>,
    milestone: &Milestone,
    problems: &mut Vec<String>,
) -> Vec<(String, String, DecoyOutcome)> {
    let descriptions = capstone::decoys(scratch.manifest, scratch.capstone).unwrap_or_default();
    let tests: Vec<&str> = milestone.tests.iter().map(String::as_str).collect();
    let mut outcomes = Vec::new();
    for name in &milestone.decoys {
        let description = descriptions.get(name).cloned().unwrap_or_default();
        let outcome = match scratch.run(Version::Decoy(name), &tests) {
            Ok(run) if !run.crate_compiles() => DecoyOutcome::Broken(first_errors(&run.build)),
            Ok(run) => {
                let (combined, broken) = run.of(tests.iter().copied());
                decoy_outcome(&combined, &broken)
            }
            Err(error) => DecoyOutcome::Broken(error.to_string()),
        };
        match &outcome {
            DecoyOutcome::Escaped => problems.push(format!(
                "(v) decoy `{name}` escaped: every test of {} passes with it ({description}); add a test that catches this mistake",
                milestone.id
            )),
            DecoyOutcome::Broken(errors) => problems.push(format!(
                "(v) decoy `{name}` does not compile; a decoy must compile and fail a test:\n{errors}"
            )),
            DecoyOutcome::Caught(_) => {}
        }
        outcomes.push((name.clone(), description, outcome));
    }
    outcomes
}

/// The starter keeps the reference's items and signatures, file by file (names only for the
/// milestones' `learner_items`).
fn signature_problems(manifest: &Manifest, capstone: &Capstone) -> Vec<String> {
    let dir = capstone::crate_dir(manifest, capstone);
    let learner_items: Vec<String> = capstone
        .milestone
        .iter()
        .flat_map(|m| m.learner_items.iter().map(|i| signature::plain_entry(i)))
        .collect();
    let mut problems = Vec::new();
    let files = capstone::starter_files(manifest, capstone).unwrap_or_default();
    for file in files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "rs"))
    {
        let path = dir.join(file);
        let markers = match fsx::read(&path).and_then(|text| Markers::parse(&path, &text)) {
            Ok(markers) => markers,
            Err(error) => {
                problems.push(error.to_string());
                continue;
            }
        };
        if markers.region_count() == 0 {
            continue;
        }
        if let Err(found) =
            super::signatures_problems(&learner_items, Kind::Implement, &path, &markers)
        {
            problems.extend(
                found
                    .into_iter()
                    .map(|p| format!("{}: {p}", file.display())),
            );
        }
    }
    problems
}

/// `cargo clippy -p <package> -- -D warnings` in the course's workspace and `rustfmt --check`
/// over the starter's and the milestone tests' Rust files.
fn style_problems(manifest: &Manifest, capstone: &Capstone, scratch: &Scratch<'_>) -> Vec<String> {
    let mut problems = Vec::new();
    let root_manifest = manifest.root.join("Cargo.toml");
    let package = capstone.package.as_str();
    match cargo::clippy(
        &root_manifest,
        &[package],
        &[],
        &cargo::target_dir(&manifest.root),
        &["-D", "warnings"],
    ) {
        Ok(lints) if !lints.success => problems.push(format!(
            "(iii) `cargo clippy -p {package} -- -D warnings` fails:\n{}",
            first_errors(&lints)
        )),
        Ok(_) => {}
        Err(error) => problems.push(error.to_string()),
    }
    let dir = capstone::crate_dir(manifest, capstone);
    let rust: Vec<PathBuf> = scratch
        .files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "rs"))
        .map(|f| dir.join(f))
        .collect();
    match rustfmt_unformatted(&manifest.root, &rust) {
        Ok(files) => {
            for file in files {
                problems.push(format!(
                    "(iii) `rustfmt --check --edition 2024 {}` wants changes",
                    file.strip_prefix(&manifest.root).unwrap_or(&file).display()
                ));
            }
        }
        Err(error) => problems.push(error),
    }
    problems
}

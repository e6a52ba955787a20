//! The exercise contract: proves that every exercise is a real exercise.
//!
//! A full run (no ids) starts with a row for the manifest's own validation.
//! Then, for each exercise (one row each, followed by one row per decoy):
//!
//! 1. the stub compiles, or, for a `fix` exercise (or one with `stub_error`), fails with exactly
//!    the declared error code;
//! 2. every test fails on the stub, except those listed in `exempt`;
//! 3. the solution passes its tests, `cargo clippy -- -D warnings` and `rustfmt --check`;
//! 4. the stub keeps the solution's items and signatures (names only for `fix` exercises and for
//!    the `learner_items`);
//! 5. every decoy compiles and fails at least one test, and an `implement` or `fix` exercise has
//!    at least one decoy (unless `no_decoys` gives a reason).
//!
//! "Passes" and "fails" are judged by [`cargo::TestRun::verdict`]: exit status 0 and every
//! listed test `ok`, so a crash, an early exit or a hang is a failure.
//!
//! It is built for speed, because CI checks every exercise of every module: the stubs and decoys
//! of all selected modules are written into one scratch workspace `<target>/course-check/`
//! (by the export code, so the contract checks exactly what students receive) and compiled by
//! one `cargo test --no-run --keep-going`; the solutions are compiled by one more (in CI they are
//! already built by `cargo test --workspace`) and linted by one `cargo clippy`; then the test
//! binaries run, several at a time. Exercises with `miri = true` are run under Miri instead.
//! Notes are checked too: every ` ```compile_fail,E0xxx ` block must fail with that code, which
//! stable rustdoc does not verify. The last lines printed are `decoys: D caught, E escaped` and
//! `N passed, M failed`.

use crate::cargo::{self, Build, Outcome, TestBuild, TestRun, Verdict};
use crate::cargo_toml;
use crate::crates;
use crate::error::{Result, fsx};
use crate::exercise::Markers;
use crate::export;
use crate::manifest::{Capstone, ExerciseRef, Kind, Manifest, Module};
use crate::markdown;
use crate::signature;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

mod capstones;

/// How the contract runs.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// The time limit of one test binary.
    pub timeout: Duration,
    /// Capstones: check every milestone's staged red and green (`UpTo(k-1)` fails milestone
    /// k's tests, `UpTo(k)` passes those of `1..=k`), one build per milestone; without it only
    /// the starter, the reference and the decoys are built.
    pub staged: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            timeout: cargo::TEST_TIMEOUT,
            staged: true,
        }
    }
}

/// What one contract row found.
#[derive(Debug, Clone)]
pub struct Row {
    /// What was checked (`01.2 implement m01-x` or a note block).
    pub label: String,
    /// Problems found; empty means the row passed.
    pub problems: Vec<String>,
}

/// The totals of a contract run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Summary {
    /// Rows that passed.
    pub passed: usize,
    /// Rows that failed.
    pub failed: usize,
    /// Decoys that compiled and failed a test.
    pub decoys_caught: usize,
    /// Decoys that passed every test.
    pub decoys_escaped: usize,
    /// Decoys that did not compile.
    pub decoys_broken: usize,
}

/// What to check: exercises, the modules whose notes to check, and capstones (all of their
/// milestones, or one).
struct Selection<'m> {
    exercises: Vec<ExerciseRef<'m>>,
    note_modules: Vec<&'m Module>,
    capstones: Vec<(&'m Capstone, Option<usize>)>,
}

fn select<'m>(manifest: &'m Manifest, ids: &[String]) -> Result<Selection<'m>> {
    if ids.is_empty() {
        return Ok(Selection {
            exercises: manifest.exercises().collect(),
            note_modules: manifest.module.iter().collect(),
            capstones: manifest
                .capstone
                .iter()
                .filter(|c| !c.milestone.is_empty())
                .map(|c| (c, None))
                .collect(),
        });
    }
    let mut selection = Selection {
        exercises: Vec::new(),
        note_modules: Vec::new(),
        capstones: Vec::new(),
    };
    for id in ids {
        if let Some(capstone) = manifest.capstone(id) {
            if capstone.milestone.is_empty() {
                return Err(crate::Error::Refused(format!(
                    "capstone {id} has no milestones, so there is no contract to check"
                )));
            }
            selection.capstones.push((capstone, None));
        } else if let Some((capstone, k)) = manifest.milestone(id) {
            selection.capstones.push((capstone, Some(k)));
        } else if let Some(exercise) = manifest.exercise(id) {
            selection.exercises.push(exercise);
        } else if let Some(module) = manifest.unit(id) {
            selection.note_modules.push(module);
            selection
                .exercises
                .extend(manifest.exercises().filter(|e| e.module.id == module.id));
        } else {
            return Err(manifest.unknown(id));
        }
    }
    Ok(selection)
}

/// What happened to one decoy.
#[derive(Debug, Clone)]
enum DecoyOutcome {
    /// It compiled and failed; the reason names the first failing test (or the crash).
    Caught(String),
    /// It compiled and every test passed.
    Escaped,
    /// It did not compile.
    Broken(String),
}

/// One exercise's part of the run: its markers, then the outcome of each check.
struct Job<'m> {
    exercise: ExerciseRef<'m>,
    markers: std::result::Result<Markers, String>,
    problems: Vec<String>,
    decoys: Vec<(String, String, DecoyOutcome)>,
    skipped: Option<String>,
}

/// Runs the contract over the exercises and modules named by `ids` (all when empty), printing one
/// row per exercise, per decoy and per `compile_fail` note block, then the decoy totals and
/// `N passed, M failed`.
///
/// # Errors
/// Only for problems that stop the whole run (an unknown id, an unwritable scratch workspace).
pub fn run(
    manifest: &Manifest,
    ids: &[String],
    options: Options,
    out: &mut dyn Write,
) -> Result<Summary> {
    let selection = select(manifest, ids)?;
    let mut summary = Summary::default();
    let mut record = |row: &Row, out: &mut dyn Write| {
        print_row(row, out);
        if row.problems.is_empty() {
            summary.passed += 1;
        } else {
            summary.failed += 1;
        }
    };
    if ids.is_empty() {
        let problems = manifest.validate()?;
        let row = Row {
            label: "course.toml (as `cargo course check-manifest`)".to_string(),
            problems,
        };
        record(&row, out);
    }
    let mut jobs: Vec<Job<'_>> = selection
        .exercises
        .iter()
        .map(|exercise| {
            let path = manifest.exercise_path(*exercise);
            // A crate exercise has no single file; `check_crate` reads its files.
            let markers = if exercise.exercise.crate_dir.is_some() {
                Ok(Markers::default())
            } else {
                fsx::read(&path)
                    .and_then(|source| Markers::parse(&path, &source))
                    .map_err(|e| e.to_string())
            };
            Job {
                exercise: *exercise,
                markers,
                problems: Vec::new(),
                decoys: Vec::new(),
                skipped: None,
            }
        })
        .collect();
    let libraries = check_all(manifest, &mut jobs, options)?;
    for job in &jobs {
        let mut problems = job.problems.clone();
        for (name, description, outcome) in &job.decoys {
            match outcome {
                DecoyOutcome::Caught(_) => summary.decoys_caught += 1,
                DecoyOutcome::Escaped => {
                    summary.decoys_escaped += 1;
                    problems.push(format!(
                        "(v) decoy `{name}` escaped: every test passes with it ({description}); add a test that catches this mistake"
                    ));
                }
                DecoyOutcome::Broken(errors) => {
                    summary.decoys_broken += 1;
                    problems.push(format!(
                        "(v) decoy `{name}` does not compile; a decoy must compile and fail a test:\n{errors}"
                    ));
                }
            }
        }
        let row = Row {
            label: label(job.exercise),
            problems,
        };
        match &job.skipped {
            Some(reason) => {
                let _ = writeln!(out, "{:<60} skipped: {reason}", row.label);
            }
            None => record(&row, out),
        }
        for (name, _, outcome) in &job.decoys {
            print_decoy(name, outcome, out);
        }
    }
    for (capstone, only) in &selection.capstones {
        for (row, decoys) in capstones::check_capstone(manifest, capstone, *only, options) {
            record(&row, out);
            for (name, _, outcome) in &decoys {
                match outcome {
                    DecoyOutcome::Caught(_) => summary.decoys_caught += 1,
                    DecoyOutcome::Escaped => summary.decoys_escaped += 1,
                    DecoyOutcome::Broken(_) => summary.decoys_broken += 1,
                }
                print_decoy(name, outcome, out);
            }
        }
    }
    for module in &selection.note_modules {
        for row in check_notes(manifest, module, &libraries)? {
            record(&row, out);
        }
    }
    if ids.is_empty() {
        for row in check_docs(manifest)? {
            record(&row, out);
        }
    }
    let broken = if summary.decoys_broken > 0 {
        format!(", {} do not compile", summary.decoys_broken)
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "decoys: {} caught, {} escaped{broken}",
        summary.decoys_caught, summary.decoys_escaped
    );
    let _ = writeln!(out, "{} passed, {} failed", summary.passed, summary.failed);
    Ok(summary)
}

fn label(exercise: ExerciseRef<'_>) -> String {
    format!(
        "{:<6} {:<9} {}",
        exercise.exercise.id,
        exercise.exercise.kind.as_str(),
        exercise.bin_name()
    )
}

fn print_decoy(name: &str, outcome: &DecoyOutcome, out: &mut dyn Write) {
    let status = match outcome {
        DecoyOutcome::Caught(reason) => format!("caught ({reason})"),
        DecoyOutcome::Escaped => "ESCAPED".to_string(),
        DecoyOutcome::Broken(_) => "DOES NOT COMPILE".to_string(),
    };
    let _ = writeln!(out, "{:<60} {status}", format!("    decoy {name}"));
}

fn print_row(row: &Row, out: &mut dyn Write) {
    if row.problems.is_empty() {
        let _ = writeln!(out, "{:<60} ok", row.label);
    } else {
        let _ = writeln!(out, "{:<60} FAILED", row.label);
        for problem in &row.problems {
            for (index, line) in problem.lines().enumerate() {
                let bullet = if index == 0 { "- " } else { "  " };
                let _ = writeln!(out, "    {bullet}{line}");
            }
        }
    }
}

/// A test binary to run, and whose result it is.
struct TestJob {
    job: usize,
    variant: Variant,
    executable: PathBuf,
    cwd: PathBuf,
}

/// Which version of an exercise a test binary was built from.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Variant {
    Stub,
    Solution,
    Decoy(String),
}

/// The libraries the course's build produced, by crate name (for the notes' code blocks).
type Libraries = BTreeMap<String, PathBuf>;

/// Builds everything in three cargo invocations, runs every test binary, and fills in each
/// job's problems and decoy outcomes. Returns the libraries the solutions' build produced.
fn check_all(manifest: &Manifest, jobs: &mut [Job<'_>], options: Options) -> Result<Libraries> {
    let target = cargo::target_dir(&manifest.root);
    let scratch = export::check_workspace_dir(&manifest.root);
    for job in jobs.iter_mut() {
        if let Err(error) = &job.markers {
            job.problems.push(error.clone());
        }
    }
    let modules: Vec<&Module> = manifest
        .units()
        .filter(|m| jobs.iter().any(|j| j.exercise.module.id == m.id))
        .collect();
    if let Err(error) =
        export::write_edition(manifest, &modules, &scratch, export::Purpose::Contract)
    {
        for job in jobs.iter_mut() {
            job.problems
                .push(format!("could not write the stub workspace: {error}"));
        }
        return Ok(Libraries::new());
    }
    let checkable: Vec<usize> = (0..jobs.len())
        .filter(|&index| jobs[index].problems.is_empty())
        .filter(|&index| jobs[index].exercise.exercise.crate_dir.is_none())
        .collect();
    let crate_jobs: Vec<usize> = (0..jobs.len())
        .filter(|&index| jobs[index].exercise.exercise.crate_dir.is_some())
        .collect();
    for &index in &crate_jobs {
        check_crate(manifest, &mut jobs[index], &scratch, &target, options);
    }
    if checkable.is_empty() {
        return Ok(Libraries::new());
    }
    eprintln!(
        "check: building the stubs and decoys of {} exercise(s), then their solutions",
        checkable.len()
    );
    let clock = std::time::Instant::now();
    let scratch_manifest = scratch.join("Cargo.toml");
    let mut variants_build = TestBuild::new(&scratch_manifest);
    variants_build.all_bins = true;
    variants_build.keep_going = true;
    variants_build.target_dir = Some(&target);
    let variants = variants_build.run()?;

    let root_manifest = manifest.root.join("Cargo.toml");
    let packages: Vec<&str> = modules.iter().map(|m| m.package.as_str()).collect();
    let mut solutions_build = TestBuild::new(&root_manifest);
    solutions_build.packages = packages.clone();
    solutions_build.bins = checkable
        .iter()
        .map(|&index| jobs[index].exercise.bin_name())
        .collect();
    solutions_build.keep_going = true;
    solutions_build.target_dir = Some(&target);
    let solutions = solutions_build.run()?;
    let clippy = cargo::clippy(
        &root_manifest,
        &packages,
        &solutions_build.bins,
        &target,
        &["-D", "warnings"],
    )?;

    eprintln!(
        "check: built and linted in {:.1} s",
        clock.elapsed().as_secs_f64()
    );
    let files: Vec<PathBuf> = checkable
        .iter()
        .map(|&index| manifest.exercise_path(jobs[index].exercise))
        .collect();
    let unformatted = rustfmt_unformatted(&manifest.root, &files);
    let miri = jobs.iter().any(|j| j.exercise.exercise.miri) && miri_available();
    let mut test_jobs = Vec::new();
    for &index in &checkable {
        let job = &mut jobs[index];
        let exercise = job.exercise;
        let bin = exercise.bin_name();
        let Ok(markers) = &job.markers else { continue };
        let decoys: Vec<(String, String)> = markers
            .decoys()
            .iter()
            .map(|d| (d.name.clone(), d.description.clone()))
            .collect();
        if exercise.exercise.needs_decoys() && decoys.is_empty() {
            job.problems.push(
                "(v) no decoys: an implement or fix exercise needs at least one `// course:decoy` (or `no_decoys = \"reason\"` in course.toml)".to_string(),
            );
        }
        if let Err(problems) = check_signatures(manifest, exercise, markers) {
            job.problems.extend(problems);
        }
        job.problems
            .extend(check_format(manifest, exercise, &clippy, &unformatted));
        if exercise.exercise.miri {
            if !miri {
                job.skipped = Some("Miri is not installed".to_string());
                continue;
            }
            check_under_miri(manifest, job, &scratch, &variants, options);
            continue;
        }
        let stub = variants.target(&bin);
        match check_stub_build(exercise, &stub) {
            Ok(Some(executable)) => test_jobs.push(TestJob {
                job: index,
                variant: Variant::Stub,
                executable,
                cwd: scratch.clone(),
            }),
            Ok(None) => {}
            Err(problem) => job.problems.push(problem),
        }
        let solution = solutions.target(&bin);
        match solution.test_executables.first() {
            Some(executable) if solution.success => test_jobs.push(TestJob {
                job: index,
                variant: Variant::Solution,
                executable: executable.clone(),
                cwd: manifest.root.clone(),
            }),
            _ => job.problems.push(format!(
                "(iii) the solution does not compile:\n{}",
                first_errors(&solution)
            )),
        }
        for (name, description) in decoys {
            let build = variants.target(&export::decoy_bin(&bin, &name));
            match build.test_executables.first() {
                Some(executable) if build.success => test_jobs.push(TestJob {
                    job: index,
                    variant: Variant::Decoy(name.clone()),
                    executable: executable.clone(),
                    cwd: scratch.clone(),
                }),
                _ => job.decoys.push((
                    name.clone(),
                    description.clone(),
                    DecoyOutcome::Broken(first_errors(&build)),
                )),
            }
        }
    }
    let clock = std::time::Instant::now();
    let binaries = test_jobs.len();
    let runs = parallel_map(&test_jobs, |job| {
        cargo::run_tests(&job.executable, &job.cwd, options.timeout)
    });
    eprintln!(
        "check: ran {binaries} test binaries in {:.1} s",
        clock.elapsed().as_secs_f64()
    );
    for (test_job, run) in test_jobs.iter().zip(runs) {
        let job = &mut jobs[test_job.job];
        let run = match run {
            Ok(run) => run,
            Err(error) => {
                job.problems.push(error.to_string());
                continue;
            }
        };
        judge(job, &test_job.variant, &run, &run.verdict());
    }
    for job in jobs.iter_mut() {
        // Decoys in the order the file has them, whatever order their runs finished in.
        if let Ok(markers) = &job.markers {
            let order: Vec<&str> = markers.decoys().iter().map(|d| d.name.as_str()).collect();
            job.decoys
                .sort_by_key(|(name, _, _)| order.iter().position(|n| n == name));
        }
    }
    Ok(solutions.libraries)
}

/// The contract for a crate exercise. Each version of the crate (stub, each decoy) is written in
/// turn into one scratch workspace of its own and built there, so its package keeps its name (a
/// trybuild test names the crate); the solution is built in the course's workspace, as
/// `cargo test` in CI builds it. Crate test binaries compile code themselves (trybuild), so they
/// get five times the time limit.
fn check_crate(
    manifest: &Manifest,
    job: &mut Job<'_>,
    scratch: &Path,
    target: &Path,
    options: Options,
) {
    let exercise = job.exercise;
    let Some(package) = exercise.exercise.package.clone() else {
        job.problems
            .push("a crate exercise needs `package` in course.toml".to_string());
        return;
    };
    let course_crate = manifest.crate_path(exercise);
    let timeout = options.timeout * 5;
    // Outside the target directory: trybuild shortens the paths in its expected output relative
    // to the crate only when the crate does not sit inside the target directory.
    let workspace = std::env::temp_dir()
        .join("course-check-crates")
        .join(scratch.file_name().unwrap_or_default())
        .join(&exercise.exercise.id);
    let member = workspace.join("crate");
    // A target directory of its own: cargo names a path package's artifacts by its name and
    // version only, so the scratch copy and the course's own build of the same package would
    // overwrite each other's binaries in one target directory.
    let crate_target = target.join("course-check-crates");
    let prepared =
        write_scratch_workspace(manifest, &workspace).and_then(|()| crates::decoys(&course_crate));
    let decoys = match prepared {
        Ok(decoys) => decoys,
        Err(error) => {
            job.problems.push(error.to_string());
            return;
        }
    };
    if exercise.exercise.needs_decoys() && decoys.is_empty() {
        job.problems.push(
            "(v) no decoys: an implement or fix exercise needs at least one `// course:decoy` (or `no_decoys = \"reason\"` in course.toml)".to_string(),
        );
    }
    let lib_name = cargo_toml::read_table(&course_crate.join("Cargo.toml"))
        .ok()
        .and_then(|t| t.get("lib")?.get("name")?.as_str().map(str::to_string))
        .unwrap_or_else(|| package.replace('-', "_"));
    // A version "compiles" when its library does; a test target that does not compile (a
    // macro that expands to broken code) counts as failing its tests.
    let build_version = |version: crates::Version<'_>| -> Result<CrateBuild> {
        crates::write_version(&course_crate, &member, version)?;
        let manifest_path = workspace.join("Cargo.toml");
        let mut build = TestBuild::new(&manifest_path);
        build.packages = vec![&package];
        build.keep_going = true;
        build.target_dir = Some(&crate_target);
        let build = build.run()?;
        let broken: Vec<String> = build
            .targets
            .iter()
            .filter(|(name, target)| target.error_count > 0 && **name != lib_name)
            .map(|(name, _)| name.clone())
            .collect();
        let lib_ok = build
            .targets
            .get(&lib_name)
            .is_none_or(|t| t.error_count == 0)
            && (build.success || !broken.is_empty());
        let runs = build
            .test_executables
            .iter()
            .map(|exe| cargo::run_package_tests(exe, &member, timeout))
            .collect::<Result<Vec<_>>>()?;
        Ok(CrateBuild {
            build,
            lib_ok,
            broken,
            run: TestRun::combined(runs),
        })
    };
    // (i) and (ii): the stub.
    match build_version(crates::Version::Stub) {
        Ok(CrateBuild {
            build, lib_ok, run, ..
        }) => {
            if let Some(declared) = exercise.exercise.stub_error_code() {
                let codes: Vec<&str> = build.error_codes.iter().map(String::as_str).collect();
                if build.success || codes != [declared] {
                    job.problems.push(format!(
                        "(i) the stub must fail with exactly {declared}, but fails with {}",
                        if build.success {
                            "nothing".to_string()
                        } else {
                            codes.join(", ")
                        }
                    ));
                }
            } else if !lib_ok {
                job.problems.push(format!(
                    "(i) the stub's library does not compile:\n{}",
                    first_errors(&build)
                ));
            } else {
                job.problems.extend(stub_problems(exercise, &run));
            }
        }
        Err(error) => job.problems.push(error.to_string()),
    }
    // (iii): the solution, in the course's workspace.
    let root_manifest = manifest.root.join("Cargo.toml");
    let mut solution = TestBuild::new(&root_manifest);
    solution.packages = vec![&package];
    solution.target_dir = Some(target);
    match solution
        .run()
        .and_then(|build| Ok((run_package_tests(&build, &course_crate, timeout)?, build)))
    {
        Ok((_, build)) if !build.success => job.problems.push(format!(
            "(iii) the solution does not compile:\n{}",
            first_errors(&build)
        )),
        Ok((runs, _)) => {
            let verdict = TestRun::combined(runs).verdict();
            if verdict != Verdict::Passed {
                job.problems.push(format!(
                    "(iii) the solution does not pass: {}",
                    verdict.summary()
                ));
            }
        }
        Err(error) => job.problems.push(error.to_string()),
    }
    match cargo::clippy(
        &root_manifest,
        &[&package],
        &[],
        target,
        &["-D", "warnings"],
    ) {
        Ok(lints) if !lints.success => job.problems.push(format!(
            "(iii) `cargo clippy -p {package} -- -D warnings` fails:\n{}",
            first_errors(&lints)
        )),
        Ok(_) => {}
        Err(error) => job.problems.push(error.to_string()),
    }
    let rust_files: Vec<PathBuf> = crates::files(&course_crate)
        .unwrap_or_default()
        .into_iter()
        .filter(|f| f.extension().is_some_and(|e| e == "rs"))
        // What `cargo fmt` formats: src/, and the top level of tests/ and benches/ (trybuild's
        // cases in tests/ui/ are test data, not targets).
        .filter(|f| f.starts_with("src") || f.components().count() == 2)
        .map(|f| course_crate.join(f))
        .collect();
    match rustfmt_unformatted(&manifest.root, &rust_files) {
        Ok(files) => {
            for file in files {
                job.problems.push(format!(
                    "(iii) `rustfmt --check --edition 2024 {}` wants changes",
                    file.strip_prefix(&manifest.root).unwrap_or(&file).display()
                ));
            }
        }
        Err(error) => job.problems.push(error),
    }
    // (iv): per file of the crate.
    for file in rust_files
        .iter()
        .filter(|f| f.starts_with(course_crate.join("src")))
    {
        let markers = fsx::read(file).and_then(|text| Markers::parse(file, &text));
        match markers {
            Ok(markers) => {
                if let Err(problems) = check_signatures_of(exercise, file, &markers) {
                    job.problems.extend(problems);
                }
            }
            Err(error) => job.problems.push(error.to_string()),
        }
    }
    // (v): each decoy in place of the solution, once the solution passes in the same place (so
    // a decoy is never "caught" by a test that fails for reasons of the scratch workspace).
    match build_version(crates::Version::Solution) {
        Ok(CrateBuild { build, run, .. }) if build.success => {
            let verdict = run.verdict();
            if verdict != Verdict::Passed {
                job.problems.push(format!(
                    "(v) the solution does not pass in the contract's scratch workspace {}, so its decoys cannot be judged: {}",
                    workspace.display(),
                    verdict.summary()
                ));
                return;
            }
        }
        Ok(CrateBuild { build, .. }) => {
            job.problems.push(format!(
                "(v) the solution does not compile in the contract's scratch workspace:\n{}",
                first_errors(&build)
            ));
            return;
        }
        Err(error) => {
            job.problems.push(error.to_string());
            return;
        }
    }
    for decoy in decoys {
        let outcome = match build_version(crates::Version::Decoy(&decoy.name)) {
            Ok(CrateBuild {
                build,
                lib_ok: false,
                ..
            }) => DecoyOutcome::Broken(first_errors(&build)),
            Ok(CrateBuild { broken, run, .. }) => decoy_outcome(&run, &broken),
            Err(error) => DecoyOutcome::Broken(error.to_string()),
        };
        job.decoys.push((decoy.name, decoy.description, outcome));
    }
}

/// What a decoy's run means: caught when a test fails or a test target does not compile
/// (`broken`), escaped when every test passes.
fn decoy_outcome(run: &TestRun, broken: &[impl AsRef<str>]) -> DecoyOutcome {
    match run.verdict() {
        Verdict::Passed if broken.is_empty() => DecoyOutcome::Escaped,
        Verdict::Passed => DecoyOutcome::Caught(format!(
            "test target {} does not compile",
            broken
                .iter()
                .map(AsRef::as_ref)
                .collect::<Vec<_>>()
                .join(", ")
        )),
        failed => DecoyOutcome::Caught(failed.first_reason()),
    }
}

/// A scratch workspace whose one member is `crate/`, with the course's workspace tables and
/// lockfile, for building versions of a crate exercise or a capstone.
fn write_scratch_workspace(manifest: &Manifest, workspace: &Path) -> Result<()> {
    let root_toml = cargo_toml::root_cargo_toml(&manifest.root)?;
    let path = workspace.join("Cargo.toml");
    fsx::write_if_changed(
        &path,
        cargo_toml::edition_workspace(&root_toml, &["crate".to_string()], &path)?,
    )?;
    let lock = manifest.root.join("Cargo.lock");
    if lock.is_file() {
        fsx::write_if_changed(&workspace.join("Cargo.lock"), fsx::read(&lock)?)?;
    }
    Ok(())
}

/// One version of a crate exercise, built and tested.
struct CrateBuild {
    /// What cargo said.
    build: Build,
    /// Whether the crate's library compiled.
    lib_ok: bool,
    /// Test targets that did not compile.
    broken: Vec<String>,
    /// The test binaries that did compile, run, as one.
    run: TestRun,
}

/// Runs every test binary a build produced for a crate, in its folder.
fn run_package_tests(build: &Build, package_dir: &Path, timeout: Duration) -> Result<Vec<TestRun>> {
    if !build.success {
        return Ok(Vec::new());
    }
    build
        .test_executables
        .iter()
        .map(|executable| cargo::run_package_tests(executable, package_dir, timeout))
        .collect()
}

/// Records what one test run means for its exercise.
fn judge(job: &mut Job<'_>, variant: &Variant, run: &TestRun, verdict: &Verdict) {
    match variant {
        Variant::Stub => job.problems.extend(stub_problems(job.exercise, run)),
        Variant::Solution => {
            if *verdict != Verdict::Passed {
                job.problems.push(format!(
                    "(iii) the solution does not pass: {}",
                    verdict.summary()
                ));
            }
        }
        Variant::Decoy(name) => {
            let description = job
                .markers
                .as_ref()
                .ok()
                .and_then(|m| m.decoys().iter().find(|d| &d.name == name))
                .map(|d| d.description.clone())
                .unwrap_or_default();
            let outcome = match verdict {
                Verdict::Passed => DecoyOutcome::Escaped,
                failed => DecoyOutcome::Caught(failed.first_reason()),
            };
            job.decoys.push((name.clone(), description, outcome));
        }
    }
}

/// Applies `work` to every item, as many at a time as the machine has cores, and returns the
/// results in the items' order. Test binaries and rustc runs mostly wait, so this keeps both
/// cores busy.
fn parallel_map<T: Sync, R: Send>(items: &[T], work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = std::sync::Mutex::new(Vec::with_capacity(items.len()));
    std::thread::scope(|scope| {
        for _ in 0..workers.min(items.len()) {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(item) = items.get(index) else { break };
                    let result = work(item);
                    // A poisoned lock means another worker panicked; its panic is re-raised
                    // when the scope ends, so this result is not needed.
                    if let Ok(mut results) = results.lock() {
                        results.push((index, result));
                    }
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_default();
    results.sort_by_key(|(index, _)| *index);
    results.into_iter().map(|(_, result)| result).collect()
}

fn first_errors(build: &Build) -> String {
    let shown: Vec<&str> = build
        .rendered_errors
        .iter()
        .take(2)
        .map(|s| s.trim_end())
        .collect();
    if shown.is_empty() {
        build
            .stderr
            .trim_end()
            .lines()
            .rev()
            .take(5)
            .collect::<Vec<_>>()
            .join("\n")
    } else {
        shown.join("\n")
    }
}

/// Part (i): the stub compiles, or fails with exactly its declared code. Returns the stub's test
/// binary when its tests are to be run.
fn check_stub_build(
    exercise: ExerciseRef<'_>,
    build: &Build,
) -> std::result::Result<Option<PathBuf>, String> {
    if let Some(declared) = exercise.exercise.stub_error_code() {
        if build.success {
            return Err(format!(
                "(i) the stub compiles, but it must fail with {declared}"
            ));
        }
        let codes: Vec<&str> = build.error_codes.iter().map(String::as_str).collect();
        if codes != [declared] {
            let found = if codes.is_empty() {
                "no error code".to_string()
            } else {
                codes.join(", ")
            };
            return Err(format!(
                "(i) the stub must fail with exactly {declared}, but fails with {found}\n{}",
                first_errors(build)
            ));
        }
        return Ok(None);
    }
    match build.test_executables.first() {
        Some(executable) if build.success => Ok(Some(executable.clone())),
        _ => Err(format!(
            "(i) the stub does not compile:\n{}",
            first_errors(build)
        )),
    }
}

/// Part (ii): every test fails on the stub, except the exempted ones.
fn stub_problems(exercise: ExerciseRef<'_>, run: &TestRun) -> Vec<String> {
    if run.timed_out {
        return vec!["(ii) the stub's tests did not finish in time".to_string()];
    }
    if run.listed.is_empty() {
        return vec!["(ii) the stub has no tests".to_string()];
    }
    let exempt: Vec<&str> = exercise
        .exercise
        .exempt
        .iter()
        .map(|e| e.test.as_str())
        .collect();
    let mut problems = Vec::new();
    for result in &run.results {
        let exempted = exempt.contains(&result.name.as_str());
        match result.outcome {
            Outcome::Passed if !exempted => problems.push(format!(
                "(ii) test {} passes on the stub: it does not test the learner's work (fix the test or list it in `exempt` with a reason)",
                result.name
            )),
            Outcome::Ignored => problems.push(format!(
                "(ii) test {} is ignored; exercise tests must run",
                result.name
            )),
            _ => {}
        }
    }
    for name in exempt {
        if !run.listed.iter().any(|listed| listed == name) {
            problems.push(format!("(ii) exempt test {name} does not exist"));
        }
    }
    problems
}

/// Part (iii), the style half: clippy and rustfmt (from one shared run of each).
fn check_format(
    manifest: &Manifest,
    exercise: ExerciseRef<'_>,
    clippy: &Build,
    unformatted: &std::result::Result<Vec<PathBuf>, String>,
) -> Vec<String> {
    let bin = exercise.bin_name();
    let package = &exercise.module.package;
    let mut problems = Vec::new();
    let lints = clippy.targets.get(&bin);
    let failed_here = lints.is_some_and(|l| l.error_count > 0);
    let failed_elsewhere = !clippy.success && clippy.targets.values().all(|l| l.error_count == 0);
    if failed_here || failed_elsewhere {
        let shown = lints.cloned().unwrap_or_else(|| Build {
            stderr: clippy.stderr.clone(),
            ..Build::default()
        });
        problems.push(format!(
            "(iii) `cargo clippy -p {package} --bin {bin} -- -D warnings` fails:\n{}",
            first_errors(&shown)
        ));
    }
    match unformatted {
        Ok(files) if files.contains(&manifest.exercise_path(exercise)) => problems.push(format!(
            "(iii) `rustfmt --check --edition 2024 {}` wants changes (run `cargo fmt -p {package}`)",
            exercise.rel_path()
        )),
        Ok(_) => {}
        Err(error) => problems.push(error.clone()),
    }
    problems
}

/// The files `rustfmt --check` would change, from one run over all of them.
fn rustfmt_unformatted(
    root: &Path,
    files: &[PathBuf],
) -> std::result::Result<Vec<PathBuf>, String> {
    if files.is_empty() {
        return Ok(Vec::new());
    }
    let mut rustfmt = Command::new("rustfmt");
    rustfmt
        .args(["--check", "--files-with-diff", "--edition", "2024"])
        .args(files)
        .current_dir(root);
    let output = cargo::run_captured(rustfmt, None).map_err(|e| e.to_string())?;
    Ok(output.stdout.lines().map(PathBuf::from).collect())
}

/// Part (iv): the stub keeps the solution's items and signatures.
fn check_signatures(
    manifest: &Manifest,
    exercise: ExerciseRef<'_>,
    markers: &Markers,
) -> std::result::Result<(), Vec<String>> {
    check_signatures_of(exercise, &manifest.exercise_path(exercise), markers)
}

/// Part (iv) for one file of an exercise.
fn check_signatures_of(
    exercise: ExerciseRef<'_>,
    source_path: &Path,
    markers: &Markers,
) -> std::result::Result<(), Vec<String>> {
    let learner_items: Vec<String> = exercise
        .exercise
        .learner_items
        .iter()
        .map(|item| signature::plain_entry(item))
        .collect();
    signatures_problems(&learner_items, exercise.exercise.kind, source_path, markers)
}

/// Part (iv) for one file: the stub against the solution, with the learner-written items (as
/// [`signature::plain_entry`]) compared by name only, and everything by name for a fix exercise.
fn signatures_problems(
    learner_items: &[String],
    kind: Kind,
    source_path: &Path,
    markers: &Markers,
) -> std::result::Result<(), Vec<String>> {
    let solution =
        signature::signatures(source_path, &markers.solution()).map_err(|e| vec![e.to_string()])?;
    let stub_path = source_path.with_extension("stub.rs");
    let stub_items = signature::signatures(&stub_path, &markers.stub())
        .map_err(|e| vec![format!("(iv) the stub is not valid Rust syntax: {e}")])?;
    let mut problems: Vec<String> = learner_items
        .iter()
        .filter(|item| !signature::names_an_item(item, &solution))
        .map(|item| format!("(iv) learner_items names `{item}`, which the solution does not have"))
        .collect();
    let compare = |key: &str, signature: &str| {
        if signature::learner_written(key, signature, learner_items) {
            signature::Compare::Free
        } else if kind == Kind::Fix {
            signature::Compare::Name
        } else {
            signature::Compare::Signature
        }
    };
    problems.extend(
        signature::signature_drift(&solution, &stub_items, compare)
            .into_iter()
            .map(|d| format!("(iv) {d}")),
    );
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// The toolchain Miri runs on: `+nightly`, or `+$COURSE_MIRI_TOOLCHAIN` (a dated nightly, say).
fn miri_toolchain() -> String {
    let name = std::env::var("COURSE_MIRI_TOOLCHAIN").unwrap_or_else(|_| "nightly".to_string());
    format!("+{name}")
}

/// Whether `cargo +nightly miri` works here.
fn miri_available() -> bool {
    let mut command = Command::new("cargo");
    command.arg(miri_toolchain()).args(["miri", "--version"]);
    cargo::run_captured(command, Some(Duration::from_secs(60))).is_ok_and(|c| c.success)
}

/// Runs one variant's tests under Miri: `cargo +nightly miri test`, with `listed` taken from the
/// native build of the same variant.
fn miri_run(
    manifest_path: &Path,
    package: &str,
    bin: &str,
    listed: Vec<String>,
    timeout: Duration,
) -> Result<TestRun> {
    let mut command = Command::new("cargo");
    command
        .arg(miri_toolchain())
        .args(["miri", "test", "--manifest-path"])
        .arg(manifest_path)
        .args(["--package", package, "--bin", bin, "--", "--color", "never"])
        .env("RUST_BACKTRACE", "0");
    if let Some(dir) = manifest_path.parent() {
        command.current_dir(dir);
    }
    let captured = cargo::run_captured(command, Some(timeout))?;
    Ok(TestRun {
        listed,
        results: cargo::parse_libtest(&captured.stdout),
        output: format!("{}{}", captured.stdout, captured.stderr),
        timed_out: captured.timed_out,
        timeout,
        status: captured.status,
    })
}

/// Whether Miri's output reports undefined behaviour.
fn reports_ub(run: &TestRun) -> bool {
    run.output.contains("Undefined Behavior")
}

/// The Miri half of the contract for one exercise: the stub is flagged as undefined behaviour,
/// the solution passes under Miri, each decoy is flagged or fails a test.
fn check_under_miri(
    manifest: &Manifest,
    job: &mut Job<'_>,
    scratch: &Path,
    variants: &Build,
    options: Options,
) {
    // Miri interprets every instruction; give it ten times the native limit.
    let timeout = options.timeout * 10;
    let exercise = job.exercise;
    let bin = exercise.bin_name();
    let package = &exercise.module.package;
    let listed = |name: &str, cwd: &Path| -> Vec<String> {
        variants
            .target(name)
            .test_executables
            .first()
            .and_then(|exe| cargo::run_tests(exe, cwd, options.timeout).ok())
            .map(|run| run.listed)
            .unwrap_or_default()
    };
    let scratch_manifest = scratch.join("Cargo.toml");
    if exercise.exercise.stub_error_code().is_some() {
        // A stub that must not compile is checked as everywhere else; Miri has nothing to run.
        if let Err(problem) = check_stub_build(exercise, &variants.target(&bin)) {
            job.problems.push(problem);
        }
    } else {
        match miri_run(
            &scratch_manifest,
            package,
            &bin,
            listed(&bin, scratch),
            timeout,
        ) {
            Ok(run) if reports_ub(&run) => {}
            Ok(run) => job.problems.push(format!(
                "(ii) Miri does not report undefined behaviour in the stub ({})",
                run.verdict_with(true).summary()
            )),
            Err(error) => job.problems.push(error.to_string()),
        }
    }
    let root_manifest = manifest.root.join("Cargo.toml");
    match miri_run(&root_manifest, package, &bin, Vec::new(), timeout) {
        Ok(run) if reports_ub(&run) => job
            .problems
            .push("(iii) Miri reports undefined behaviour in the solution".to_string()),
        Ok(run) => {
            let verdict = run.verdict_with(true);
            // The solution's list comes from its own run: Miri built it, natively it is built too.
            if run.status.is_none_or(|s| !s.success()) || !run.failed().is_empty() {
                job.problems.push(format!(
                    "(iii) the solution does not pass under Miri: {}",
                    verdict.summary()
                ));
            }
        }
        Err(error) => job.problems.push(error.to_string()),
    }
    let decoys: Vec<(String, String)> = job
        .markers
        .as_ref()
        .map(|m| {
            m.decoys()
                .iter()
                .map(|d| (d.name.clone(), d.description.clone()))
                .collect()
        })
        .unwrap_or_default();
    for (name, description) in decoys {
        let decoy_bin = export::decoy_bin(&bin, &name);
        let build = variants.target(&decoy_bin);
        if !build.success {
            job.decoys.push((
                name,
                description,
                DecoyOutcome::Broken(first_errors(&build)),
            ));
            continue;
        }
        let outcome = match miri_run(
            &scratch_manifest,
            package,
            &decoy_bin,
            listed(&decoy_bin, scratch),
            timeout,
        ) {
            Ok(run) if reports_ub(&run) => {
                DecoyOutcome::Caught("Miri: undefined behaviour".to_string())
            }
            Ok(run) => match run.verdict_with(true) {
                Verdict::Passed => DecoyOutcome::Escaped,
                failed => DecoyOutcome::Caught(failed.first_reason()),
            },
            Err(error) => DecoyOutcome::Broken(error.to_string()),
        };
        job.decoys.push((name, description, outcome));
    }
}

/// Checks every ` ```compile_fail,E0xxx ` block in a module's notes; one row per block.
///
/// # Errors
/// When a note cannot be read or the scratch directory cannot be written.
/// A block may use what a doctest of its module could: the module's own library and its
/// dependencies, when the course's build produced them (`libraries`).
pub fn check_notes(
    manifest: &Manifest,
    module: &Module,
    libraries: &Libraries,
) -> Result<Vec<Row>> {
    let scratch = export::check_workspace_dir(&manifest.root).join("notes");
    let mut wanted = vec![module.package.replace('-', "_")];
    if let Ok(package) = cargo_toml::read_table(&manifest.root.join(&module.dir).join("Cargo.toml"))
    {
        for key in ["dependencies", "dev-dependencies"] {
            if let Some(table) = package.get(key).and_then(|t| t.as_table()) {
                wanted.extend(table.keys().map(|name| name.replace('-', "_")));
            }
        }
    }
    let externs: Vec<(String, PathBuf)> = wanted
        .into_iter()
        .filter_map(|name| libraries.get(&name).map(|path| (name, path.clone())))
        .collect();
    let mut rows = Vec::new();
    for note in &module.notes {
        let path = manifest.root.join(&module.dir).join(note);
        rows.extend(check_markdown_blocks(
            &scratch,
            &path,
            &format!("{}/{note}", module.dir),
            &externs,
        ));
    }
    Ok(rows)
}

/// Checks the ` ```compile_fail,E0xxx ` blocks of the course-wide pages in `docs/`.
///
/// They are compiled as doctests of the `examples` crate, where stable rustdoc checks only that
/// they fail, so their error codes are checked here like the notes'.
///
/// # Errors
/// When `docs/` cannot be listed.
pub fn check_docs(manifest: &Manifest) -> Result<Vec<Row>> {
    let scratch = export::check_workspace_dir(&manifest.root).join("notes");
    let docs = manifest.root.join("docs");
    let mut pages: Vec<_> = match std::fs::read_dir(&docs) {
        Ok(entries) => entries
            .filter_map(|entry| entry.ok().map(|entry| entry.path()))
            .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
            .collect(),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(error) => return Err(crate::Error::io(&docs, error)),
    };
    pages.sort();
    let mut rows = Vec::new();
    for page in pages {
        let name = page.file_name().map_or_else(String::new, |name| {
            format!("docs/{}", name.to_string_lossy())
        });
        rows.extend(check_markdown_blocks(&scratch, &page, &name, &[]));
    }
    Ok(rows)
}

/// One row per ` ```compile_fail,E0xxx ` block of one Markdown file.
fn check_markdown_blocks(
    scratch: &Path,
    path: &Path,
    name: &str,
    externs: &[(String, PathBuf)],
) -> Vec<Row> {
    let Ok(text) = fsx::read(path) else {
        return vec![Row {
            label: name.to_string(),
            problems: vec!["the file cannot be read".into()],
        }];
    };
    let (fences, _) = markdown::fences(&text);
    let blocks: Vec<(String, String, &str)> = fences
        .iter()
        .filter_map(|fence| {
            let code = fence.compile_fail_code()?;
            let label = format!("{name}:{} {code}", fence.line);
            Some((label, markdown::doctest_program(&fence.body), code))
        })
        .collect();
    let results = parallel_map(&blocks, |(_, program, code)| {
        compile_fail_with(scratch, program, code, externs)
    });
    blocks
        .into_iter()
        .zip(results)
        .map(|((label, _, _), result)| Row {
            label,
            problems: result.err().into_iter().collect(),
        })
        .collect()
}

/// Compiles one program with rustc and demands that it fails with exactly `code`.
///
/// # Errors
/// A one-line description of what happened instead.
pub fn check_compile_fail(
    scratch: &Path,
    program: &str,
    code: &str,
) -> std::result::Result<(), String> {
    compile_fail_with(scratch, program, code, &[])
}

/// [`check_compile_fail`] with libraries the program may use (`--extern name=path`, and their
/// folders for the libraries they depend on in turn).
fn compile_fail_with(
    scratch: &Path,
    program: &str,
    code: &str,
    externs: &[(String, PathBuf)],
) -> std::result::Result<(), String> {
    // One file and crate name per program, so blocks can be compiled at the same time.
    let hash = crate::hash::fnv1a(format!("{code}\n{program}").as_bytes());
    let crate_name = format!("note_block_{hash:016x}");
    let file = scratch.join(format!("{crate_name}.rs"));
    fsx::write(&file, program).map_err(|e| e.to_string())?;
    let mut rustc = Command::new("rustc");
    rustc
        .args([
            "--edition",
            "2024",
            "--error-format=json",
            "--crate-type",
            "bin",
        ])
        .args(["--emit=metadata", "--crate-name", &crate_name, "--out-dir"])
        .arg(scratch)
        .arg(&file);
    let mut folders: Vec<&Path> = Vec::new();
    for (name, path) in externs {
        rustc
            .arg("--extern")
            .arg(format!("{name}={}", path.display()));
        if let Some(folder) = path.parent()
            && !folders.contains(&folder)
        {
            folders.push(folder);
        }
    }
    for folder in folders {
        rustc
            .arg("-L")
            .arg(format!("dependency={}", folder.display()));
    }
    let output = cargo::run_captured(rustc, None).map_err(|e| e.to_string())?;
    if output.success {
        return Err(format!(
            "the block compiles, but it is marked compile_fail,{code}"
        ));
    }
    let build = cargo::parse_rustc_messages(&output.stderr);
    let codes: Vec<&str> = build.error_codes.iter().map(String::as_str).collect();
    if codes == [code] {
        Ok(())
    } else if codes.is_empty() {
        Err(format!(
            "the block fails without an error code, not with {code}: {}",
            build
                .rendered_errors
                .first()
                .map(|s| s.lines().next().unwrap_or(""))
                .unwrap_or("")
        ))
    } else {
        Err(format!(
            "the block fails with {}, not exactly {code}",
            codes.join(", ")
        ))
    }
}

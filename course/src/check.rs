//! The exercise contract: proves that every exercise is a real exercise.
//!
//! A full run (no ids) starts with a row for the manifest's own validation.
//! Then, for each exercise (one row each):
//!
//! 1. the stub compiles, or for a `fix` exercise fails with exactly its declared error code;
//! 2. every test fails on the stub, except those listed in `exempt`;
//! 3. the solution passes its tests, `cargo clippy -- -D warnings` and `rustfmt --check`;
//! 4. the stub keeps the solution's items and signatures (names only for `fix`).
//!
//! Stubs are built in a scratch workspace `<target>/course-check/`, written by the export code,
//! so the contract checks exactly what students receive. It shares the course's target directory.
//! Notes are checked too: every ` ```compile_fail,E0xxx ` block must fail with that code, which
//! stable rustdoc does not verify. The last line printed is `N passed, M failed`.

use crate::cargo::{self, Build, Outcome};
use crate::error::{Result, fsx};
use crate::exercise;
use crate::export;
use crate::manifest::{ExerciseRef, Kind, Manifest, Module};
use crate::markdown;
use std::io::Write;
use std::path::Path;
use std::process::Command;

/// What one contract row found.
#[derive(Debug, Clone)]
pub struct Row {
    /// What was checked (`01.2 implement m01-x` or a note block).
    pub label: String,
    /// Problems found; empty means the row passed.
    pub problems: Vec<String>,
}

/// The totals of a contract run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// Rows that passed.
    pub passed: usize,
    /// Rows that failed.
    pub failed: usize,
}

/// What to check: exercises, and the modules whose notes to check.
struct Selection<'m> {
    exercises: Vec<ExerciseRef<'m>>,
    note_modules: Vec<&'m Module>,
}

fn select<'m>(manifest: &'m Manifest, ids: &[String]) -> Result<Selection<'m>> {
    if ids.is_empty() {
        return Ok(Selection {
            exercises: manifest.exercises().collect(),
            note_modules: manifest.module.iter().collect(),
        });
    }
    let mut selection = Selection {
        exercises: Vec::new(),
        note_modules: Vec::new(),
    };
    for id in ids {
        if let Some(exercise) = manifest.exercise(id) {
            selection.exercises.push(exercise);
        } else if let Some(module) = manifest.module(id) {
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

/// Runs the contract over the exercises and modules named by `ids` (all when empty), printing one
/// row per exercise and per `compile_fail` note block, then `N passed, M failed`.
///
/// # Errors
/// Only for problems that stop the whole run (an unknown id, an unwritable scratch workspace).
pub fn run(manifest: &Manifest, ids: &[String], out: &mut dyn Write) -> Result<Summary> {
    let selection = select(manifest, ids)?;
    let scratch = export::check_workspace_dir(&manifest.root);
    let modules: Vec<&Module> = manifest
        .module
        .iter()
        .filter(|m| selection.exercises.iter().any(|e| e.module.id == m.id))
        .collect();
    let mut summary = Summary {
        passed: 0,
        failed: 0,
    };
    let mut record = |row: Row, out: &mut dyn Write| {
        print_row(&row, out);
        if row.problems.is_empty() {
            summary.passed += 1;
        } else {
            summary.failed += 1;
        }
    };
    if ids.is_empty() {
        let problems = manifest.validate()?;
        record(
            Row {
                label: "course.toml (as `cargo course check-manifest`)".to_string(),
                problems,
            },
            out,
        );
    }
    let edition = export::write_edition(manifest, &modules, &scratch);
    for exercise in &selection.exercises {
        let row = match &edition {
            Ok(()) => check_exercise(manifest, *exercise, &scratch),
            Err(error) => Row {
                label: label(*exercise),
                problems: vec![format!("could not write the stub workspace: {error}")],
            },
        };
        record(row, out);
    }
    for module in &selection.note_modules {
        for row in check_notes(manifest, module)? {
            record(row, out);
        }
    }
    if ids.is_empty() {
        for row in check_docs(manifest)? {
            record(row, out);
        }
    }
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

/// Checks one exercise; its stub must already be written into `scratch`.
pub fn check_exercise(manifest: &Manifest, exercise: ExerciseRef<'_>, scratch: &Path) -> Row {
    let mut problems = Vec::new();
    let source_path = manifest.exercise_path(exercise);
    let (source, stub) = match fsx::read(&source_path)
        .and_then(|source| exercise::stub(&source_path, &source).map(|stub| (source, stub)))
    {
        Ok(pair) => pair,
        Err(error) => {
            return Row {
                label: label(exercise),
                problems: vec![error.to_string()],
            };
        }
    };
    let target = cargo::target_dir(&manifest.root);
    if let Err(problem) = check_stub(exercise, scratch, &target) {
        problems.extend(problem);
    }
    if let Err(problem) = check_solution(manifest, exercise, &source_path, &target) {
        problems.extend(problem);
    }
    if let Err(problem) = check_signatures(exercise, &source_path, &source, &stub) {
        problems.extend(problem);
    }
    Row {
        label: label(exercise),
        problems,
    }
}

type Checked = std::result::Result<(), Vec<String>>;

fn fail(message: impl Into<String>) -> Checked {
    Err(vec![message.into()])
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

/// Parts (i) and (ii): the stub compiles (or fails with its code) and its tests fail.
fn check_stub(exercise: ExerciseRef<'_>, scratch: &Path, target: &Path) -> Checked {
    let mut command = cargo::cargo();
    command
        .arg("test")
        .arg("--manifest-path")
        .arg(scratch.join("Cargo.toml"))
        .args(["--no-run", "--package", &exercise.module.package])
        .args(["--bin", &exercise.bin_name()])
        .env("CARGO_TARGET_DIR", target)
        .current_dir(scratch);
    let build = cargo::build_json(command).map_err(|e| vec![e.to_string()])?;
    if exercise.exercise.kind == Kind::Fix {
        let declared = exercise.exercise.error.as_deref().unwrap_or("(none)");
        if build.success {
            return fail(format!(
                "(i) the stub compiles, but a fix exercise's stub must fail with {declared}"
            ));
        }
        let codes: Vec<&str> = build.error_codes.iter().map(String::as_str).collect();
        if codes != [declared] {
            let found = if codes.is_empty() {
                "no error code".to_string()
            } else {
                codes.join(", ")
            };
            return fail(format!(
                "(i) the stub must fail with exactly {declared}, but fails with {found}\n{}",
                first_errors(&build)
            ));
        }
        return Ok(());
    }
    if !build.success {
        return fail(format!(
            "(i) the stub does not compile:\n{}",
            first_errors(&build)
        ));
    }
    let Some(executable) = build.test_executables.first() else {
        return fail("(i) cargo built no test binary for the stub");
    };
    let run = cargo::run_tests(executable, scratch).map_err(|e| vec![e.to_string()])?;
    if run.timed_out {
        return fail("(ii) the stub's tests did not finish in time");
    }
    if run.results.is_empty() {
        return fail("(ii) the stub has no tests");
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
        if !run.results.iter().any(|r| r.name == name) {
            problems.push(format!("(ii) exempt test {name} does not exist"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// Part (iii): the solution passes its tests, clippy and rustfmt.
fn check_solution(
    manifest: &Manifest,
    exercise: ExerciseRef<'_>,
    source_path: &Path,
    target: &Path,
) -> Checked {
    let root = &manifest.root;
    let bin = exercise.bin_name();
    let package = &exercise.module.package;
    let mut problems = Vec::new();
    let mut command = cargo::cargo();
    command
        .arg("test")
        .arg("--manifest-path")
        .arg(root.join("Cargo.toml"))
        .args(["--no-run", "--package", package, "--bin", &bin])
        .env("CARGO_TARGET_DIR", target)
        .current_dir(root);
    let build = cargo::build_json(command).map_err(|e| vec![e.to_string()])?;
    match build.test_executables.first() {
        Some(executable) if build.success => {
            let run = cargo::run_tests(executable, root).map_err(|e| vec![e.to_string()])?;
            if run.timed_out {
                problems.push("(iii) the solution's tests did not finish in time".to_string());
            } else if !run.all_passed() {
                let failed = run.failed();
                problems.push(if failed.is_empty() {
                    "(iii) the solution has no passing tests".to_string()
                } else {
                    format!("(iii) the solution fails {}", failed.join(", "))
                });
            }
        }
        _ => problems.push(format!(
            "(iii) the solution does not compile:\n{}",
            first_errors(&build)
        )),
    }
    let mut clippy = cargo::cargo();
    clippy
        .arg("clippy")
        .arg("--manifest-path")
        .arg(root.join("Cargo.toml"))
        .args(["--package", package, "--bin", &bin])
        .env("CARGO_TARGET_DIR", target)
        .current_dir(root);
    clippy
        .arg("--message-format=json")
        .args(["--", "-D", "warnings"]);
    match cargo::run_captured(clippy, None) {
        Ok(output) if output.success => {}
        Ok(output) => {
            let build = cargo::parse_build_messages(&output.stdout);
            let build = Build {
                stderr: output.stderr,
                ..build
            };
            problems.push(format!(
                "(iii) `cargo clippy -p {package} --bin {bin} -- -D warnings` fails:\n{}",
                first_errors(&build)
            ));
        }
        Err(error) => problems.push(error.to_string()),
    }
    let mut rustfmt = Command::new("rustfmt");
    rustfmt
        .args(["--check", "--edition", "2024"])
        .arg(source_path)
        .current_dir(root);
    match cargo::run_captured(rustfmt, None) {
        Ok(output) if output.success => {}
        Ok(_) => problems.push(format!(
            "(iii) `rustfmt --check --edition 2024 {}` wants changes (run `cargo fmt -p {package}`)",
            exercise.rel_path()
        )),
        Err(error) => problems.push(error.to_string()),
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// Part (iv): the stub keeps the solution's items and signatures.
fn check_signatures(
    exercise: ExerciseRef<'_>,
    source_path: &Path,
    source: &str,
    stub: &str,
) -> Checked {
    let solution = exercise::signatures(source_path, source).map_err(|e| vec![e.to_string()])?;
    let stub_path = source_path.with_extension("stub.rs");
    let stub_items = match exercise::signatures(&stub_path, stub) {
        Ok(items) => items,
        Err(error) => return fail(format!("(iv) the stub is not valid Rust syntax: {error}")),
    };
    let drift =
        exercise::signature_drift(&solution, &stub_items, exercise.exercise.kind == Kind::Fix);
    if drift.is_empty() {
        Ok(())
    } else {
        Err(drift.into_iter().map(|d| format!("(iv) {d}")).collect())
    }
}

/// Checks every ` ```compile_fail,E0xxx ` block in a module's notes; one row per block.
///
/// # Errors
/// When a note cannot be read or the scratch directory cannot be written.
pub fn check_notes(manifest: &Manifest, module: &Module) -> Result<Vec<Row>> {
    let scratch = export::check_workspace_dir(&manifest.root).join("notes");
    let mut rows = Vec::new();
    for note in &module.notes {
        let path = manifest.root.join(&module.dir).join(note);
        rows.extend(check_markdown_blocks(
            &scratch,
            &path,
            &format!("{}/{note}", module.dir),
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
        rows.extend(check_markdown_blocks(&scratch, &page, &name));
    }
    Ok(rows)
}

/// One row per ` ```compile_fail,E0xxx ` block of one Markdown file.
fn check_markdown_blocks(scratch: &Path, path: &Path, name: &str) -> Vec<Row> {
    let Ok(text) = fsx::read(path) else {
        return vec![Row {
            label: name.to_string(),
            problems: vec!["the file cannot be read".into()],
        }];
    };
    let (fences, _) = markdown::fences(&text);
    fences
        .iter()
        .filter_map(|fence| {
            let code = fence.compile_fail_code()?;
            let label = format!("{name}:{} {code}", fence.line);
            let program = markdown::doctest_program(&fence.body);
            let problems = match check_compile_fail(scratch, &program, code) {
                Ok(()) => Vec::new(),
                Err(problem) => vec![problem],
            };
            Some(Row { label, problems })
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
    let file = scratch.join("block.rs");
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
        .args(["--emit=metadata", "--crate-name", "note_block", "--out-dir"])
        .arg(scratch)
        .arg(&file);
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

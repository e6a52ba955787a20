//! Runs a parsed command line: finds the course, then hands each command to the module that
//! does it ([`crate::learner`], [`crate::watch`], [`crate::export`], [`crate::report`],
//! [`crate::check`], [`crate::manifest`], [`crate::book`]) and prints the instructor and
//! maintainer commands' results.
//!
//! Every failure comes back as an [`Error`] (one line, printed by `main`); a command whose result
//! is "no" (tests fail, the contract finds problems) returns a failing exit code instead.

use crate::check;
use crate::cli::{Cli, Command};
use crate::error::{Error, Result};
use crate::export;
use crate::learner::Learner;
use crate::manifest::{self, Manifest};
use crate::report;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

/// `println!` that ignores a closed stdout.
macro_rules! outln {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// Runs one parsed command line.
///
/// # Errors
/// Every failure that is not a plain "no" (unreadable files, unknown ids, refused commands).
pub fn run(cli: Cli) -> Result<ExitCode> {
    let root = find_root(cli.root)?;
    let manifest = Manifest::load(&root)?;
    let timeout = Duration::from_secs(cli.timeout.max(1));
    let command = cli.command.unwrap_or(Command::List);
    if manifest.course.student_edition && !command.in_student_edition() {
        return Err(Error::Refused(
            "this is a student edition: it has the learner commands (list, verify, hint, reset, watch) only"
                .into(),
        ));
    }
    match command {
        Command::List => Learner::new(&manifest, timeout)?.list(),
        Command::Start { id, all_tests } => Learner::new(&manifest, timeout)?.start(&id, all_tests),
        Command::Verify { id } => Learner::new(&manifest, timeout)?.verify(id.as_deref()),
        Command::Hint { id } => Learner::new(&manifest, timeout)?.hint(&id),
        Command::Solution { id, yes } => Learner::new(&manifest, timeout)?.solution(&id, yes),
        Command::Reset { id } => Learner::new(&manifest, timeout)?.reset(&id),
        Command::Watch { id, poll } => {
            crate::watch::watch(&mut Learner::new(&manifest, timeout)?, id.as_deref(), poll)
        }
        Command::Bench { id, quick } => {
            let Some(capstone) = manifest.capstone(&id) else {
                return Err(manifest.unknown(&id));
            };
            let learner = Learner::new(&manifest, timeout)?;
            crate::bench::run(
                &manifest,
                capstone,
                &learner.capstone_dir(capstone),
                &crate::learner::capstone_target(&manifest.root),
                quick,
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Export { modules, out } => export_command(&manifest, &modules, &out),
        Command::Report { dir, format } => {
            let entries = report::run(&manifest, &dir, timeout)?;
            let _ = write!(std::io::stdout(), "{}", report::render(&entries, format));
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { ids, skip_staged } => {
            let options = check::Options {
                timeout,
                staged: !skip_staged,
            };
            let summary = check::run(&manifest, &ids, options, &mut std::io::stdout())?;
            Ok(if summary.failed == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Command::CheckManifest => check_manifest(&manifest),
        Command::Sync => sync(&manifest),
        Command::Book => book(&manifest),
    }
}

impl Command {
    /// Whether a student edition offers this command (it has no solutions and no contract).
    fn in_student_edition(&self) -> bool {
        matches!(
            self,
            Command::List
                | Command::Start { .. }
                | Command::Verify { .. }
                | Command::Hint { .. }
                | Command::Solution { .. }
                | Command::Reset { .. }
                | Command::Watch { .. }
        )
    }
}

/// The course folder: `--root`, or the nearest folder upwards that holds `course.toml`.
fn find_root(root: Option<PathBuf>) -> Result<PathBuf> {
    match root {
        Some(dir) => {
            if !dir.join(manifest::MANIFEST_FILE).is_file() {
                return Err(Error::NoCourse { start: dir });
            }
            dir.canonicalize().map_err(|e| Error::io(&dir, e))
        }
        None => {
            let cwd = std::env::current_dir().map_err(|e| Error::io(".", e))?;
            manifest::find_root(&cwd)
        }
    }
}

fn check_manifest(manifest: &Manifest) -> Result<ExitCode> {
    let problems = manifest.validate()?;
    for problem in &problems {
        outln!("{problem}");
    }
    if problems.is_empty() {
        outln!(
            "course.toml is valid: {} modules, {} exercises, {} capstones",
            manifest.module.len(),
            manifest.exercises().count(),
            manifest.capstone.len()
        );
        Ok(ExitCode::SUCCESS)
    } else {
        Err(Error::Manifest { problems })
    }
}

fn export_command(manifest: &Manifest, ids: &[String], out: &Path) -> Result<ExitCode> {
    let modules = export::select_modules(manifest, ids)?;
    let exercises: usize = modules.iter().map(|m| m.exercise.len()).sum();
    if exercises == 0 {
        return Err(Error::Refused(format!(
            "module(s) {} have no exercises yet: an edition of them would be empty",
            modules
                .iter()
                .map(|m| m.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    if out.exists() {
        let empty = std::fs::read_dir(out)
            .map_err(|e| Error::io(out, e))?
            .next()
            .is_none();
        if !empty {
            return Err(Error::Refused(format!(
                "{} exists and is not empty; export writes into a new or empty folder",
                out.display()
            )));
        }
    }
    export::write_edition(manifest, &modules, out, export::Purpose::Student)?;
    outln!(
        "Wrote a student edition of {} module(s), {exercises} exercise(s), to {}.",
        modules.len(),
        out.display()
    );
    outln!(
        "Students run `cargo course list` and `cargo course verify <id>` in it; collect their work with `cargo course report {}`.",
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn sync(manifest: &Manifest) -> Result<ExitCode> {
    let changed = manifest::sync_bins(manifest)?;
    if changed.is_empty() {
        outln!("Every module's [[bin]] list already matches course.toml.");
    }
    for path in changed {
        let shown = path.strip_prefix(&manifest.root).unwrap_or(&path);
        outln!("rewrote the [[bin]] list of {}", shown.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn book(manifest: &Manifest) -> Result<ExitCode> {
    let outcome = crate::book::build(manifest)?;
    if !outcome.broken.is_empty() {
        for problem in &outcome.broken {
            outln!("{problem}");
        }
        return Err(Error::Refused(format!(
            "the book has {} broken link(s), listed above (assembled in {})",
            outcome.broken.len(),
            outcome.source.display()
        )));
    }
    outln!(
        "Built the book ({} chapters, every link resolves) into {}",
        outcome.chapters,
        outcome.output.display()
    );
    Ok(ExitCode::SUCCESS)
}

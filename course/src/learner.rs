//! The learner's commands: `list`, `start`, `verify`, `hint`, `solution`, `reset`, `watch`.
//!
//! They share one small state, [`Learner`]: the manifest, where the learner's files are
//! ([`Workspace`]), the progress file and the time limit of a test run. Each command prints what
//! it has to say on stdout and returns the exit code; errors come back as [`Error`]s.
//! In a student edition the same commands work on the stubs in place; there `solution` refuses
//! (an edition has no solutions) and `start` only points at the file.

use crate::cargo::{self, TestBuild, TestRun, Verdict};
use crate::crates;
use crate::error::{Error, Result, fsx};
use crate::exercise::Markers;
use crate::learn::{Layout, Progress, Status, Workspace};
use crate::manifest::{ExerciseRef, Kind, Manifest};
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

/// `println!` that ignores a closed stdout (`cargo course list | head` must not panic).
macro_rules! outln {
    () => {{
        let _ = writeln!(std::io::stdout());
    }};
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// `print!` that ignores a closed stdout.
macro_rules! out {
    ($($arg:tt)*) => {{
        let _ = write!(std::io::stdout(), $($arg)*);
    }};
}

mod milestones;

pub use milestones::capstone_target;

/// The state the learner commands share.
pub struct Learner<'m> {
    pub(crate) manifest: &'m Manifest,
    pub(crate) workspace: Workspace,
    pub(crate) progress: Progress,
    pub(crate) timeout: Duration,
}

/// How `verify` ended, for `watch` to report without stopping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Done: every test passes and the file kept everything outside its solution regions.
    Done,
    /// Not yet.
    NotYet,
}

impl Outcome {
    /// The exit code of a command that ended so.
    pub fn exit_code(self) -> ExitCode {
        match self {
            Outcome::Done => ExitCode::SUCCESS,
            Outcome::NotYet => ExitCode::FAILURE,
        }
    }
}

impl<'m> Learner<'m> {
    /// Loads the progress (a damaged file is reported on stderr and rebuilt).
    ///
    /// # Errors
    /// When the progress file cannot be read or moved aside.
    pub fn new(manifest: &'m Manifest, timeout: Duration) -> Result<Learner<'m>> {
        let workspace = Workspace::new(manifest);
        let (progress, warning) = workspace.load_progress(manifest)?;
        if let Some(warning) = warning {
            eprintln!("{warning}");
        }
        Ok(Learner {
            manifest,
            workspace,
            progress,
            timeout,
        })
    }

    /// The learner's copy of an exercise.
    pub fn file(&self, exercise: ExerciseRef<'_>) -> PathBuf {
        self.workspace.file(exercise)
    }

    pub(crate) fn shown(&self, path: &Path) -> String {
        path.strip_prefix(&self.manifest.root)
            .unwrap_or(path)
            .display()
            .to_string()
    }

    pub(crate) fn edition(&self) -> bool {
        self.workspace.layout == Layout::Edition
    }

    fn latest_unfinished(&self) -> Option<ExerciseRef<'m>> {
        let manifest = self.manifest;
        let id = self
            .progress
            .latest_unfinished(manifest.exercises().map(|e| e.exercise.id.as_str()))?;
        manifest.exercise(id)
    }

    fn next_step(&self) -> String {
        // A capstone started after the last unfinished exercise comes first.
        let exercise_started = self
            .latest_unfinished()
            .and_then(|e| self.progress.get(&e.exercise.id).started);
        if let Some((capstone, started)) = self.latest_capstone()
            && exercise_started.is_none_or(|e| started > e)
        {
            return self.capstone_next_step(capstone);
        }
        if let Some(exercise) = self.latest_unfinished() {
            return format!(
                "Next: edit {}, then run `cargo course verify {}`.",
                self.shown(&self.workspace.file(exercise)),
                exercise.exercise.id
            );
        }
        match self
            .manifest
            .exercises()
            .find(|e| self.progress.status(&e.exercise.id) != Status::Done)
        {
            Some(exercise) if self.edition() => format!(
                "Next: edit {}, then run `cargo course verify {}`.",
                self.shown(&self.workspace.file(exercise)),
                exercise.exercise.id
            ),
            Some(exercise) => format!(
                "Next: `cargo course start {}` ({}).",
                exercise.exercise.id, exercise.exercise.title
            ),
            None => "Every exercise written so far is done: on to the capstones.".to_string(),
        }
    }

    /// `list`: the syllabus with the learner's status per exercise and the next step.
    ///
    /// # Errors
    /// None today; the signature matches the other commands.
    pub fn list(&self) -> Result<ExitCode> {
        let manifest = self.manifest;
        outln!("{}\n", manifest.course.title);
        for module in &manifest.module {
            let weeks = if module.weeks.is_empty() {
                String::new()
            } else {
                format!(" (weeks {})", module.weeks)
            };
            if module.exercise.is_empty() && module.notes.is_empty() {
                outln!("{} {}{weeks}: not yet written", module.id, module.title);
                continue;
            }
            outln!("{} {}{weeks}", module.id, module.title);
            if module.exercise.is_empty() {
                outln!("    (no exercises yet)");
            }
            self.list_exercises(module);
        }
        if !manifest.capstone.is_empty() {
            outln!("\nCapstone projects");
            for capstone in &manifest.capstone {
                self.list_capstone(capstone);
            }
        }
        let done = manifest
            .exercises()
            .filter(|e| self.progress.status(&e.exercise.id) == Status::Done)
            .count();
        outln!(
            "\n{done} of {} exercises done.",
            manifest.exercises().count()
        );
        outln!("{}", self.next_step());
        Ok(ExitCode::SUCCESS)
    }

    fn list_exercises(&self, module: &crate::manifest::Module) {
        for exercise in &module.exercise {
            outln!(
                "    {:<6} {:<9} {:<12} {}",
                exercise.id,
                exercise.kind.as_str(),
                self.progress.status(&exercise.id).label(),
                exercise.title
            );
        }
    }

    pub(crate) fn save(&self) -> Result<()> {
        self.workspace.save_progress(&self.progress)
    }

    /// Writes the starting version of an exercise (a file, or a crate's folder) at `to`.
    fn write_stub(&self, exercise: ExerciseRef<'_>, to: &Path) -> Result<()> {
        if exercise.exercise.crate_dir.is_some() {
            let from = self.manifest.crate_path(exercise);
            return crates::write_version(&from, to, crates::Version::Stub);
        }
        let path = self.manifest.exercise_path(exercise);
        fsx::write(to, Markers::parse(&path, &fsx::read(&path)?)?.stub())
    }

    /// `start`: writes the starting file of an exercise, or of every exercise of a module.
    ///
    /// # Errors
    /// An unknown id, a module without exercises, or a file that cannot be written.
    pub fn start(&mut self, id: &str, all_tests: bool) -> Result<ExitCode> {
        if let Some(capstone) = self.manifest.capstone(id) {
            return self.start_capstone(capstone, 1, all_tests);
        }
        if let Some((capstone, k)) = self.manifest.milestone(id) {
            return self.start_capstone(capstone, k, all_tests);
        }
        let exercises: Vec<ExerciseRef<'m>> = if let Some(exercise) = self.manifest.exercise(id) {
            vec![exercise]
        } else if let Some(module) = self.manifest.unit(id) {
            if module.exercise.is_empty() {
                return Err(Error::Refused(format!(
                    "module {id} ({}) has no exercises yet: it is not yet written",
                    module.title
                )));
            }
            self.manifest
                .exercises()
                .filter(|e| e.module.id == module.id)
                .collect()
        } else {
            return Err(self.manifest.unknown(id));
        };
        for exercise in &exercises {
            let file = self.workspace.file(*exercise);
            let exercise_id = &exercise.exercise.id;
            if file.exists() {
                outln!(
                    "{exercise_id} is already started: {} (`cargo course reset {exercise_id}` starts over)",
                    self.shown(&file)
                );
            } else {
                self.write_stub(*exercise, &file)?;
                outln!(
                    "Started {exercise_id} {}: edit {}",
                    exercise.exercise.title,
                    self.shown(&file)
                );
            }
        }
        self.progress
            .mark_started(exercises.iter().map(|e| e.exercise.id.as_str()));
        self.workspace
            .write_cargo_files(self.manifest, &self.progress)?;
        self.save()?;
        if let [exercise] = exercises.as_slice() {
            if let Some(note) = &exercise.exercise.note {
                outln!("Read first: {}/{note}", exercise.module.dir);
            }
            if exercise.exercise.kind == Kind::Fix {
                outln!(
                    "This is a fix-the-error exercise: the file does not compile yet, and the compiler's error is the puzzle."
                );
            }
        }
        // The first exercise is the one to begin with, also when a whole module was started.
        let first = &exercises[0].exercise.id;
        outln!("When you are ready: `cargo course verify {first}`.");
        Ok(ExitCode::SUCCESS)
    }

    /// The exercise `verify` works on: the one named, or the one started last and not done.
    fn pick(&self, id: Option<&str>) -> Result<ExerciseRef<'m>> {
        match id {
            Some(id) => self.manifest.exercise_or_suggest(id),
            None => self.latest_unfinished().ok_or_else(|| {
                Error::Refused(
                    "nothing to verify: no started exercise is unfinished (`cargo course list` shows what is next)"
                        .into(),
                )
            }),
        }
    }

    /// `verify [id]`.
    ///
    /// # Errors
    /// An unknown id, an exercise not started, or cargo that cannot be run.
    pub fn verify(&mut self, id: Option<&str>) -> Result<ExitCode> {
        if let Some(id) = id {
            if let Some(capstone) = self.manifest.capstone(id) {
                let last = capstone.milestone.len();
                if last == 0 {
                    return Err(Error::Refused(format!(
                        "capstone {id} has no milestones yet"
                    )));
                }
                return Ok(self.verify_milestones(capstone, last)?.exit_code());
            }
            if let Some((capstone, k)) = self.manifest.milestone(id) {
                return Ok(self.verify_milestones(capstone, k)?.exit_code());
            }
        }
        let exercise = self.pick(id)?;
        Ok(self.verify_exercise(exercise)?.exit_code())
    }

    /// Builds the learner's copy, shows compiler errors and warnings, runs the tests, checks that
    /// the file kept everything outside its solution regions, runs clippy, and records "done".
    ///
    /// # Errors
    /// An exercise not started, or cargo that cannot be run.
    pub fn verify_exercise(&mut self, exercise: ExerciseRef<'m>) -> Result<Outcome> {
        let id = exercise.exercise.id.clone();
        let file = self.workspace.file(exercise);
        if !file.exists() {
            return Err(Error::Refused(format!(
                "{id} is not started: run `cargo course start {id}`"
            )));
        }
        if self.progress.get(&id).started.is_none() {
            self.progress.mark_started([id.as_str()]);
        }
        self.workspace
            .write_cargo_files(self.manifest, &self.progress)?;
        self.save()?;
        outln!(
            "Verifying {id} {} ({})",
            exercise.exercise.title,
            self.shown(&file)
        );
        let bin = exercise.bin_name();
        let crate_exercise = exercise.exercise.crate_dir.is_some();
        // A crate exercise builds in a target folder of its own: cargo names a path package's
        // artifacts by name and version only, so the learner's copy and the course's crate would
        // overwrite each other's binaries in one folder.
        let target = if crate_exercise {
            cargo::target_dir(&self.manifest.root).join("learn-crates")
        } else {
            cargo::target_dir(&self.manifest.root)
        };
        let manifest_path = self.workspace.manifest_path();
        let package = self.workspace.package(exercise);
        let mut test_build = TestBuild::new(&manifest_path);
        test_build.packages = vec![&package];
        if !crate_exercise {
            test_build.bins = vec![bin.clone()];
        }
        test_build.target_dir = Some(&target);
        let build = test_build.run()?;
        // A crate exercise is all of its package's test targets.
        let own = if crate_exercise {
            build.clone()
        } else {
            build.target(&bin)
        };
        for warning in &own.rendered_warnings {
            out!("{warning}");
        }
        let Some(executable) = own.test_executables.first().filter(|_| own.success) else {
            for rendered in &build.rendered_errors {
                out!("{rendered}");
            }
            if build.rendered_errors.is_empty() {
                out!("{}", build.stderr);
            }
            outln!("\n✗ {id} does not compile yet.");
            if exercise.exercise.kind == Kind::Fix {
                outln!(
                    "This is a fix-the-error exercise: make the compiler's error above go away without changing what the program does."
                );
            }
            self.not_yet(exercise);
            return Ok(Outcome::NotYet);
        };
        let run = if crate_exercise {
            let runs: Vec<TestRun> = own
                .test_executables
                .iter()
                .map(|exe| cargo::run_package_tests(exe, &file, self.timeout * 5))
                .collect::<Result<_>>()?;
            TestRun::combined(runs)
        } else {
            cargo::run_tests(executable, &self.workspace.dir, self.timeout)?
        };
        let verdict = run.verdict();
        if verdict != Verdict::Passed {
            let details = run.failure_details();
            if !details.is_empty() {
                outln!("{}", details.trim_end());
            }
            outln!();
            outln!(
                "✗ {} of {} tests pass; {}",
                run.passed_count(),
                run.listed.len(),
                verdict.summary()
            );
            self.not_yet(exercise);
            return Ok(Outcome::NotYet);
        }
        let passed = run.passed_count();
        let edit = if crate_exercise {
            crates::find_edit(&self.manifest.crate_path(exercise), &file)?
        } else {
            let source_path = self.manifest.exercise_path(exercise);
            let markers = Markers::parse(&source_path, &fsx::read(&source_path)?)?;
            markers.skeleton().find_edit(&fsx::read(&file)?)
        };
        if let Some(edit) = edit {
            outln!(
                "All {passed} tests pass, but your file differs from the exercise outside the parts you write: {edit}. This does not count."
            );
            outln!(
                "`cargo course reset {id}` restores the original file (your copy is kept as a numbered backup)."
            );
            return Ok(Outcome::NotYet);
        }
        let lint_bins = if crate_exercise {
            Vec::new()
        } else {
            vec![bin.clone()]
        };
        let lints = cargo::clippy(
            &manifest_path,
            &[&package],
            &lint_bins,
            &target,
            &["-W", "clippy::todo", "-W", "clippy::unimplemented"],
        )?;
        // Clippy repeats the compiler's warnings, which were shown above already.
        let lints = if crate_exercise {
            lints
        } else {
            lints.target(&bin)
        };
        let advice: Vec<&String> = lints
            .rendered_warnings
            .iter()
            .filter(|w| !own.rendered_warnings.contains(w))
            .collect();
        for warning in &advice {
            out!("{warning}");
        }
        let placeholder = |w: &&String| {
            w.contains("`todo` should not be present")
                || w.contains("`unimplemented` should not be present")
        };
        if advice.iter().any(placeholder) {
            outln!(
                "All {passed} tests pass, but a `todo!()` is still in your file (clippy shows where): finish it, then verify again."
            );
            return Ok(Outcome::NotYet);
        }
        self.progress.entry(&id).done = true;
        self.save()?;
        outln!("✓ {id} done: all {passed} tests pass.");
        if !advice.is_empty() {
            outln!(
                "Clippy has advice on your file (above); it does not stop the exercise from counting."
            );
        }
        outln!("{}", self.next_step());
        Ok(Outcome::Done)
    }

    fn not_yet(&self, exercise: ExerciseRef<'_>) {
        if let Some(note) = &exercise.exercise.note {
            outln!("Reread {}/{note}.", exercise.module.dir);
        }
        outln!("Stuck? `cargo course hint {}`.", exercise.exercise.id);
    }

    /// `hint <id>`: the next hint; each call shows one more.
    ///
    /// # Errors
    /// An unknown id, or a progress file that cannot be written.
    pub fn hint(&mut self, id: &str) -> Result<ExitCode> {
        let manifest = self.manifest;
        let hints = match manifest.milestone(id) {
            Some((capstone, k)) => &capstone.milestone[k - 1].hints,
            None => &manifest.exercise_or_suggest(id)?.exercise.hints,
        };
        if hints.is_empty() {
            outln!("{id} has no hints.");
            return Ok(ExitCode::SUCCESS);
        }
        let shown = self.progress.get(id).hints_shown.min(hints.len());
        if shown == hints.len() {
            outln!("All {} hints of {id} are shown already:", hints.len());
            for (index, hint) in hints.iter().enumerate() {
                outln!("{}. {hint}", index + 1);
            }
            return Ok(ExitCode::SUCCESS);
        }
        outln!(
            "Hint {} of {} for {id}: {}",
            shown + 1,
            hints.len(),
            hints[shown]
        );
        if shown + 1 == hints.len() {
            outln!("That was the last hint.");
        } else {
            outln!("`cargo course hint {id}` again shows the next one.");
        }
        self.progress.entry(id).hints_shown = shown + 1;
        self.save()?;
        Ok(ExitCode::SUCCESS)
    }

    /// `solution <id> [--yes]`: the reference solution, or a diff from the learner's copy to it.
    ///
    /// # Errors
    /// An unknown id, a student edition (it has no solutions), or no terminal to ask on.
    pub fn solution(&mut self, id: &str, yes: bool) -> Result<ExitCode> {
        let milestone = self.manifest.milestone(id);
        let exercise = match milestone {
            Some(_) => None,
            None => Some(self.manifest.exercise_or_suggest(id)?),
        };
        if self.edition() {
            return Err(Error::Refused(
                "this student edition has no solutions; ask your instructor".into(),
            ));
        }
        if !yes && self.progress.status(id) != Status::Done {
            let stdin = std::io::stdin();
            if !stdin.is_terminal() {
                return Err(Error::Refused(format!(
                    "{id} is not verified yet and stdin is not a terminal, so I cannot ask: pass --yes to see its solution"
                )));
            }
            eprint!("{id} is not verified yet. Show the solution? [y/N] ");
            let _ = std::io::stderr().flush();
            let mut answer = String::new();
            stdin
                .lock()
                .read_line(&mut answer)
                .map_err(|e| Error::io("stdin", e))?;
            if !matches!(answer.trim().to_lowercase().as_str(), "y" | "yes") {
                outln!("Not shown.");
                return Ok(ExitCode::SUCCESS);
            }
        }
        let Some(exercise) = exercise else {
            return match milestone {
                Some((capstone, k)) => self.milestone_solution(capstone, k),
                None => Err(self.manifest.unknown(id)),
            };
        };
        let path = self.manifest.exercise_path(exercise);
        let solution = Markers::parse(&path, &fsx::read(&path)?)?.solution();
        let learner_file = self.workspace.file(exercise);
        match std::fs::read_to_string(&learner_file) {
            Ok(learner) if learner != solution => {
                let diff = similar::TextDiff::from_lines(&learner, &solution);
                let learner_name = self.shown(&learner_file);
                let solution_name = format!("solution of {id}");
                out!(
                    "{}",
                    diff.unified_diff()
                        .context_radius(3)
                        .header(&learner_name, &solution_name)
                );
            }
            Ok(_) => outln!("Your copy is identical to the solution."),
            Err(_) => out!("{solution}"),
        }
        Ok(ExitCode::SUCCESS)
    }

    /// `reset <id>`: keeps the learner's copy as the next numbered backup (`<file>.bak.1`,
    /// `.bak.2`, …; none is ever overwritten), writes the starting file, and clears "done".
    ///
    /// # Errors
    /// An unknown id, an exercise never started, or files that cannot be written.
    pub fn reset(&mut self, id: &str) -> Result<ExitCode> {
        if let Some(capstone) = self.manifest.capstone(id) {
            return self.reset_capstone(capstone);
        }
        if let Some((capstone, _)) = self.manifest.milestone(id) {
            return Err(Error::Refused(format!(
                "a capstone is reset as a whole: `cargo course reset {}` (your crate is kept as a numbered backup)",
                capstone.id
            )));
        }
        let exercise = self.manifest.exercise_or_suggest(id)?;
        let file = self.workspace.file(exercise);
        if self.progress.get(id).started.is_none() && !file.exists() {
            return Err(Error::Refused(format!(
                "{id} was never started, so there is nothing to reset: `cargo course start {id}` starts it"
            )));
        }
        if file.exists() {
            let backup = next_backup(&file);
            fsx::rename(&file, &backup)?;
            outln!("Kept your copy as {}.", self.shown(&backup));
        }
        self.write_stub(exercise, &file)?;
        if self.progress.get(id).started.is_none() {
            self.progress.mark_started([id]);
        }
        self.progress.entry(id).done = false;
        self.workspace
            .write_cargo_files(self.manifest, &self.progress)?;
        self.save()?;
        outln!("{} is back to its starting point.", self.shown(&file));
        Ok(ExitCode::SUCCESS)
    }

    /// The exercises `watch` follows: the one named (it must be started), or every started one.
    ///
    /// # Errors
    /// An unknown id, or an exercise not started.
    pub fn watched(&self, id: Option<&str>) -> Result<Vec<ExerciseRef<'m>>> {
        match id {
            Some(id)
                if self.manifest.milestone(id).is_some()
                    || self.manifest.capstone(id).is_some() =>
            {
                Err(Error::Refused(format!(
                    "watch follows exercises; a capstone milestone builds a whole crate, so run `cargo course verify {id}` when you are ready"
                )))
            }
            Some(id) => {
                let exercise = self.manifest.exercise_or_suggest(id)?;
                if !self.workspace.file(exercise).exists() {
                    return Err(Error::Refused(format!(
                        "{id} is not started: run `cargo course start {id}` first"
                    )));
                }
                Ok(vec![exercise])
            }
            None => Ok(self
                .manifest
                .exercises()
                .filter(|e| self.workspace.file(*e).exists())
                .collect()),
        }
    }

    /// Rereads the progress file (another terminal may have started or finished exercises).
    pub fn reload(&mut self) {
        if let Ok((progress, _)) = self.workspace.load_progress(self.manifest) {
            self.progress = progress;
        }
    }

    /// The folder `watch` listens to.
    pub fn watch_dir(&self) -> &Path {
        &self.workspace.dir
    }
}

/// The first `<file>.bak.N` that does not exist yet.
fn next_backup(file: &Path) -> PathBuf {
    let mut number = 1;
    loop {
        let candidate = PathBuf::from(format!("{}.bak.{number}", file.display()));
        if !candidate.exists() {
            return candidate;
        }
        number += 1;
    }
}

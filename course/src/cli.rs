//! The command line of `cargo course`: parses arguments, runs a command, prints its output.
//!
//! Every failure comes back as an [`Error`] (one line, printed by `main`); a command whose result
//! is "no" (tests fail, the contract finds problems) returns a failing exit code instead.

use crate::cargo;
use crate::check;
use crate::error::{Error, Result, fsx};
use crate::exercise;
use crate::export;
use crate::learn::{Progress, Status, Workspace};
use crate::manifest::{self, ExerciseRef, Kind, Manifest};
use crate::report;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

/// `print!` that ignores a closed stdout (`cargo course list | head` must not panic).
macro_rules! out {
    ($($arg:tt)*) => {{
        let _ = write!(std::io::stdout(), $($arg)*);
    }};
}

/// `println!` that ignores a closed stdout.
macro_rules! outln {
    () => {{
        let _ = writeln!(std::io::stdout());
    }};
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// The text of `cargo course --help`.
pub const HELP: &str = "\
cargo course: the runner of this course

USAGE:
    cargo course [--root DIR] [COMMAND]

LEARNER COMMANDS:
    list                  the syllabus, your status per exercise, and the next step (the default)
    start <ID|MODULE>     put an exercise's starting file (or a whole module's) into learn/
    verify [ID]           build and test your copy (default: the exercise you started last)
    hint <ID>             show the next hint (each call shows one more)
    solution <ID> [--yes] show the reference solution, or a diff from your copy to it;
                          asks first unless the exercise is verified (--yes skips the question)
    reset <ID>            restore the starting file; your copy is kept as <file>.bak
    watch                 re-verify an exercise whenever you save it; this polls file
                          modification times every 500 ms (no OS file events); Ctrl-C ends it

INSTRUCTOR COMMANDS:
    export [--modules 01,02] --out DIR
                          write a student edition: stubs, tests, notes, hints, no solutions
    report DIR [--format table|json|junit]
                          run the tests of an edition (or a learner's learn/ folder) offline

MAINTAINER COMMANDS:
    check [ID|MODULE...]  the exercise contract (ends with `N passed, M failed`)
    check-manifest        validate course.toml against the repository
    sync                  rewrite every module's [[bin]] list from course.toml
    book                  assemble the mdBook, build it into book/, and check its links

OPTIONS:
    --root DIR            the course folder (default: the nearest folder holding course.toml)
    -h, --help            this text
";

/// Runs `cargo course` with the arguments after the program name.
///
/// # Errors
/// Every failure that is not a plain \"no\" (bad arguments, unreadable files, unknown ids).
pub fn run(args: &[String]) -> Result<ExitCode> {
    let mut args: Vec<String> = args.to_vec();
    let root = take_value(&mut args, "--root")?;
    if args
        .iter()
        .any(|a| a == "-h" || a == "--help" || a == "help")
    {
        out!("{HELP}");
        return Ok(ExitCode::SUCCESS);
    }
    let root = match root {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            if !dir.join(manifest::MANIFEST_FILE).is_file() {
                return Err(Error::NoCourse { start: dir });
            }
            dir.canonicalize().map_err(|e| Error::io(&dir, e))?
        }
        None => {
            let cwd = std::env::current_dir().map_err(|e| Error::io(".", e))?;
            manifest::find_root(&cwd)?
        }
    };
    let manifest = Manifest::load(&root)?;
    let command = if args.is_empty() {
        "list".to_string()
    } else {
        args.remove(0)
    };
    let mut runner = Runner::new(&manifest)?;
    match command.as_str() {
        "list" => no_more(&args).and_then(|()| runner.list()),
        "start" => runner.start(&one_id(&args, "start")?),
        "verify" => {
            let id = match args.as_slice() {
                [] => None,
                [id] => Some(id.clone()),
                _ => return Err(Error::Usage("verify takes at most one id".into())),
            };
            runner.verify(id.as_deref())
        }
        "hint" => runner.hint(&one_id(&args, "hint")?),
        "solution" => {
            let yes = take_flag(&mut args, "--yes");
            runner.solution(&one_id(&args, "solution")?, yes)
        }
        "reset" => runner.reset(&one_id(&args, "reset")?),
        "watch" => no_more(&args).and_then(|()| runner.watch()),
        "export" => {
            let modules = take_value(&mut args, "--modules")?;
            let out = take_value(&mut args, "--out")?
                .ok_or_else(|| Error::Usage("export needs --out DIR".into()))?;
            no_more(&args)?;
            let ids: Vec<String> = modules
                .unwrap_or_default()
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect();
            export_command(&manifest, &ids, Path::new(&out))
        }
        "report" => {
            let format = take_value(&mut args, "--format")?;
            let format = report::Format::parse(format.as_deref().unwrap_or("table"))?;
            let dir = one_id(&args, "report")?;
            let entries = report::run(&manifest, Path::new(&dir))?;
            out!("{}", report::render(&entries, format));
            Ok(ExitCode::SUCCESS)
        }
        "check" => {
            let mut stdout = std::io::stdout();
            let summary = check::run(&manifest, &args, check::Options::default(), &mut stdout)?;
            Ok(exit(summary.failed == 0))
        }
        "check-manifest" => no_more(&args).and_then(|()| check_manifest(&manifest)),
        "sync" => {
            no_more(&args)?;
            let changed = manifest::sync_bins(&manifest)?;
            if changed.is_empty() {
                outln!("Every module's [[bin]] list already matches course.toml.");
            }
            for path in changed {
                let shown = path.strip_prefix(&manifest.root).unwrap_or(&path);
                outln!("rewrote the [[bin]] list of {}", shown.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        "book" => {
            no_more(&args)?;
            let outcome = crate::book::build(&manifest)?;
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
        other => {
            let commands = [
                "list",
                "start",
                "verify",
                "hint",
                "solution",
                "reset",
                "watch",
                "export",
                "report",
                "check",
                "check-manifest",
                "sync",
                "book",
            ];
            let suggestion = crate::suggest::closest(other, &commands)
                .map(|c| format!(" (did you mean {c}?)"))
                .unwrap_or_default();
            Err(Error::Usage(format!(
                "unknown command `{other}`{suggestion}"
            )))
        }
    }
}

fn exit(success: bool) -> ExitCode {
    if success {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Removes `--name VALUE` (or `--name=VALUE`) from `args` and returns the value.
fn take_value(args: &mut Vec<String>, name: &str) -> Result<Option<String>> {
    let prefix = format!("{name}=");
    if let Some(index) = args.iter().position(|a| a.starts_with(&prefix)) {
        let value = args.remove(index)[prefix.len()..].to_string();
        return Ok(Some(value));
    }
    let Some(index) = args.iter().position(|a| a == name) else {
        return Ok(None);
    };
    if index + 1 >= args.len() {
        return Err(Error::Usage(format!("{name} needs a value")));
    }
    let value = args.remove(index + 1);
    args.remove(index);
    Ok(Some(value))
}

fn take_flag(args: &mut Vec<String>, name: &str) -> bool {
    let before = args.len();
    args.retain(|a| a != name);
    args.len() != before
}

fn no_more(args: &[String]) -> Result<()> {
    match args.first() {
        None => Ok(()),
        Some(extra) => Err(Error::Usage(format!("unexpected argument `{extra}`"))),
    }
}

fn one_id(args: &[String], command: &str) -> Result<String> {
    match args {
        [id] if !id.starts_with("--") => Ok(id.clone()),
        [] => Err(Error::Usage(format!("{command} needs an argument"))),
        [first, ..] if first.starts_with("--") => {
            Err(Error::Usage(format!("unknown option `{first}`")))
        }
        _ => Err(Error::Usage(format!("{command} takes one argument"))),
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
    export::write_edition(manifest, &modules, out, export::Variants::Stubs)?;
    let exercises: usize = modules.iter().map(|m| m.exercise.len()).sum();
    outln!(
        "Wrote a student edition of {} module(s), {exercises} exercise(s), to {}.",
        modules.len(),
        out.display()
    );
    outln!(
        "Students run `cargo test --offline --bin <binary>` in it; collect results with `cargo course report {}`.",
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// The learner-facing commands, sharing the manifest, the learner workspace and the progress.
struct Runner<'m> {
    manifest: &'m Manifest,
    workspace: Workspace,
    progress: Progress,
}

impl<'m> Runner<'m> {
    fn new(manifest: &'m Manifest) -> Result<Runner<'m>> {
        let workspace = Workspace::new(&manifest.root);
        let (progress, warning) = workspace.load_progress(manifest)?;
        if let Some(warning) = warning {
            eprintln!("{warning}");
        }
        Ok(Runner {
            manifest,
            workspace,
            progress,
        })
    }

    fn shown(&self, path: &Path) -> String {
        path.strip_prefix(&self.manifest.root)
            .unwrap_or(path)
            .display()
            .to_string()
    }

    fn next_step(&self) -> String {
        if let Some(id) = self.progress.latest_unfinished()
            && let Some(exercise) = self.manifest.exercise(id)
        {
            return format!(
                "Next: edit {}, then run `cargo course verify {id}`.",
                self.shown(&self.workspace.file(exercise))
            );
        }
        match self
            .manifest
            .exercises()
            .find(|e| self.progress.status(&e.exercise.id) == Status::NotStarted)
        {
            Some(exercise) => format!(
                "Next: `cargo course start {}` ({}).",
                exercise.exercise.id, exercise.exercise.title
            ),
            None => "Every exercise written so far is done: on to the capstones.".to_string(),
        }
    }

    fn list(&self) -> Result<ExitCode> {
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
        if !manifest.capstone.is_empty() {
            outln!("\nCapstone projects");
            for capstone in &manifest.capstone {
                outln!(
                    "    {:<6} {} ({}, needs {})",
                    capstone.id,
                    capstone.title,
                    capstone.dir,
                    capstone.prerequisites.join(", ")
                );
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

    fn save(&self) -> Result<()> {
        self.workspace.save_progress(&self.progress)
    }

    fn stub_of(&self, exercise: ExerciseRef<'_>) -> Result<String> {
        let path = self.manifest.exercise_path(exercise);
        exercise::stub(&path, &fsx::read(&path)?)
    }

    fn start(&mut self, id: &str) -> Result<ExitCode> {
        let exercises: Vec<ExerciseRef<'m>> = if let Some(exercise) = self.manifest.exercise(id) {
            vec![exercise]
        } else if let Some(module) = self.manifest.module(id) {
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
            if file.is_file() {
                outln!(
                    "{exercise_id} is already started: {} (`cargo course reset {exercise_id}` starts over)",
                    self.shown(&file)
                );
            } else {
                fsx::write(&file, self.stub_of(*exercise)?)?;
                outln!(
                    "Started {exercise_id} {}: edit {}",
                    exercise.exercise.title,
                    self.shown(&file)
                );
            }
            self.progress.mark_started(exercise_id);
        }
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
        let first = &exercises[exercises.len() - 1].exercise.id;
        outln!("When you are ready: `cargo course verify {first}`.");
        Ok(ExitCode::SUCCESS)
    }

    fn pick(&self, id: Option<&str>) -> Result<ExerciseRef<'m>> {
        match id {
            Some(id) => self.manifest.exercise_or_suggest(id),
            None => {
                let latest = self.progress.latest_unfinished().ok_or_else(|| {
                    Error::Refused(
                        "nothing to verify: no started exercise is unfinished (`cargo course list` shows what is next)"
                            .into(),
                    )
                })?;
                self.manifest.exercise_or_suggest(latest)
            }
        }
    }

    fn verify(&mut self, id: Option<&str>) -> Result<ExitCode> {
        let exercise = self.pick(id)?;
        self.verify_exercise(exercise)
    }

    fn verify_exercise(&mut self, exercise: ExerciseRef<'m>) -> Result<ExitCode> {
        let id = exercise.exercise.id.clone();
        let file = self.workspace.file(exercise);
        if !file.is_file() {
            return Err(Error::Refused(format!(
                "{id} is not started: run `cargo course start {id}`"
            )));
        }
        if self.progress.get(&id).started.is_none() {
            self.progress.mark_started(&id);
        }
        self.workspace
            .write_cargo_files(self.manifest, &self.progress)?;
        self.save()?;
        outln!(
            "Verifying {id} {} ({})",
            exercise.exercise.title,
            self.shown(&file)
        );
        let reread = exercise
            .exercise
            .note
            .as_ref()
            .map(|note| format!("Reread {}/{note}.", exercise.module.dir));
        let mut command = cargo::cargo();
        command
            .arg("test")
            .arg("--manifest-path")
            .arg(self.workspace.manifest_path())
            .args(["--no-run", "--bin", &exercise.bin_name()])
            .env("CARGO_TARGET_DIR", cargo::target_dir(&self.manifest.root))
            .current_dir(&self.workspace.dir);
        let build = cargo::build_json(command)?;
        let executable = match build.test_executables.first() {
            Some(executable) if build.success => executable.clone(),
            _ => {
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
                if let Some(reread) = &reread {
                    outln!("{reread}");
                }
                outln!("Stuck? `cargo course hint {id}`.");
                return Ok(ExitCode::FAILURE);
            }
        };
        let run = cargo::run_tests(&executable, &self.workspace.dir, cargo::TEST_TIMEOUT)?;
        let passed = run.passed_count();
        let verdict = run.verdict();
        if verdict != cargo::Verdict::Passed {
            let details = run.failure_details();
            if !details.is_empty() {
                outln!("{}", details.trim_end());
            }
            outln!();
            outln!(
                "✗ {passed} of {} tests pass; {}",
                run.listed.len(),
                verdict.summary()
            );
            if let Some(reread) = &reread {
                outln!("{reread}");
            }
            outln!("Stuck? `cargo course hint {id}`.");
            return Ok(ExitCode::FAILURE);
        }
        let solution_path = self.manifest.exercise_path(exercise);
        let markers = exercise::Markers::parse(&solution_path, &fsx::read(&solution_path)?)?;
        let learner = fsx::read(&file)?;
        if let Some(edit) = markers.skeleton().find_edit(&learner) {
            outln!(
                "All {passed} tests pass, but your file differs from the exercise outside the parts you write ({edit}), so this does not count."
            );
            outln!(
                "`cargo course reset {id}` restores the original file (your copy is kept as a numbered backup)."
            );
            return Ok(ExitCode::FAILURE);
        }
        self.progress.entry(&id).done = true;
        self.save()?;
        outln!("✓ {id} done: all {passed} tests pass.");
        outln!("{}", self.next_step());
        Ok(ExitCode::SUCCESS)
    }

    fn hint(&mut self, id: &str) -> Result<ExitCode> {
        let exercise = self.manifest.exercise_or_suggest(id)?;
        let hints = &exercise.exercise.hints;
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

    fn solution(&mut self, id: &str, yes: bool) -> Result<ExitCode> {
        let exercise = self.manifest.exercise_or_suggest(id)?;
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
        let path = self.manifest.exercise_path(exercise);
        let solution = exercise::clean_solution(&path, &fsx::read(&path)?)?;
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

    fn reset(&mut self, id: &str) -> Result<ExitCode> {
        let exercise = self.manifest.exercise_or_suggest(id)?;
        let file = self.workspace.file(exercise);
        let stub = self.stub_of(exercise)?;
        if file.is_file() {
            let backup = PathBuf::from(format!("{}.bak", file.display()));
            fsx::rename(&file, &backup)?;
            outln!("Kept your copy as {}.", self.shown(&backup));
        }
        fsx::write(&file, stub)?;
        if self.progress.get(id).started.is_none() {
            self.progress.mark_started(id);
        }
        self.workspace
            .write_cargo_files(self.manifest, &self.progress)?;
        self.save()?;
        outln!("{} is back to its starting point.", self.shown(&file));
        Ok(ExitCode::SUCCESS)
    }

    fn watch(&mut self) -> Result<ExitCode> {
        outln!(
            "Watching your exercise files (polling every 500 ms); Ctrl-C ends. Save a file to verify it."
        );
        let mut seen: Vec<(String, PathBuf, Option<SystemTime>)> = Vec::new();
        loop {
            let started: Vec<ExerciseRef<'m>> = self
                .manifest
                .exercises()
                .filter(|e| self.workspace.file(*e).is_file())
                .collect();
            for exercise in started {
                let file = self.workspace.file(exercise);
                let modified = std::fs::metadata(&file).and_then(|m| m.modified()).ok();
                let id = exercise.exercise.id.clone();
                match seen.iter_mut().find(|(seen_id, _, _)| *seen_id == id) {
                    None => seen.push((id, file, modified)),
                    Some(entry) if entry.2 != modified => {
                        entry.2 = modified;
                        outln!();
                        if let Err(error) = self.verify_exercise(exercise) {
                            outln!("error: {error}");
                        }
                        // The verify may have reloaded nothing, but a learner can also have
                        // started more exercises from another terminal: reload progress.
                        if let Ok((progress, _)) = self.workspace.load_progress(self.manifest) {
                            self.progress = progress;
                        }
                    }
                    Some(_) => {}
                }
            }
            std::thread::sleep(Duration::from_millis(500));
        }
    }
}

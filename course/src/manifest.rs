//! Reads `course.toml` (the syllabus as data) and checks it against the repository.
//!
//! The format of an exercise entry is described in `docs/exercise-format.md`.
//! [`Manifest::validate`] collects every problem instead of stopping at the first, so one run
//! of `cargo course check-manifest` shows the whole list.
//! [`sync_bins`] rewrites each module's `[[bin]]` list from the manifest.

use crate::cargo_toml::{self, Bin};
use crate::error::{Error, Result, fsx};
use crate::markdown::{self, is_error_code};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The name of the manifest file at the repository root.
pub const MANIFEST_FILE: &str = "course.toml";

/// The whole syllabus, plus the directory it was read from.
#[derive(Debug, Clone, Deserialize)]
pub struct Manifest {
    /// Title and weekly hours.
    pub course: CourseInfo,
    /// The suggested learning paths.
    #[serde(default)]
    pub path: Vec<LearningPath>,
    /// Modules in reading order.
    #[serde(default)]
    pub module: Vec<Module>,
    /// Capstone projects.
    #[serde(default)]
    pub capstone: Vec<Capstone>,
    /// The repository root (the directory holding `course.toml`); filled in by [`Manifest::load`].
    #[serde(skip)]
    pub root: PathBuf,
}

/// The `[course]` table.
#[derive(Debug, Clone, Deserialize)]
pub struct CourseInfo {
    /// The course's title.
    pub title: String,
    /// The expected study hours per week.
    pub weekly_hours: Option<u32>,
    /// Set in a student edition: there are no solutions, the learner edits the stubs in place,
    /// and each exercise's marked stub lives under [`STUDENT_SOURCES`].
    #[serde(default)]
    pub student_edition: bool,
}

/// Where a student edition keeps each exercise's marked stub (the stub, with its solution
/// regions marked and empty), from which `reset` and the edit check work.
pub const STUDENT_SOURCES: &str = ".course/exercises";

/// A `[[path]]` entry: a learning path through modules and capstones.
#[derive(Debug, Clone, Deserialize)]
pub struct LearningPath {
    /// The path's name (`beginner`, …).
    pub name: String,
    /// One sentence on who it is for.
    pub summary: String,
    /// Module and capstone ids in order.
    pub steps: Vec<String>,
}

/// A `[[module]]` entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Module {
    /// Two digits, `01`.
    pub id: String,
    /// The module's folder, relative to the root.
    pub dir: String,
    /// The module crate's package name.
    pub package: String,
    /// The module's title.
    pub title: String,
    /// How long the module takes.
    #[serde(default)]
    pub duration: String,
    /// Which weeks of the syllabus it covers.
    #[serde(default)]
    pub weeks: String,
    /// Module or capstone ids to finish first.
    #[serde(default)]
    pub prerequisites: Vec<String>,
    /// What a learner can do afterwards.
    #[serde(default)]
    pub outcomes: Vec<String>,
    /// Note files (relative to the module folder) in reading order.
    #[serde(default)]
    pub notes: Vec<String>,
    /// Exercises in order.
    #[serde(default)]
    pub exercise: Vec<Exercise>,
}

/// The three kinds of exercise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// The stub compiles with `todo!()` bodies and its tests fail.
    Implement,
    /// The stub fails to compile with a declared error code.
    Fix,
    /// The learner predicts what a demonstration does.
    Explore,
}

impl Kind {
    /// The word used in `course.toml`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Implement => "implement",
            Kind::Fix => "fix",
            Kind::Explore => "explore",
        }
    }
}

/// A test that is allowed to pass on the stub, and why.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exempt {
    /// The libtest name, `tests::name`.
    pub test: String,
    /// Why the stub passes it.
    pub reason: String,
}

/// A `[[module.exercise]]` entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exercise {
    /// `NN.k`.
    pub id: String,
    /// The exercise file, relative to the module folder (empty for a crate exercise).
    #[serde(default)]
    pub file: String,
    /// A crate exercise: its folder, relative to the module folder (a workspace member).
    #[serde(rename = "crate")]
    pub crate_dir: Option<String>,
    /// A crate exercise: its package name.
    pub package: Option<String>,
    /// Which kind of exercise it is.
    pub kind: Kind,
    /// Its title.
    pub title: String,
    /// The concepts it practises.
    #[serde(default)]
    pub concepts: Vec<String>,
    /// Expected minutes.
    pub minutes: u32,
    /// The note to reread when it fails (relative to the module folder).
    pub note: Option<String>,
    /// For `fix` exercises: the error code the stub must produce.
    pub error: Option<String>,
    /// Tests allowed to pass on the stub.
    #[serde(default)]
    pub exempt: Vec<Exempt>,
    /// Progressive hints.
    #[serde(default)]
    pub hints: Vec<String>,
    /// Items whose signature the learner writes (`longer`, `Tokenizer::next_token`): the
    /// contract compares only their names between stub and solution.
    #[serde(default)]
    pub learner_items: Vec<String>,
    /// For an `implement` or `explore` exercise whose stub cannot compile because writing a
    /// signature is the task: the error code the stub fails with.
    pub stub_error: Option<String>,
    /// The lesson is undefined behaviour: the contract runs stub, solution and decoys under Miri.
    #[serde(default)]
    pub miri: bool,
    /// Why an `implement` or `fix` exercise has no decoys (without it, it must have some).
    pub no_decoys: Option<String>,
}

impl Exercise {
    /// The error code the stub must fail with, if it must fail to compile: `error` for a fix
    /// exercise, `stub_error` for the others.
    pub fn stub_error_code(&self) -> Option<&str> {
        match self.kind {
            Kind::Fix => self.error.as_deref(),
            Kind::Implement | Kind::Explore => self.stub_error.as_deref(),
        }
    }

    /// Whether the exercise must carry decoys (implement and fix, unless exempted with a reason).
    pub fn needs_decoys(&self) -> bool {
        self.kind != Kind::Explore && self.no_decoys.is_none()
    }
}

/// A `[[capstone]]` entry: a project the learner builds milestone by milestone, from a starter
/// generated out of the reference crate (see "Capstone milestones" in `docs/exercise-format.md`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Capstone {
    /// `p1`, `p2`, …
    pub id: String,
    /// The project folder, relative to the root: the reference crate.
    pub dir: String,
    /// The crate's package name (the learner's copy keeps it).
    pub package: String,
    /// The project's title.
    pub title: String,
    /// Which weeks it covers.
    #[serde(default)]
    pub weeks: String,
    /// Module or capstone ids to finish first.
    #[serde(default)]
    pub prerequisites: Vec<String>,
    /// The learner's guide, relative to `dir` (a chapter of the book).
    pub guide: Option<String>,
    /// The files and folders (relative to `dir`) the starter is made of, besides the milestone
    /// test files.
    #[serde(default)]
    pub starter: Vec<String>,
    /// The script `cargo course bench` runs (relative to `dir`).
    pub bench: Option<String>,
    /// Milestones in order (`[[capstone.milestone]]`, ids `p1.1`, `p1.2`, …).
    #[serde(default)]
    pub milestone: Vec<Milestone>,
}

impl Capstone {
    /// The milestone with this id, with its position (1-based).
    pub fn milestone(&self, id: &str) -> Option<(usize, &Milestone)> {
        self.milestone
            .iter()
            .enumerate()
            .find(|(_, m)| m.id == id)
            .map(|(index, m)| (index + 1, m))
    }

    /// The test targets of milestones `1..=k`, in milestone order.
    pub fn tests_up_to(&self, k: usize) -> Vec<&str> {
        self.milestone
            .iter()
            .take(k)
            .flat_map(|m| m.tests.iter().map(String::as_str))
            .collect()
    }
}

/// A `[[capstone.milestone]]` entry. Its code is the capstone's crate: the solution regions whose
/// TODO text starts with its id, and its tests are `tests/<name>.rs` of that crate.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Milestone {
    /// `pN.k`.
    pub id: String,
    /// Its title.
    pub title: String,
    /// `implement` (the default) or `explore`.
    #[serde(default = "implement")]
    pub kind: Kind,
    /// Expected minutes.
    pub minutes: u32,
    /// The concepts it practises.
    #[serde(default)]
    pub concepts: Vec<String>,
    /// What it asks for, as a short spec (the guide has the long form).
    #[serde(default)]
    pub spec: String,
    /// Its test targets: `tests/<name>.rs` of the capstone crate.
    #[serde(default)]
    pub tests: Vec<String>,
    /// The decoys its tests must catch.
    #[serde(default)]
    pub decoys: Vec<String>,
    /// Progressive hints.
    #[serde(default)]
    pub hints: Vec<String>,
    /// Tests of this milestone allowed to pass on the previous milestone's version.
    #[serde(default)]
    pub exempt: Vec<Exempt>,
    /// Items whose signature the learner writes (names compared only, as for exercises).
    #[serde(default)]
    pub learner_items: Vec<String>,
    /// Why a milestone has no decoys (a performance milestone the bench judges).
    pub no_decoys: Option<String>,
}

fn implement() -> Kind {
    Kind::Implement
}

/// An exercise together with the module that holds it.
#[derive(Debug, Clone, Copy)]
pub struct ExerciseRef<'a> {
    /// The module.
    pub module: &'a Module,
    /// The exercise.
    pub exercise: &'a Exercise,
}

impl ExerciseRef<'_> {
    /// The binary target name, `m01-lifetime-annotations`; for a crate exercise, its package.
    pub fn bin_name(&self) -> String {
        match (&self.exercise.crate_dir, &self.exercise.package) {
            (Some(_), Some(package)) => package.clone(),
            _ => bin_name(&self.module.id, &self.exercise.file),
        }
    }

    /// The exercise file's path relative to the repository root.
    pub fn rel_path(&self) -> String {
        format!("{}/{}", self.module.dir, self.exercise.file)
    }

    /// The file name alone (`03-lifetime-annotations.rs`).
    pub fn file_name(&self) -> &str {
        self.exercise
            .file
            .rsplit('/')
            .next()
            .unwrap_or(&self.exercise.file)
    }
}

/// The binary target name of an exercise file: the leading number of the file name is dropped
/// and the module number is prefixed, so `exercises/03-lifetime-annotations.rs` in module `01`
/// becomes `m01-lifetime-annotations`.
pub fn bin_name(module_id: &str, file: &str) -> String {
    let name = file.rsplit('/').next().unwrap_or(file);
    let stem = name.strip_suffix(".rs").unwrap_or(name);
    let rest = stem.trim_start_matches(|c: char| c.is_ascii_digit());
    let rest = rest.trim_start_matches(['-', '_']);
    let rest = if rest.is_empty() { stem } else { rest };
    format!("m{module_id}-{rest}")
}

/// Walks up from `start` to the first directory holding `course.toml`.
///
/// # Errors
/// [`Error::NoCourse`] when no ancestor holds one.
pub fn find_root(start: &Path) -> Result<PathBuf> {
    let mut dir = Some(start);
    while let Some(candidate) = dir {
        if candidate.join(MANIFEST_FILE).is_file() {
            return Ok(candidate.to_path_buf());
        }
        dir = candidate.parent();
    }
    Err(Error::NoCourse {
        start: start.to_path_buf(),
    })
}

impl Manifest {
    /// Reads `root/course.toml`.
    ///
    /// # Errors
    /// When the file cannot be read or is not a valid manifest.
    pub fn load(root: &Path) -> Result<Manifest> {
        let path = root.join(MANIFEST_FILE);
        let text = fsx::read(&path)?;
        let mut manifest: Manifest = toml::from_str(&text).map_err(|e| Error::parse(&path, e))?;
        manifest.root = root.to_path_buf();
        Ok(manifest)
    }

    /// Every exercise of every module, in course order.
    pub fn exercises(&self) -> impl Iterator<Item = ExerciseRef<'_>> {
        self.units().flat_map(|module| {
            module
                .exercise
                .iter()
                .map(move |exercise| ExerciseRef { module, exercise })
        })
    }

    /// The exercise with this id.
    pub fn exercise(&self, id: &str) -> Option<ExerciseRef<'_>> {
        self.exercises().find(|e| e.exercise.id == id)
    }

    /// The module with this id.
    pub fn module(&self, id: &str) -> Option<&Module> {
        self.module.iter().find(|m| m.id == id)
    }

    /// The modules, in order.
    pub fn units(&self) -> impl Iterator<Item = &Module> {
        self.module.iter()
    }

    /// The module with this id (capstones are looked up with [`Manifest::capstone`]).
    pub fn unit(&self, id: &str) -> Option<&Module> {
        self.module(id)
    }

    /// The capstone with this id.
    pub fn capstone(&self, id: &str) -> Option<&Capstone> {
        self.capstone.iter().find(|c| c.id == id)
    }

    /// The capstone and position (1-based) of milestone `id`.
    pub fn milestone(&self, id: &str) -> Option<(&Capstone, usize)> {
        self.capstone
            .iter()
            .find_map(|c| c.milestone(id).map(|(k, _)| (c, k)))
    }

    /// The exercise with this id, or [`Error::UnknownId`] with the closest id as a suggestion.
    ///
    /// # Errors
    /// When no exercise has this id.
    pub fn exercise_or_suggest(&self, id: &str) -> Result<ExerciseRef<'_>> {
        self.exercise(id).ok_or_else(|| self.unknown(id))
    }

    /// The error for an unknown id, suggesting the nearest exercise or module id.
    pub fn unknown(&self, id: &str) -> Error {
        let known: Vec<&str> = self
            .exercises()
            .map(|e| e.exercise.id.as_str())
            .chain(self.units().map(|m| m.id.as_str()))
            .chain(self.capstone.iter().flat_map(|c| {
                std::iter::once(c.id.as_str()).chain(c.milestone.iter().map(|m| m.id.as_str()))
            }))
            .collect();
        Error::UnknownId {
            id: id.to_string(),
            suggestion: crate::suggest::closest(id, &known).map(str::to_string),
        }
    }

    /// The absolute path of an exercise's source: the reference solution, or in a student
    /// edition its marked stub.
    pub fn exercise_path(&self, exercise: ExerciseRef<'_>) -> PathBuf {
        if self.course.student_edition {
            self.root.join(STUDENT_SOURCES).join(exercise.rel_path())
        } else {
            self.root.join(exercise.rel_path())
        }
    }

    /// The folder of a crate exercise: in the course, or in a student edition its marked stub.
    pub fn crate_path(&self, exercise: ExerciseRef<'_>) -> PathBuf {
        let rel = format!(
            "{}/{}",
            exercise.module.dir,
            exercise.exercise.crate_dir.as_deref().unwrap_or_default()
        );
        if self.course.student_edition {
            self.root.join(STUDENT_SOURCES).join(rel)
        } else {
            self.root.join(rel)
        }
    }

    /// Checks the manifest against the repository and returns every problem found (empty: valid).
    ///
    /// # Errors
    /// Only when a file that exists cannot be read.
    pub fn validate(&self) -> Result<Vec<String>> {
        let mut problems = Vec::new();
        self.validate_ids(&mut problems);
        self.validate_prerequisites(&mut problems);
        for module in &self.module {
            self.validate_module(module, &mut problems)?;
        }
        for capstone in &self.capstone {
            crate::capstone::validate(self, capstone, &mut problems)?;
        }
        self.validate_fences(&mut problems)?;
        self.validate_doc_includes(&mut problems)?;
        Ok(problems)
    }

    fn validate_ids(&self, problems: &mut Vec<String>) {
        let mut seen = BTreeSet::new();
        for module in &self.module {
            if !is_module_id(&module.id) {
                problems.push(format!("module id `{}` is not two digits", module.id));
            }
            if !seen.insert(module.id.clone()) {
                problems.push(format!("id `{}` is used twice", module.id));
            }
        }
        for capstone in &self.capstone {
            if !is_capstone_id(&capstone.id) {
                problems.push(format!(
                    "capstone id `{}` is not shaped `p` + number",
                    capstone.id
                ));
            }
            if !seen.insert(capstone.id.clone()) {
                problems.push(format!("id `{}` is used twice", capstone.id));
            }
        }
        let mut bins = BTreeSet::new();
        for entry in self.exercises() {
            let id = &entry.exercise.id;
            if !seen.insert(id.clone()) {
                problems.push(format!("id `{id}` is used twice"));
            }
            let shaped = id
                .split_once('.')
                .is_some_and(|(m, k)| m == entry.module.id && is_position(k));
            if !shaped {
                problems.push(format!(
                    "exercise id `{id}` is not shaped `{}.k` (module or capstone id, dot, position)",
                    entry.module.id
                ));
            }
            if entry.exercise.crate_dir.is_none() && !bins.insert(entry.bin_name()) {
                problems.push(format!(
                    "exercise {id}: binary name {} is used twice",
                    entry.bin_name()
                ));
            }
        }
        for path in &self.path {
            for step in &path.steps {
                if self.module(step).is_none() && !self.capstone.iter().any(|c| &c.id == step) {
                    problems.push(format!("path {}: unknown step `{step}`", path.name));
                }
            }
        }
    }

    fn validate_prerequisites(&self, problems: &mut Vec<String>) {
        let mut graph: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        let nodes = self
            .module
            .iter()
            .map(|m| (m.id.as_str(), &m.prerequisites))
            .chain(
                self.capstone
                    .iter()
                    .map(|c| (c.id.as_str(), &c.prerequisites)),
            );
        for (id, prerequisites) in nodes {
            for prerequisite in prerequisites {
                let exists = self.module(prerequisite).is_some()
                    || self.capstone.iter().any(|c| &c.id == prerequisite);
                if !exists {
                    problems.push(format!("{id}: unknown prerequisite `{prerequisite}`"));
                }
            }
            graph
                .entry(id)
                .or_default()
                .extend(prerequisites.iter().map(String::as_str));
        }
        if let Some(cycle) = find_cycle(&graph) {
            problems.push(format!(
                "prerequisites form a cycle: {}",
                cycle.join(" -> ")
            ));
        }
    }

    fn validate_module(&self, module: &Module, problems: &mut Vec<String>) -> Result<()> {
        let dir = self.root.join(&module.dir);
        let name = format!("module {}", module.id);
        if !dir.is_dir() {
            problems.push(format!("{name}: folder {} does not exist", module.dir));
            return Ok(());
        }
        for note in &module.notes {
            if !dir.join(note).is_file() {
                problems.push(format!("{name}: note {}/{note} does not exist", module.dir));
            }
        }
        for file in fsx::list_files(&dir.join("notes"), ".md")? {
            let listed = format!("notes/{file}");
            if !module.notes.contains(&listed) {
                problems.push(format!(
                    "{name}: {}/{listed} is not listed in its `notes`",
                    module.dir
                ));
            }
        }
        for file in fsx::list_files(&dir.join("exercises"), ".rs")? {
            let listed = format!("exercises/{file}");
            if !module.exercise.iter().any(|e| e.file == listed) {
                problems.push(format!(
                    "{name}: {}/{listed} is not listed as an exercise",
                    module.dir
                ));
            }
        }
        validate_entries(module, &dir, problems);
        validate_note_includes(module, &dir, problems)?;
        let cargo_toml = dir.join("Cargo.toml");
        if !cargo_toml.is_file() {
            problems.push(format!("{name}: {}/Cargo.toml does not exist", module.dir));
            return Ok(());
        }
        let actual = cargo_toml::read_bins(&cargo_toml)?;
        let expected = expected_bins(module);
        if actual != expected {
            problems.push(format!(
                "{name}: the [[bin]] list of {}/Cargo.toml differs from course.toml (run `cargo course sync`)",
                module.dir
            ));
        }
        Ok(())
    }

    /// `examples/src/lib.rs` includes every page of `docs/` that has Rust code, so its blocks run
    /// as doctests (checked only when the course has that crate).
    fn validate_doc_includes(&self, problems: &mut Vec<String>) -> Result<()> {
        let lib = self.root.join("examples").join("src").join("lib.rs");
        if !lib.is_file() {
            return Ok(());
        }
        let included = included_files(&fsx::read(&lib)?);
        for page in fsx::list_files(&self.root.join("docs"), ".md")? {
            let text = fsx::read(&self.root.join("docs").join(&page))?;
            let (fences, _) = markdown::fences(&text);
            // `rust,ignore` blocks are never compiled, included or not.
            let has_rust = fences.iter().any(|f| {
                let tags = f.tags();
                tags.first().is_some_and(|t| *t == "rust") && !tags.contains(&"ignore")
            });
            let wanted = format!("../../docs/{page}");
            if has_rust && !included.contains(&wanted) {
                problems.push(format!(
                    "examples/src/lib.rs does not include docs/{page}, so its Rust blocks are never compiled (add `#[doc = include_str!(\"{wanted}\")]`)"
                ));
            }
        }
        Ok(())
    }

    /// Every markdown file whose fences must be tagged: notes, docs, module and capstone READMEs.
    pub fn tagged_markdown_files(&self) -> Result<Vec<PathBuf>> {
        let mut files = Vec::new();
        for name in fsx::list_files(&self.root.join("docs"), ".md")? {
            files.push(self.root.join("docs").join(name));
        }
        for module in &self.module {
            let dir = self.root.join(&module.dir);
            for name in fsx::list_files(&dir.join("notes"), ".md")? {
                files.push(dir.join("notes").join(name));
            }
            files.push(dir.join("README.md"));
        }
        for capstone in &self.capstone {
            let dir = self.root.join(&capstone.dir);
            files.push(dir.join("README.md"));
            if let Some(guide) = &capstone.guide {
                files.push(dir.join(guide));
            }
        }
        files.retain(|f| f.is_file());
        Ok(files)
    }

    fn validate_fences(&self, problems: &mut Vec<String>) -> Result<()> {
        for file in self.tagged_markdown_files()? {
            let text = fsx::read(&file)?;
            let shown = file.strip_prefix(&self.root).unwrap_or(&file);
            for problem in markdown::fence_problems(&text) {
                problems.push(format!("{}:{}", shown.display(), problem));
            }
        }
        Ok(())
    }
}

/// The paths named by `include_str!("…")` in a Rust file.
fn included_files(source: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = source;
    while let Some(start) = rest.find("include_str!(\"") {
        let after = &rest[start + "include_str!(\"".len()..];
        let Some(end) = after.find('"') else { break };
        found.push(after[..end].to_string());
        rest = &after[end..];
    }
    found
}

/// A module's `src/lib.rs` includes exactly the notes `course.toml` lists (each as the docs of a
/// module, so its code blocks run as doctests).
fn validate_note_includes(module: &Module, dir: &Path, problems: &mut Vec<String>) -> Result<()> {
    let lib = dir.join("src").join("lib.rs");
    if !lib.is_file() {
        if !module.notes.is_empty() {
            problems.push(format!(
                "module {}: {}/src/lib.rs does not exist, so its notes' code is never compiled",
                module.id, module.dir
            ));
        }
        return Ok(());
    }
    let included: Vec<String> = included_files(&fsx::read(&lib)?)
        .into_iter()
        .filter_map(|path| path.strip_prefix("../").map(str::to_string))
        .filter(|path| path.ends_with(".md"))
        .collect();
    for note in &module.notes {
        if !included.contains(note) {
            problems.push(format!(
                "module {}: src/lib.rs does not include {note}, so its code blocks never run (add `#[doc = include_str!(\"../{note}\")]`)",
                module.id
            ));
        }
    }
    for path in &included {
        if !module.notes.contains(path) {
            problems.push(format!(
                "module {}: src/lib.rs includes {path}, which is not one of its `notes` in course.toml",
                module.id
            ));
        }
    }
    Ok(())
}

/// The exercise (or milestone) entries of one module (or capstone).
fn validate_entries(module: &Module, dir: &Path, problems: &mut Vec<String>) {
    for exercise in &module.exercise {
        let id = &exercise.id;
        validate_source(module, exercise, dir, problems);
        validate_new_keys(exercise, problems);
        if let Some(note) = &exercise.note
            && !module.notes.contains(note)
        {
            problems.push(format!(
                "exercise {id}: note {note} is not one of module {}'s notes",
                module.id
            ));
        }
        match (exercise.kind, &exercise.error) {
            (Kind::Fix, None) => problems.push(format!(
                "exercise {id}: a fix exercise needs `error = \"E0xxx\"`"
            )),
            (Kind::Fix, Some(code)) if !is_error_code(code) => {
                problems.push(format!("exercise {id}: error `{code}` is not shaped E0000"))
            }
            (Kind::Implement | Kind::Explore, Some(_)) => problems.push(format!(
                "exercise {id}: only fix exercises declare an `error`"
            )),
            _ => {}
        }
        validate_hints_and_exempt(
            &format!("exercise {id}"),
            &exercise.hints,
            &exercise.exempt,
            problems,
        );
        if exercise.minutes == 0 {
            problems.push(format!("exercise {id}: minutes must be positive"));
        }
    }
}

/// Two or three hints, and a reason for every exemption (exercises and milestones alike).
pub fn validate_hints_and_exempt(
    what: &str,
    hints: &[String],
    exempt: &[Exempt],
    problems: &mut Vec<String>,
) {
    if !(2..=3).contains(&hints.len()) {
        problems.push(format!(
            "{what}: has {} hints, wants two or three",
            hints.len()
        ));
    }
    for exempt in exempt {
        if exempt.reason.trim().is_empty() {
            problems.push(format!(
                "{what}: exemption of {} gives no reason",
                exempt.test
            ));
        }
    }
}

/// Where an exercise's source lives: exactly one of `file` and `crate` (with its `package`).
fn validate_source(module: &Module, exercise: &Exercise, dir: &Path, problems: &mut Vec<String>) {
    let id = &exercise.id;
    match (&exercise.crate_dir, exercise.file.is_empty()) {
        (Some(_), false) => problems.push(format!(
            "exercise {id}: give either `file` or `crate`, not both"
        )),
        (None, true) => problems.push(format!("exercise {id}: needs `file` (or `crate`)")),
        (Some(crate_dir), true) => {
            if !dir.join(crate_dir).join("Cargo.toml").is_file() {
                problems.push(format!(
                    "exercise {id}: crate {}/{crate_dir} has no Cargo.toml",
                    module.dir
                ));
            }
            if exercise.package.is_none() {
                problems.push(format!(
                    "exercise {id}: a crate exercise needs `package = \"<its package name>\"`"
                ));
            }
        }
        (None, false) => {
            if !dir.join(&exercise.file).is_file() {
                problems.push(format!(
                    "exercise {id}: file {}/{} does not exist",
                    module.dir, exercise.file
                ));
            }
            if !(exercise.file.starts_with("exercises/") && exercise.file.ends_with(".rs")) {
                problems.push(format!(
                    "exercise {id}: file must be exercises/<name>.rs, not {}",
                    exercise.file
                ));
            }
            if exercise.package.is_some() {
                problems.push(format!(
                    "exercise {id}: `package` belongs to crate exercises only"
                ));
            }
        }
    }
}

/// The keys added for decoys, learner-written signatures and Miri.
fn validate_new_keys(exercise: &Exercise, problems: &mut Vec<String>) {
    let id = &exercise.id;
    if let Some(code) = &exercise.stub_error {
        if exercise.kind == Kind::Fix {
            problems.push(format!(
                "exercise {id}: a fix exercise declares its code in `error`, not `stub_error`"
            ));
        } else if !is_error_code(code) {
            problems.push(format!(
                "exercise {id}: stub_error `{code}` is not shaped E0000"
            ));
        }
    }
    if let Some(reason) = &exercise.no_decoys {
        if reason.trim().is_empty() {
            problems.push(format!("exercise {id}: `no_decoys` needs a written reason"));
        }
        if exercise.kind == Kind::Explore {
            problems.push(format!(
                "exercise {id}: explore exercises need no decoys, so `no_decoys` does not apply"
            ));
        }
    }
    let is_path = |text: &str| {
        !text.is_empty()
            && text.split("::").all(|part| {
                !part.is_empty() && part.chars().all(|c| c.is_alphanumeric() || c == '_')
            })
    };
    for entry in &exercise.learner_items {
        let item = crate::signature::plain_entry(entry);
        let valid = match item.split_once(" for ") {
            Some((trait_name, type_name)) => is_path(trait_name) && is_path(type_name),
            None => is_path(&item),
        };
        if !valid {
            problems.push(format!(
                "exercise {id}: learner_items entry `{entry}` is not a name, `Type::method` or `Trait for Type`"
            ));
        }
    }
}

fn is_capstone_id(id: &str) -> bool {
    id.strip_prefix('p').is_some_and(is_position)
}

fn is_module_id(id: &str) -> bool {
    id.len() == 2 && id.bytes().all(|b| b.is_ascii_digit())
}

fn is_position(k: &str) -> bool {
    !k.is_empty() && k.bytes().all(|b| b.is_ascii_digit()) && !k.starts_with('0')
}

/// Finds a cycle in a dependency graph (node → the nodes it depends on), if there is one.
fn find_cycle<'a>(graph: &BTreeMap<&'a str, Vec<&'a str>>) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Visiting,
        Done,
    }
    fn visit<'a>(
        node: &'a str,
        graph: &BTreeMap<&'a str, Vec<&'a str>>,
        marks: &mut BTreeMap<&'a str, Mark>,
        stack: &mut Vec<&'a str>,
    ) -> Option<Vec<String>> {
        match marks.get(node) {
            Some(Mark::Done) => return None,
            Some(Mark::Visiting) => {
                let start = stack.iter().position(|n| *n == node).unwrap_or(0);
                let mut cycle: Vec<String> = stack[start..].iter().map(|s| s.to_string()).collect();
                cycle.push(node.to_string());
                return Some(cycle);
            }
            None => {}
        }
        marks.insert(node, Mark::Visiting);
        stack.push(node);
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, marks, stack) {
                return Some(cycle);
            }
        }
        stack.pop();
        marks.insert(node, Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    for node in graph.keys() {
        let mut stack = Vec::new();
        if let Some(cycle) = visit(node, graph, &mut marks, &mut stack) {
            return Some(cycle);
        }
    }
    None
}

/// The `[[bin]]` list a module's Cargo.toml must have, in manifest order.
pub fn expected_bins(module: &Module) -> Vec<Bin> {
    module
        .exercise
        .iter()
        .filter(|e| e.crate_dir.is_none())
        .map(|e| (bin_name(&module.id, &e.file), e.file.clone()))
        .collect()
}

/// Rewrites every module's `[[bin]]` list from the manifest; returns the Cargo.toml files changed.
///
/// # Errors
/// When a module's Cargo.toml cannot be read or written.
pub fn sync_bins(manifest: &Manifest) -> Result<Vec<PathBuf>> {
    let mut changed = Vec::new();
    for module in &manifest.module {
        let path = manifest.root.join(&module.dir).join("Cargo.toml");
        if !path.is_file() {
            continue;
        }
        let text = fsx::read(&path)?;
        let updated = cargo_toml::replace_bins(&text, &expected_bins(module));
        if updated != text {
            fsx::write(&path, updated)?;
            changed.push(path);
        }
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bin_name_drops_number_and_prefixes_module() {
        let check = |module: &str, file: &str, expected: &str| {
            assert_eq!(bin_name(module, file), expected, "{file}");
        };
        check(
            "01",
            "exercises/03-lifetime-annotations.rs",
            "m01-lifetime-annotations",
        );
        check("02", "exercises/10_traits.rs", "m02-traits");
        check("04", "exercises/raw.rs", "m04-raw");
        check("05", "exercises/42.rs", "m05-42");
    }

    #[test]
    fn find_cycle_reports_cycle_and_accepts_dag() {
        let mut graph: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        graph.insert("01", vec![]);
        graph.insert("02", vec!["01"]);
        graph.insert("p1", vec!["01", "02"]);
        assert_eq!(find_cycle(&graph), None);
        graph.insert("01", vec!["p1"]);
        let cycle = find_cycle(&graph).expect("01 -> p1 -> 01 is a cycle");
        assert_eq!(cycle.first(), cycle.last());
    }

    #[test]
    fn ids_are_checked_for_shape() {
        assert!(is_module_id("01"));
        assert!(is_capstone_id("p1"));
        assert!(!is_capstone_id("p01"));
        assert!(!is_module_id("1"));
        assert!(is_position("3"));
        assert!(!is_position("03"));
        assert!(!is_position(""));
        assert!(is_error_code("E0382"));
        assert!(!is_error_code("E382"));
    }
}

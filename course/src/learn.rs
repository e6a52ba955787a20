//! Where a learner's files live, and the progress file beside them.
//!
//! In the course repository that is `learn/` ([`Layout::Learn`]); in a student edition it is the
//! edition itself: the stubs are edited in place ([`Layout::Edition`]).
//!
//! `learn/` is git-ignored and excluded from the course workspace. It is a workspace of its own
//! with one package, `learn`, whose `[[bin]]`s are the exercises the learner has started (same
//! binary names as in the course). Its lockfile is a copy of the course's, refreshed on every
//! `start`, and `learn/.cargo/config.toml` points its target directory at the course's `target/`
//! so dependencies are built once. Learner files live at `learn/<module folder>/<file name>`.
//!
//! In an edition the exercise files are the module folders' `exercises/*.rs`, built as the
//! module packages of the edition's workspace.
//!
//! Progress lives in `learn/.course/progress.json` (an edition: `.course/progress.json`). A damaged progress file is reported, moved
//! aside to `progress.json.damaged` and rebuilt from the files present; it never stops the runner.

use crate::cargo_toml::{self, LearnerWorkspace};
use crate::error::{Error, Result, fsx};
use crate::manifest::{ExerciseRef, Manifest};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The learner workspace's folder name.
pub const LEARN_DIR: &str = "learn";

/// The learner workspace of a course.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// `<root>/learn`, or the edition's root.
    pub dir: PathBuf,
    /// Which of the two it is.
    pub layout: Layout,
}

/// Where the learner's files are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// `learn/` in the course repository: a workspace with one package, `learn`.
    Learn,
    /// A student edition: the stubs in the module folders, edited in place.
    Edition,
}

/// What the learner has done with one exercise.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct ExerciseProgress {
    /// When it was started, as a sequence number (larger is later); `None` if never started.
    #[serde(default)]
    pub started: Option<u64>,
    /// Whether `verify` counted it as done.
    #[serde(default)]
    pub done: bool,
    /// How many hints have been shown.
    #[serde(default)]
    pub hints_shown: usize,
}

/// The whole progress file.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Progress {
    /// The format version, 1.
    pub version: u32,
    /// The last sequence number handed out by `start`.
    #[serde(default)]
    pub sequence: u64,
    /// Per exercise id.
    #[serde(default)]
    pub exercises: BTreeMap<String, ExerciseProgress>,
}

/// The status shown by `list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Never started.
    NotStarted,
    /// Started, not yet verified.
    Started,
    /// Verified.
    Done,
}

impl Status {
    /// How `list` prints it.
    pub fn label(self) -> &'static str {
        match self {
            Status::NotStarted => "not started",
            Status::Started => "started",
            Status::Done => "done",
        }
    }
}

impl Progress {
    /// The entry of an exercise (a default one if it has none).
    pub fn get(&self, id: &str) -> ExerciseProgress {
        self.exercises.get(id).cloned().unwrap_or_default()
    }

    /// The entry of an exercise, created if needed.
    pub fn entry(&mut self, id: &str) -> &mut ExerciseProgress {
        self.exercises.entry(id.to_string()).or_default()
    }

    /// The status of an exercise.
    pub fn status(&self, id: &str) -> Status {
        let entry = self.get(id);
        if entry.done {
            Status::Done
        } else if entry.started.is_some() {
            Status::Started
        } else {
            Status::NotStarted
        }
    }

    /// Marks exercises started now, all at once (later than every other).
    pub fn mark_started<'a>(&mut self, ids: impl IntoIterator<Item = &'a str>) {
        self.sequence += 1;
        let sequence = self.sequence;
        for id in ids {
            self.entry(id).started = Some(sequence);
        }
    }

    /// The most recently started exercise that is not done; of exercises started together (a
    /// whole module), the first in `course_order`.
    pub fn latest_unfinished<'a>(
        &self,
        course_order: impl IntoIterator<Item = &'a str>,
    ) -> Option<&'a str> {
        let mut best: Option<(u64, &'a str)> = None;
        for id in course_order {
            let entry = self.get(id);
            if let (Some(sequence), false) = (entry.started, entry.done)
                && best.is_none_or(|(best_sequence, _)| sequence > best_sequence)
            {
                best = Some((sequence, id));
            }
        }
        best.map(|(_, id)| id)
    }
}

impl Workspace {
    /// The learner workspace of the course at `root`: `learn/`, or in a student edition the
    /// edition itself.
    pub fn new(manifest: &Manifest) -> Workspace {
        if manifest.course.student_edition {
            Workspace {
                dir: manifest.root.clone(),
                layout: Layout::Edition,
            }
        } else {
            Workspace {
                dir: manifest.root.join(LEARN_DIR),
                layout: Layout::Learn,
            }
        }
    }

    /// Where the learner's copy of an exercise lives (a folder, for a crate exercise).
    pub fn file(&self, exercise: ExerciseRef<'_>) -> PathBuf {
        if let Some(crate_dir) = &exercise.exercise.crate_dir {
            return self.dir.join(&exercise.module.dir).join(crate_dir);
        }
        match self.layout {
            Layout::Learn => self
                .dir
                .join(&exercise.module.dir)
                .join(exercise.file_name()),
            Layout::Edition => self.dir.join(exercise.rel_path()),
        }
    }

    /// The Cargo.toml that builds the learner's files.
    pub fn manifest_path(&self) -> PathBuf {
        self.dir.join("Cargo.toml")
    }

    /// The package that holds an exercise's binary (a crate exercise is its own package).
    pub fn package(&self, exercise: ExerciseRef<'_>) -> String {
        if let Some(package) = &exercise.exercise.package {
            return package.clone();
        }
        match self.layout {
            Layout::Learn => "learn".to_string(),
            Layout::Edition => exercise.module.package.clone(),
        }
    }

    fn progress_path(&self) -> PathBuf {
        self.dir.join(".course").join("progress.json")
    }

    /// Reads the progress file. A missing file is empty progress; a damaged one is moved aside to
    /// `progress.json.damaged`, rebuilt from the learner files present, and reported in the
    /// returned warning.
    ///
    /// # Errors
    /// Only when the damaged file cannot be moved aside.
    pub fn load_progress(&self, manifest: &Manifest) -> Result<(Progress, Option<String>)> {
        let path = self.progress_path();
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok((self.rebuilt_progress(manifest), None));
            }
            Err(e) => return Err(Error::io(&path, e)),
        };
        match serde_json::from_str::<Progress>(&text) {
            Ok(progress) if progress.version == 1 => Ok((progress, None)),
            parsed => {
                let reason = match parsed {
                    Err(e) => e.to_string(),
                    Ok(p) => format!("unknown version {}", p.version),
                };
                let aside = path.with_extension("json.damaged");
                fsx::rename(&path, &aside)?;
                let progress = self.rebuilt_progress(manifest);
                self.save_progress(&progress)?;
                let warning = format!(
                    "warning: {} was damaged ({reason}); moved it to {} and rebuilt progress from your files (done marks and hint counts were reset)",
                    path.display(),
                    aside.display()
                );
                Ok((progress, Some(warning)))
            }
        }
    }

    /// Progress inferred from the learner files present: each is started (all at once, so the
    /// first of them is next), none is done.
    fn rebuilt_progress(&self, manifest: &Manifest) -> Progress {
        let mut progress = Progress {
            version: 1,
            ..Progress::default()
        };
        let present: Vec<&str> = manifest
            .exercises()
            .filter(|e| self.file(*e).exists())
            .map(|e| e.exercise.id.as_str())
            .chain(
                manifest
                    .capstone
                    .iter()
                    .filter(|c| self.dir.join(&c.dir).join("Cargo.toml").is_file())
                    .map(|c| c.id.as_str()),
            )
            .collect();
        if !present.is_empty() {
            progress.mark_started(present);
        }
        progress
    }

    /// Writes the progress file (through a temporary file, so a crash never leaves half of it).
    ///
    /// # Errors
    /// When it cannot be written.
    pub fn save_progress(&self, progress: &Progress) -> Result<()> {
        let path = self.progress_path();
        let text = serde_json::to_string_pretty(progress).map_err(|e| Error::parse(&path, e))?;
        let temporary = path.with_extension("json.tmp");
        fsx::write(&temporary, text + "\n")?;
        fsx::rename(&temporary, &path)
    }

    /// Writes `learn/Cargo.toml`, `learn/Cargo.lock` and `learn/.cargo/config.toml` for the
    /// exercises that have been started; an edition's files are already in place.
    ///
    /// # Errors
    /// When a file cannot be read or written.
    pub fn write_cargo_files(&self, manifest: &Manifest, progress: &Progress) -> Result<()> {
        if self.layout == Layout::Edition {
            return Ok(());
        }
        let root = &manifest.root;
        let root_toml = cargo_toml::root_cargo_toml(root)?;
        let started: Vec<ExerciseRef<'_>> = manifest
            .exercises()
            .filter(|e| progress.get(&e.exercise.id).started.is_some())
            .collect();
        let path = self.manifest_path();
        let mut learner = LearnerWorkspace {
            members: cargo_toml::learner_members(&path),
            ..LearnerWorkspace::default()
        };
        let mut seen_modules: Vec<&str> = Vec::new();
        for exercise in &started {
            if seen_modules.contains(&exercise.module.dir.as_str()) {
                continue;
            }
            seen_modules.push(&exercise.module.dir);
            let module_dir = root.join(&exercise.module.dir);
            let module_toml = cargo_toml::read_table(&module_dir.join("Cargo.toml"))?;
            learner.add_dependencies_of(&module_toml, &module_dir);
        }
        // A crate exercise the learner started is a member, and the module's exercises that use
        // it use the learner's copy (two packages of one name cannot both be in the graph).
        for exercise in started.iter().filter(|e| e.exercise.crate_dir.is_some()) {
            let relative = format!(
                "{}/{}",
                exercise.module.dir,
                exercise.exercise.crate_dir.as_deref().unwrap_or_default()
            );
            learner.redirect(&manifest.crate_path(*exercise), &self.dir.join(&relative));
            learner.members.push(relative);
        }
        // A started capstone is a member under its own folder (it keeps the reference's package
        // name; nothing in `learn/` depends on it).
        for capstone in &manifest.capstone {
            if progress.get(&capstone.id).started.is_some() {
                learner.members.push(capstone.dir.clone());
            }
        }
        learner.bins = started
            .iter()
            .filter(|e| e.exercise.crate_dir.is_none())
            .map(|e| (e.bin_name(), format!("{}/{}", e.module.dir, e.file_name())))
            .collect();
        fsx::write_if_changed(
            &path,
            cargo_toml::learner_workspace(&root_toml, learner, &path)?,
        )?;

        let lock = root.join("Cargo.lock");
        if lock.is_file() {
            fsx::copy(&lock, &self.dir.join("Cargo.lock"))?;
        }
        fsx::write_if_changed(
            &self.dir.join(".cargo").join("config.toml"),
            cargo_toml::learner_config(
                &root.join("target"),
                &root.join("course").join("Cargo.toml"),
            ),
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latest_unfinished_is_the_last_started_not_done() {
        let mut progress = Progress {
            version: 1,
            ..Progress::default()
        };
        let order = ["01.1", "01.2", "02.1", "02.2"];
        assert_eq!(progress.latest_unfinished(order), None);
        progress.mark_started(["01.1"]);
        progress.mark_started(["01.2"]);
        assert_eq!(progress.latest_unfinished(order), Some("01.2"));
        progress.entry("01.2").done = true;
        assert_eq!(progress.latest_unfinished(order), Some("01.1"));
        assert_eq!(progress.status("01.2"), Status::Done);
        assert_eq!(progress.status("01.1"), Status::Started);
        assert_eq!(progress.status("02.1"), Status::NotStarted);
        // A whole module started at once: the first of it is next.
        progress.mark_started(["02.2", "02.1"]);
        assert_eq!(progress.latest_unfinished(order), Some("02.1"));
    }
}

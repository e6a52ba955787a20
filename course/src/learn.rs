//! The learner's workspace `learn/` and the progress file inside it.
//!
//! `learn/` is git-ignored and excluded from the course workspace. It is a workspace of its own
//! with one package, `learn`, whose `[[bin]]`s are the exercises the learner has started (same
//! binary names as in the course). Its lockfile is a copy of the course's, refreshed on every
//! `start`, and `learn/.cargo/config.toml` points its target directory at the course's `target/`
//! so dependencies are built once. Learner files live at `learn/<module folder>/<file name>`.
//!
//! Progress lives in `learn/.course/progress.json`. A damaged progress file is reported, moved
//! aside to `progress.json.damaged` and rebuilt from the files present; it never stops the runner.

use crate::error::{Error, Result, fsx};
use crate::export::{root_cargo_toml, workspace_table};
use crate::manifest::{ExerciseRef, Manifest};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The learner workspace's folder name.
pub const LEARN_DIR: &str = "learn";

/// The learner workspace of a course.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// `<root>/learn`.
    pub dir: PathBuf,
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

    /// Marks an exercise started now (later than every other).
    pub fn mark_started(&mut self, id: &str) {
        self.sequence += 1;
        let sequence = self.sequence;
        self.entry(id).started = Some(sequence);
    }

    /// The most recently started exercise that is not done.
    pub fn latest_unfinished(&self) -> Option<&str> {
        self.exercises
            .iter()
            .filter(|(_, e)| !e.done)
            .filter_map(|(id, e)| e.started.map(|s| (s, id.as_str())))
            .max()
            .map(|(_, id)| id)
    }
}

impl Workspace {
    /// The learner workspace of the course at `root`.
    pub fn new(root: &Path) -> Workspace {
        Workspace {
            dir: root.join(LEARN_DIR),
        }
    }

    /// Where the learner's copy of an exercise lives.
    pub fn file(&self, exercise: ExerciseRef<'_>) -> PathBuf {
        self.dir
            .join(&exercise.module.dir)
            .join(exercise.file_name())
    }

    /// `learn/Cargo.toml`.
    pub fn manifest_path(&self) -> PathBuf {
        self.dir.join("Cargo.toml")
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

    /// Progress inferred from the learner files present: each is started, none is done.
    fn rebuilt_progress(&self, manifest: &Manifest) -> Progress {
        let mut progress = Progress {
            version: 1,
            ..Progress::default()
        };
        for exercise in manifest.exercises() {
            if self.file(exercise).is_file() {
                progress.mark_started(&exercise.exercise.id);
            }
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
    /// exercises that have been started.
    ///
    /// # Errors
    /// When a file cannot be read or written.
    pub fn write_cargo_files(&self, manifest: &Manifest, progress: &Progress) -> Result<()> {
        let root = &manifest.root;
        let root_toml = root_cargo_toml(root)?;
        let started: Vec<ExerciseRef<'_>> = manifest
            .exercises()
            .filter(|e| progress.get(&e.exercise.id).started.is_some())
            .collect();

        let mut workspace = toml::Table::new();
        workspace.insert("resolver".into(), "3".into());
        for key in ["dependencies", "lints"] {
            if let Some(value) = workspace_table(&root_toml, key) {
                workspace.insert(key.into(), value);
            }
        }
        let mut package = toml::Table::new();
        package.insert("name".into(), "learn".into());
        package.insert("version".into(), "0.0.0".into());
        package.insert("edition".into(), "2024".into());
        package.insert("publish".into(), false.into());
        package.insert("autobins".into(), false.into());

        let mut dependencies = toml::Table::new();
        let mut dev_dependencies = toml::Table::new();
        let mut seen_modules: Vec<&str> = Vec::new();
        for exercise in &started {
            if seen_modules.contains(&exercise.module.dir.as_str()) {
                continue;
            }
            seen_modules.push(&exercise.module.dir);
            let module_dir = root.join(&exercise.module.dir);
            let path = module_dir.join("Cargo.toml");
            let module_toml: toml::Table =
                toml::from_str(&fsx::read(&path)?).map_err(|e| Error::parse(&path, e))?;
            for (key, into) in [
                ("dependencies", &mut dependencies),
                ("dev-dependencies", &mut dev_dependencies),
            ] {
                if let Some(toml::Value::Table(table)) = module_toml.get(key) {
                    for (name, spec) in table {
                        merge_dependency(into, name, absolute_paths(spec, &module_dir));
                    }
                }
            }
        }
        let bins: Vec<toml::Value> = started
            .iter()
            .map(|e| {
                let mut bin = toml::Table::new();
                bin.insert("name".into(), e.bin_name().into());
                bin.insert(
                    "path".into(),
                    format!("{}/{}", e.module.dir, e.file_name()).into(),
                );
                toml::Value::Table(bin)
            })
            .collect();

        // Written in reading order (package, dependencies, binaries, workspace) rather than
        // the alphabetical order a serialised table would have.
        let path = self.manifest_path();
        let section = |name: &str, value: toml::Value| -> Result<String> {
            let mut table = toml::Table::new();
            table.insert(name.to_string(), value);
            toml::to_string(&table).map_err(|e| Error::parse(&path, e))
        };
        let text = [
            "# Your workspace, generated by `cargo course start`: it is rewritten on every start.\n"
                .to_string(),
            section("package", toml::Value::Table(package))?,
            "[lints]\nworkspace = true\n".to_string(),
            section("dependencies", toml::Value::Table(dependencies))?,
            section("dev-dependencies", toml::Value::Table(dev_dependencies))?,
            section("bin", toml::Value::Array(bins))?,
            section("workspace", toml::Value::Table(workspace))?,
        ]
        .join("\n");
        fsx::write_if_changed(&path, text)?;

        let lock = root.join("Cargo.lock");
        if lock.is_file() {
            fsx::copy(&lock, &self.dir.join("Cargo.lock"))?;
        }
        let target = root.join("target");
        let runner = root.join("course").join("Cargo.toml");
        fsx::write_if_changed(
            &self.dir.join(".cargo").join("config.toml"),
            format!(
                "# Share the course's target directory so dependencies are built once.\n[build]\ntarget-dir = {:?}\n\n\
                 # `learn/` is a workspace of its own, so the course's `cargo course` alias would look for\n\
                 # the runner here; this one runs it from the course instead.\n\
                 [alias]\ncourse = {:?}\n",
                target.to_string_lossy(),
                format!(
                    "run --quiet --manifest-path {} --bin course --",
                    runner.to_string_lossy()
                )
            ),
        )?;
        Ok(())
    }
}

/// Rewrites a relative `path = "…"` dependency so it still points at the same crate from `learn/`.
fn absolute_paths(spec: &toml::Value, module_dir: &Path) -> toml::Value {
    let mut spec = spec.clone();
    if let Some(table) = spec.as_table_mut()
        && let Some(toml::Value::String(path)) = table.get("path")
    {
        let absolute = module_dir.join(path).to_string_lossy().into_owned();
        table.insert("path".into(), absolute.into());
    }
    spec
}

/// Adds a dependency to a table; when two modules name the same crate, their features are united.
fn merge_dependency(into: &mut toml::Table, name: &str, spec: toml::Value) {
    let Some(existing) = into.get_mut(name) else {
        into.insert(name.to_string(), spec);
        return;
    };
    let features = spec
        .get("features")
        .and_then(|f| f.as_array())
        .cloned()
        .unwrap_or_default();
    if let Some(table) = existing.as_table_mut() {
        let list = table
            .entry("features")
            .or_insert_with(|| toml::Value::Array(Vec::new()));
        if let Some(list) = list.as_array_mut() {
            for feature in features {
                if !list.contains(&feature) {
                    list.push(feature);
                }
            }
        }
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
        assert_eq!(progress.latest_unfinished(), None);
        progress.mark_started("01.1");
        progress.mark_started("01.2");
        assert_eq!(progress.latest_unfinished(), Some("01.2"));
        progress.entry("01.2").done = true;
        assert_eq!(progress.latest_unfinished(), Some("01.1"));
        assert_eq!(progress.status("01.2"), Status::Done);
        assert_eq!(progress.status("01.1"), Status::Started);
        assert_eq!(progress.status("02.1"), Status::NotStarted);
    }

    #[test]
    fn merge_dependency_unites_features() {
        let mut table = toml::Table::new();
        let spec = |text: &str| -> toml::Value {
            toml::from_str::<toml::Table>(text).unwrap()["d"].clone()
        };
        merge_dependency(
            &mut table,
            "d",
            spec("d = { workspace = true, features = [\"a\"] }"),
        );
        merge_dependency(
            &mut table,
            "d",
            spec("d = { workspace = true, features = [\"b\", \"a\"] }"),
        );
        let features = table["d"]["features"].as_array().unwrap();
        assert_eq!(features.len(), 2);
    }
}

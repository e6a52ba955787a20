//! `watch`: re-verifies an exercise whenever the learner saves its file.
//!
//! It listens to the operating system's file events (the `notify` crate: inotify, FSEvents,
//! ReadDirectoryChangesW) on the folders that hold the watched files. Where events are
//! unavailable (some network and container file systems, or an exhausted inotify limit) it says
//! so and polls modification times every 500 ms instead; `--poll` asks for polling directly.
//! It runs until interrupted (Ctrl-C).

use crate::error::Result;
use crate::learner::Learner;
use crate::manifest::ExerciseRef;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, SystemTime};

/// How often polling looks at modification times.
const POLL_INTERVAL: Duration = Duration::from_millis(500);

/// How long to wait after an event for the editor to finish writing (it may write in steps).
const SETTLE: Duration = Duration::from_millis(150);

/// Where changes come from.
enum Source {
    /// OS file events, and the folders being watched so far.
    Events {
        watcher: notify::RecommendedWatcher,
        events: Receiver<notify::Result<notify::Event>>,
        folders: BTreeSet<PathBuf>,
    },
    /// Modification times, compared every [`POLL_INTERVAL`].
    Poll,
}

impl Source {
    /// OS file events, or why they are unavailable.
    fn events() -> std::result::Result<Source, String> {
        let (sender, events) = std::sync::mpsc::channel();
        let watcher = notify::recommended_watcher(move |event| {
            // The receiver lives as long as the watcher; a send error only means we are ending.
            let _ = sender.send(event);
        })
        .map_err(|e| e.to_string())?;
        Ok(Source::Events {
            watcher,
            events,
            folders: BTreeSet::new(),
        })
    }

    /// Makes sure the folders of `files` are watched.
    ///
    /// # Errors
    /// The reason a folder cannot be watched (then the caller falls back to polling).
    fn follow(&mut self, files: &[PathBuf]) -> std::result::Result<(), String> {
        use notify::Watcher;
        let Source::Events {
            watcher, folders, ..
        } = self
        else {
            return Ok(());
        };
        for file in files {
            // A crate exercise is a folder: watch all of it; a file: watch its folder (editors
            // often save by writing a new file and renaming it over the old one).
            let (folder, mode) = if file.is_dir() {
                (file.as_path(), notify::RecursiveMode::Recursive)
            } else {
                match file.parent() {
                    Some(parent) => (parent, notify::RecursiveMode::NonRecursive),
                    None => continue,
                }
            };
            if folders.insert(folder.to_path_buf()) {
                watcher
                    .watch(folder, mode)
                    .map_err(|e| format!("{}: {e}", folder.display()))?;
            }
        }
        Ok(())
    }
}

/// Runs `watch`: verifies each watched exercise whenever its file changes, until interrupted.
///
/// # Errors
/// An unknown id or an exercise not started (before watching begins).
pub fn watch(learner: &mut Learner<'_>, id: Option<&str>, poll: bool) -> Result<ExitCode> {
    learner.watched(id)?;
    let mut source = if poll {
        Source::Poll
    } else {
        match Source::events() {
            Ok(source) => source,
            Err(reason) => {
                say(&format!(
                    "OS file events are unavailable ({reason}); polling every 500 ms instead."
                ));
                Source::Poll
            }
        }
    };
    let how = match source {
        Source::Poll => "polling modification times every 500 ms",
        Source::Events { .. } => "using the OS's file events",
    };
    let what = id.map_or_else(|| "your exercise files".to_string(), str::to_string);
    say(&format!(
        "Watching {what} ({how}); Ctrl-C ends. Save a file to verify it."
    ));
    let mut seen: BTreeMap<PathBuf, Option<SystemTime>> = BTreeMap::new();
    loop {
        let exercises = learner.watched(id).unwrap_or_default();
        let files: Vec<PathBuf> = exercises.iter().map(|e| learner.file(*e)).collect();
        if let Err(reason) = source.follow(&files) {
            say(&format!(
                "OS file events are unavailable ({reason}); polling every 500 ms instead."
            ));
            source = Source::Poll;
        }
        let changed = match &source {
            Source::Poll => {
                std::thread::sleep(POLL_INTERVAL);
                changed_by_time(&files, &mut seen)
            }
            Source::Events { events, .. } => match changed_by_events(events, &files) {
                Ok(changed) => changed,
                Err(reason) => {
                    say(&format!(
                        "OS file events stopped ({reason}); polling every 500 ms instead."
                    ));
                    source = Source::Poll;
                    continue;
                }
            },
        };
        for (exercise, file) in exercises.iter().zip(&files) {
            if changed.contains(file) {
                verify(learner, *exercise);
            }
        }
    }
}

/// Verifies one exercise and keeps watching whatever happens.
fn verify<'m>(learner: &mut Learner<'m>, exercise: ExerciseRef<'m>) {
    say("");
    if let Err(error) = learner.verify_exercise(exercise) {
        say(&format!("error: {error}"));
    }
    learner.reload();
}

/// Prints one line, ignoring a closed stdout.
fn say(line: &str) {
    let _ = writeln!(std::io::stdout(), "{line}");
}

/// The files whose modification time changed since the last call (a file seen for the first
/// time is only recorded).
fn changed_by_time(
    files: &[PathBuf],
    seen: &mut BTreeMap<PathBuf, Option<SystemTime>>,
) -> BTreeSet<PathBuf> {
    let mut changed = BTreeSet::new();
    for file in files {
        let modified = newest_change(file);
        match seen.insert(file.clone(), modified) {
            Some(before) if before != modified => {
                changed.insert(file.clone());
            }
            _ => {}
        }
    }
    changed
}

/// When a file, or the newest file in a crate exercise's folder (its `target/` aside), changed.
fn newest_change(path: &Path) -> Option<SystemTime> {
    if !path.is_dir() {
        return std::fs::metadata(path).and_then(|m| m.modified()).ok();
    }
    crate::crates::files(path)
        .ok()?
        .iter()
        .filter_map(|file| {
            std::fs::metadata(path.join(file))
                .and_then(|m| m.modified())
                .ok()
        })
        .max()
}

/// Waits up to a second for events and returns the watched files they touch; events that
/// arrive while the editor is still writing are gathered into the same batch.
fn changed_by_events(
    events: &Receiver<notify::Result<notify::Event>>,
    files: &[PathBuf],
) -> std::result::Result<BTreeSet<PathBuf>, String> {
    let mut changed = BTreeSet::new();
    let mut take = |event: notify::Result<notify::Event>| -> std::result::Result<(), String> {
        let event = event.map_err(|e| e.to_string())?;
        if matches!(event.kind, notify::EventKind::Access(_)) {
            return Ok(());
        }
        for path in &event.paths {
            let watched = files
                .iter()
                .find(|f| same_file(f, path) || (f.is_dir() && inside(f, path)));
            if let Some(file) = watched {
                changed.insert(file.clone());
            }
        }
        Ok(())
    };
    match events.recv_timeout(Duration::from_secs(1)) {
        Ok(event) => take(event)?,
        Err(RecvTimeoutError::Timeout) => return Ok(changed),
        Err(RecvTimeoutError::Disconnected) => return Err("the watcher ended".into()),
    }
    std::thread::sleep(SETTLE);
    while let Ok(event) = events.try_recv() {
        take(event)?;
    }
    Ok(changed)
}

/// Whether an event's path is inside a watched crate folder (and not in its `target/`).
fn inside(folder: &Path, event_path: &Path) -> bool {
    let folder = folder
        .canonicalize()
        .unwrap_or_else(|_| folder.to_path_buf());
    event_path
        .strip_prefix(&folder)
        .is_ok_and(|rest| !rest.starts_with("target"))
}

/// Whether an event's path is a watched file (events may carry canonical paths).
fn same_file(file: &Path, event_path: &Path) -> bool {
    file == event_path
        || file
            .canonicalize()
            .is_ok_and(|canonical| canonical == event_path)
        || (file.file_name() == event_path.file_name()
            && file.parent().and_then(|p| p.canonicalize().ok())
                == event_path.parent().and_then(|p| p.canonicalize().ok()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_by_time_records_then_reports_changes() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.rs");
        std::fs::write(&file, "1").unwrap();
        let files = vec![file.clone()];
        let mut seen = BTreeMap::new();
        assert!(
            changed_by_time(&files, &mut seen).is_empty(),
            "first look only records"
        );
        let later = SystemTime::now() + Duration::from_secs(5);
        std::fs::File::options()
            .write(true)
            .open(&file)
            .unwrap()
            .set_modified(later)
            .unwrap();
        assert_eq!(changed_by_time(&files, &mut seen), BTreeSet::from([file]));
        assert!(changed_by_time(&files, &mut seen).is_empty());
    }
}

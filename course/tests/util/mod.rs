//! Shared helpers of the runner's integration tests: copy a fixture course into a temporary
//! directory and run the real `course` binary on it.

#![allow(
    dead_code,
    reason = "each test file uses a different subset of the helpers"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The directory of the fixture courses.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The repository root (the real course).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the course crate sits inside the repository")
        .to_path_buf()
}

/// Copies a directory tree.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A copy of the fixture course in a fresh temporary directory.
pub struct Course {
    /// Keeps the directory alive.
    pub dir: tempfile::TempDir,
}

impl Course {
    /// Copies `tests/fixtures/course`.
    pub fn new() -> Course {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&fixtures().join("course"), dir.path());
        Course { dir }
    }

    /// The course root.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// The course's own target directory. Each copy has its own: cargo names the artifacts of a
    /// path package by its place inside its workspace, so two copies of the fixture building
    /// into one target directory at the same time would overwrite each other's binaries.
    pub fn target(&self) -> PathBuf {
        self.root().join("target")
    }

    /// Runs `course --root <root> args…` with stdin closed.
    pub fn run(&self, args: &[&str]) -> Run {
        run_in(self.root(), args)
    }

    /// Reads a file of the course.
    pub fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.root().join(path)).unwrap()
    }

    /// Writes a file of the course, creating its folder.
    pub fn write(&self, path: &str, text: &str) {
        let path = self.root().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

/// What one run of the binary produced.
#[derive(Debug)]
pub struct Run {
    /// Exit status 0.
    pub success: bool,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

/// Runs the real binary with `--root root` and the course's own target directory.
pub fn run_in(root: &Path, args: &[&str]) -> Run {
    run_with_target(root, args, &root.join("target"))
}

/// Runs the real binary with `--root root` and the given target directory.
pub fn run_with_target(root: &Path, args: &[&str], target: &Path) -> Run {
    let output: Output = Command::new(env!("CARGO_BIN_EXE_course"))
        .arg("--root")
        .arg(root)
        .args(args)
        .env("CARGO_TARGET_DIR", target)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let run = Run {
        success: output.status.success(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    assert!(
        !run.stderr.contains("panicked"),
        "the runner panicked: {}",
        run.stderr
    );
    run
}

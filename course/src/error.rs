//! The one error type of the runner library.
//!
//! Every variant renders as a single line that tells the user what went wrong and, where there
//! is one, what to do about it. The binary prints it as `error: <message>` and exits non-zero.

use std::path::PathBuf;

/// Everything that can go wrong in the runner.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading, writing or listing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory involved.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// A TOML or JSON file could not be parsed.
    #[error("{}: {message}", path.display())]
    Parse {
        /// The file that failed to parse.
        path: PathBuf,
        /// The parser's message, squeezed onto one line.
        message: String,
    },
    /// No `course.toml` was found.
    #[error("no course.toml found in {} or any parent directory (use --root DIR)", start.display())]
    NoCourse {
        /// Where the search started.
        start: PathBuf,
    },
    /// The manifest is well-formed TOML but breaks a rule of the course format.
    #[error("course.toml has {} problem(s): {}", problems.len(), problems.join("; "))]
    Manifest {
        /// One line per problem.
        problems: Vec<String>,
    },
    /// The solution markers of an exercise file are malformed.
    #[error("{}:{line}: {message}", path.display())]
    Marker {
        /// The exercise file.
        path: PathBuf,
        /// The 1-based line of the problem.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// An id on the command line names no exercise or module.
    #[error("no exercise or module `{id}`{}", suggestion.as_ref().map(|s| format!(" (did you mean {s}?)")).unwrap_or_default())]
    UnknownId {
        /// What the user typed.
        id: String,
        /// The closest known id, if one is close enough.
        suggestion: Option<String>,
    },
    /// The command line is not understood.
    #[error("{0} (see `cargo course --help`)")]
    Usage(String),
    /// An external program could not be started.
    #[error("could not run `{program}`: {source}")]
    Spawn {
        /// The program.
        program: String,
        /// Why it could not start.
        source: std::io::Error,
    },
    /// A command was refused or failed for a reason explained in the message.
    #[error("{0}")]
    Refused(String),
}

/// The result type of the runner library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// A parse error, with the parser's message squeezed onto one line.
    pub fn parse(path: impl Into<PathBuf>, message: impl std::fmt::Display) -> Self {
        let message = message
            .to_string()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        Error::Parse {
            path: path.into(),
            message,
        }
    }
}

/// Small file helpers that attach the path to every I/O error.
pub mod fsx {
    use super::{Error, Result};
    use std::path::Path;

    /// Reads a UTF-8 file.
    pub fn read(path: &Path) -> Result<String> {
        std::fs::read_to_string(path).map_err(|e| Error::io(path, e))
    }

    /// Writes a file, creating its parent directories.
    pub fn write(path: &Path, contents: impl AsRef<[u8]>) -> Result<()> {
        if let Some(parent) = path.parent() {
            create_dir_all(parent)?;
        }
        std::fs::write(path, contents).map_err(|e| Error::io(path, e))
    }

    /// Creates a directory and its parents.
    pub fn create_dir_all(path: &Path) -> Result<()> {
        std::fs::create_dir_all(path).map_err(|e| Error::io(path, e))
    }

    /// Copies a file, creating the destination's parent directories.
    pub fn copy(from: &Path, to: &Path) -> Result<()> {
        if let Some(parent) = to.parent() {
            create_dir_all(parent)?;
        }
        std::fs::copy(from, to)
            .map(|_| ())
            .map_err(|e| Error::io(from, e))
    }

    /// Writes a file only when its contents differ, so cargo's mtime-based fingerprints do not
    /// force a rebuild of unchanged files; returns whether it wrote.
    pub fn write_if_changed(path: &Path, contents: impl AsRef<[u8]>) -> Result<bool> {
        let contents = contents.as_ref();
        if std::fs::read(path).is_ok_and(|old| old == contents) {
            return Ok(false);
        }
        write(path, contents)?;
        Ok(true)
    }

    /// Renames a file.
    pub fn rename(from: &Path, to: &Path) -> Result<()> {
        std::fs::rename(from, to).map_err(|e| Error::io(from, e))
    }

    /// Lists the file names in `dir` that end with `extension` (sorted); an absent directory is empty.
    pub fn list_files(dir: &Path, extension: &str) -> Result<Vec<String>> {
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(Error::io(dir, e)),
        };
        let mut names = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| Error::io(dir, e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(extension) && entry.path().is_file() {
                names.push(name);
            }
        }
        names.sort();
        Ok(names)
    }
}

//! The one error type of the library.
//!
//! Every variant's `Display` text is what follows `minigrep: ` on standard error, so it is written
//! in GNU grep's words where GNU grep has a message for the same situation.
//! Per-file problems (a missing file, a directory, an unreadable file) are *not* errors of this
//! type: they are reported and the search goes on, exactly as GNU grep does.
//! This type is for the problems that end the whole run with exit status 2.

use std::io;

/// Why a run of `minigrep` cannot go on.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The command line is malformed; the message is printed above the usage lines.
    ///
    /// An empty message means "print only the usage lines" (GNU grep's behaviour when no pattern
    /// is given).
    #[error("{0}")]
    Usage(String),
    /// An `-A`, `-B`, `-C` or `-NUM` argument is not a non-negative number.
    #[error("{0}: invalid context length argument")]
    InvalidContext(String),
    /// An `-m` argument is not a number.
    #[error("invalid max count")]
    InvalidMaxCount,
    /// An option argument outside its fixed set (`--binary-files`, `--devices`); GNU grep
    /// prints no usage lines after these.
    #[error("{0}")]
    InvalidArgument(&'static str),
    /// Both `-E` and `-F` were given (GNU grep 3.8 refuses that too).
    #[error("conflicting matchers specified")]
    ConflictingMatchers,
    /// A `-f FILE` could not be read.
    #[error("{path}: {}", describe_io(.source))]
    PatternFile {
        /// The file name as given on the command line.
        path: String,
        /// What the operating system said.
        source: io::Error,
    },
    /// A pattern is not a valid regular expression for the `regex` crate.
    #[error("{0}")]
    Pattern(String),
    /// Writing to standard output failed (for example `> /dev/full`).
    ///
    /// A closed pipe also arrives here, as [`io::ErrorKind::BrokenPipe`]; the binary treats that
    /// kind as a quiet end, like GNU grep killed by `SIGPIPE`.
    #[error("write error: {}", describe_io(.0))]
    Write(io::Error),
}

impl Error {
    /// Returns true when this is a write into a pipe whose reader has gone away.
    pub fn is_broken_pipe(&self) -> bool {
        // course:solution p1.4 True for a write error whose kind says the reader of the pipe went away.
        matches!(self, Error::Write(e) if e.kind() == io::ErrorKind::BrokenPipe)
        // course:stub
        // false
        // course:end
    }
}

/// Formats an I/O error the way C's `strerror` does: `No such file or directory`.
///
/// The standard library's `Display` for an OS error appends ` (os error 2)`, which GNU grep
/// does not print, so we cut that suffix off.
pub fn describe_io(error: &io::Error) -> String {
    // course:solution p1.1 The text of the error without the ` (os error N)` suffix that std adds.
    let text = error.to_string();
    match text.rfind(" (os error ") {
        Some(cut) if text.ends_with(')') => text[..cut].to_string(),
        _ => text,
    }
    // course:end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describe_io_drops_os_error_suffix() {
        let error = io::Error::from_raw_os_error(2);
        assert_eq!(describe_io(&error), "No such file or directory");
    }

    #[test]
    fn describe_io_keeps_custom_messages() {
        let error = io::Error::other("disk on fire");
        assert_eq!(describe_io(&error), "disk on fire");
    }

    #[test]
    fn write_error_reads_like_gnu_grep() {
        let error = Error::Write(io::Error::from_raw_os_error(28));
        assert_eq!(error.to_string(), "write error: No space left on device");
        assert!(!error.is_broken_pipe());
        assert!(Error::Write(io::ErrorKind::BrokenPipe.into()).is_broken_pipe());
    }
}

//! The store's error types: one enum per subsystem and the umbrella `kv::Error`.
//!
//! Subsystem errors convert into [`Error`] with `#[from]`, so `?` works everywhere.
//! [`Error::is_corruption`] is what the CLI uses to pick exit code 3.

use std::io;

/// A malformed page or log payload: the decoder refused it instead of guessing.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CodecError {
    /// The input ended before a field that it declares.
    #[error("truncated input: needed {needed} more bytes at offset {offset}")]
    Truncated {
        /// Where the missing field starts.
        offset: usize,
        /// How many bytes the field needs.
        needed: usize,
    },
    /// The stored checksum does not match the bytes.
    #[error("checksum mismatch in page {page}")]
    Checksum {
        /// The page number that was read.
        page: u64,
    },
    /// A field holds a value the format does not allow.
    #[error("invalid {field}: {reason}")]
    Invalid {
        /// Which field.
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
}

/// A problem with the write-ahead log.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WalError {
    /// Reading or writing the log file failed.
    #[error("log i/o: {0}")]
    Io(#[from] io::Error),
    /// The log is damaged in a way that is not a torn tail.
    #[error("corrupt log at offset {offset}: {reason}")]
    Corrupt {
        /// Byte offset of the damaged record.
        offset: u64,
        /// What was found there.
        reason: String,
    },
    /// A transaction is too large to fit one record.
    #[error("transaction too large for one log record ({bytes} bytes)")]
    TooLarge {
        /// The encoded size.
        bytes: usize,
    },
}

/// A problem inside the B+tree or its pages.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BTreeError {
    /// A key is longer than [`crate::MAX_KEY_LEN`].
    #[error("key too long: {len} bytes (at most {max})")]
    KeyTooLong {
        /// The key's length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A value is longer than [`crate::MAX_VALUE_LEN`].
    #[error("value too long: {len} bytes (at most {max})")]
    ValueTooLong {
        /// The value's length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A page could not be decoded.
    #[error("corrupt page {page}: {source}")]
    CorruptPage {
        /// The page number.
        page: u64,
        /// What the decoder found.
        source: CodecError,
    },
    /// The tree's structure is wrong (found by `verify` or while walking).
    #[error("corrupt tree at page {page}: {reason}")]
    CorruptTree {
        /// The page where the problem shows.
        page: u64,
        /// The broken rule.
        reason: String,
    },
    /// Reading or writing the data file failed.
    #[error("data file i/o: {0}")]
    Io(#[from] io::Error),
}

/// Every error the store returns.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// File-system error outside the log and the data pages (directories, locks).
    #[error("i/o: {0}")]
    Io(#[from] io::Error),
    /// A codec error that is not tied to a page (for example a meta page).
    #[error(transparent)]
    Codec(#[from] CodecError),
    /// A log error.
    #[error(transparent)]
    Wal(#[from] WalError),
    /// A B-tree or page error.
    #[error(transparent)]
    BTree(#[from] BTreeError),
    /// The store found damage it will not repair.
    #[error("corrupt store: {0}")]
    Corrupt(String),
    /// An earlier `fdatasync` failed, so nothing more is written until the store is reopened.
    #[error("store is poisoned after a failed sync; reopen it to recover")]
    Poisoned,
    /// Another process (or another `Store` in this one) has the store open.
    #[error("{} is in use by another process", .0.display())]
    Locked(std::path::PathBuf),
    /// The options passed to `open` are unusable.
    #[error("invalid options: {0}")]
    InvalidOptions(String),
}

impl Error {
    /// Returns true when the error means the files are damaged (as opposed to I/O or usage).
    pub fn is_corruption(&self) -> bool {
        matches!(
            self,
            Error::Corrupt(_)
                | Error::Codec(_)
                | Error::Wal(WalError::Corrupt { .. })
                | Error::BTree(BTreeError::CorruptPage { .. } | BTreeError::CorruptTree { .. })
        )
    }
}

/// The store's `Result`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

//! The store's settings and the numbers it reports: [`Options`], [`Durability`], [`Stats`],
//! [`VerifyReport`]. Plain data, no behaviour.

pub use crate::page::Compression;

/// Default of [`Options::compact_min_free_pages`].
pub const COMPACT_MIN_FREE_PAGES: u64 = 16;

/// When a commit is acknowledged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Durability {
    /// After the commit's log record is `fdatasync`ed (the default).
    #[default]
    Immediate,
    /// As soon as the record is written to the OS; it becomes durable with the next
    /// immediate commit or checkpoint. A crash can lose such commits (whole, never half).
    Deferred,
}

/// Settings for [`Store::open`](crate::Store::open).
#[derive(Debug, Clone)]
pub struct Options {
    /// Buffer pool budget in bytes (each cached page counts 4096).
    pub cache_bytes: usize,
    /// Checkpoint automatically once the log grows past this many bytes.
    pub wal_limit: u64,
    /// Default durability of commits.
    pub durability: Durability,
    /// A checkpoint is followed by a compaction when more than a quarter of the data
    /// file's pages are free and at least this many, so a small store is not rewritten
    /// for a few pages.
    pub compact_min_free_pages: u64,
    /// How a *new* store keeps its values. An existing store keeps the codec it was created
    /// with (it is recorded in the meta), whatever this says.
    pub compression: Compression,
    /// How [`Store::open`](crate::Store::open) reads the data file.
    pub read_mode: ReadMode,
}

/// How the data file is read when a page is not in the buffer pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReadMode {
    /// `pread` into a buffer (the default): an I/O error is an error value.
    #[default]
    Pread,
    /// Copy out of a read-only shared memory map of the file, which saves a system call per
    /// miss. A device I/O error then kills the process with `SIGBUS` instead of returning an
    /// error; see the `mmap` module for the safety argument.
    Mmap,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            cache_bytes: 64 << 20,
            wal_limit: 64 << 20,
            durability: Durability::Immediate,
            compact_min_free_pages: COMPACT_MIN_FREE_PAGES,
            compression: Compression::None,
            read_mode: ReadMode::Pread,
        }
    }
}

/// Counters and sizes reported by [`Store::stats`](crate::Store::stats).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// Live keys.
    pub keys: u64,
    /// Pages in the data file (meta pages included).
    pub pages: u64,
    /// Free pages ready for reuse.
    pub free_pages: u64,
    /// Page lookups answered by the buffer pool.
    pub cache_hits: u64,
    /// Page lookups that read the data file.
    pub cache_misses: u64,
    /// Pages in the buffer pool now.
    pub cached_pages: u64,
    /// Dirty pages in the buffer pool now.
    pub dirty_pages: u64,
    /// The pool's budget in bytes.
    pub cache_bytes: u64,
    /// Pages written to the data file since open.
    pub page_writes: u64,
    /// Current log length in bytes.
    pub wal_bytes: u64,
    /// `fdatasync` calls on the log since open.
    pub wal_syncs: u64,
    /// Transactions committed since open.
    pub commits: u64,
    /// Checkpoints since open.
    pub checkpoints: u64,
    /// Compactions since open: checkpoints followed by moving pages off the end of the
    /// data file (counted in `checkpoints` too).
    pub compactions: u64,
    /// Current checkpoint generation.
    pub generation: u64,
    /// How values are stored.
    pub compression: Compression,
}

/// What [`Store::verify`](crate::Store::verify) checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct VerifyReport {
    /// Keys found by walking the tree.
    pub keys: u64,
    /// Pages used by the tree.
    pub tree_pages: u64,
    /// Pages on the free list.
    pub free_pages: u64,
    /// Depth of the tree.
    pub depth: usize,
}

//! The store itself: [`Store`], opening it (files or injected backends), reads, and the
//! shared state that the submodules work on.
//!
//! - `recovery`: creating a new store and recovering an existing one from meta and log.
//! - `checkpoint`: checkpoints, compaction and `verify`.
//! - `txn`: read snapshots, write transactions and iterators.
//! - `versions`: the published version of the trees and the snapshots that read it.
//! - `options`: settings and reports.
//!
//! Concurrency in one paragraph: a `Mutex` (the writer lock) admits one write transaction or
//! checkpoint at a time. A write transaction collects its changes in a private `BTreeMap`,
//! so readers cannot see them. On commit it appends one log record, applies the changes to
//! copies of the pages they touch (copy-on-write per transaction), publishes the new roots as
//! the next version, releases the writer lock, and waits for `fdatasync` (shared with other
//! committers: group commit). A reader takes a snapshot of the current version and reads it
//! for as long as it likes: no commit waits for it, and no page it can reach is reused
//! until it is dropped.

mod backup;
mod checkpoint;
mod index;
mod options;
mod recovery;
mod txn;
mod versions;

use std::borrow::Cow;
use std::fs::{self, File, OpenOptions};
use std::ops::{Bound, RangeBounds};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};

use crate::alloc::Allocator;
use crate::backend::{Backend, FileBackend};
use crate::btree::{self, Cursor};
use crate::error::{Error, Result};
use crate::index::KeyExtractor;
use crate::page::{PAGE_SIZE, PageId};
use crate::pager::Pager;
use crate::values;
use crate::wal::{self, Op, Record, Wal};

pub use crate::backup::BackupReport;
pub use backup::RestoreReport;
pub use index::IndexHit;
pub use options::{
    COMPACT_MIN_FREE_PAGES, Compression, Durability, Options, ReadMode, Stats, VerifyReport,
};
pub use txn::{Iter, ReadTxn, WriteTxn};
use versions::{Snapshot, TreeState, Versions};

/// Name of the data file inside the store directory.
pub const DATA_FILE: &str = "data.kv";
/// Name of the log file inside the store directory.
pub const WAL_FILE: &str = "wal.kv";
/// Name of the lock file that keeps a second process out.
pub const LOCK_FILE: &str = "lock";

/// The two files of a store, as [`Backend`]s: what [`Store::open_with`] runs on.
/// [`Store::open`] builds them from files; a test can pass backends that simulate a crash.
#[derive(Debug)]
pub struct Backends {
    /// The data file (`data.kv`).
    pub data: Box<dyn Backend>,
    /// The log (`wal.kv`).
    pub wal: Box<dyn Backend>,
}

/// A secondary index that commits maintain: its name and key extractor.
#[derive(Clone)]
struct IndexDef {
    name: String,
    extract: Arc<KeyExtractor>,
}

impl std::fmt::Debug for IndexDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IndexDef")
            .field("name", &self.name)
            .finish()
    }
}

#[derive(Debug)]
struct WriterState {
    alloc: Allocator,
    generation: u64,
    next_sequence: u64,
    /// Something changed since the last checkpoint.
    changed: bool,
    /// The indexes defined since open, maintained by every commit.
    indexes: Vec<IndexDef>,
}

/// Sets the flag when dropped while still armed (an early return or a panic).
struct PoisonGuard<'a> {
    flag: &'a AtomicBool,
    armed: bool,
}

impl<'a> PoisonGuard<'a> {
    fn arm(flag: &'a AtomicBool) -> Self {
        PoisonGuard { flag, armed: true }
    }

    fn defuse(mut self) {
        self.armed = false;
    }
}

impl Drop for PoisonGuard<'_> {
    fn drop(&mut self) {
        if self.armed {
            self.flag.store(true, Ordering::Release);
        }
    }
}

/// Event counters for [`Store::stats`].
#[derive(Debug, Default)]
struct Counters {
    commits: AtomicU64,
    checkpoints: AtomicU64,
    compactions: AtomicU64,
}

/// An open store. `Send + Sync`: share it between threads by reference or `Arc`.
#[derive(Debug)]
pub struct Store {
    dir: Option<PathBuf>,
    options: Options,
    /// The codec recorded in the meta when the store was created.
    compression: Compression,
    pager: Pager,
    wal: Wal,
    writer: Mutex<WriterState>,
    versions: Versions,
    /// Set when applying a commit failed or panicked, or a sync failed: the in-memory state
    /// can no longer be trusted.
    poisoned: AtomicBool,
    counters: Counters,
    /// Copies of the writer's generation, page count and free-page count, so `stats` never
    /// waits for (or deadlocks against) an open write transaction.
    shape: [AtomicU64; 3],
    closed: AtomicBool,
    /// Held (shared) by a backup while it copies the pages of a checkpoint; a checkpoint
    /// takes it exclusively, so none completes under a running backup.
    backup_gate: RwLock<()>,
    /// Admits one backup at a time.
    backup_running: Mutex<()>,
    _lock: Option<File>,
}

fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)?.sync_all()?;
    Ok(())
}

fn open_rw(path: &Path) -> Result<File> {
    Ok(OpenOptions::new().read(true).write(true).open(path)?)
}

/// The key just after every key that starts with `prefix`, or `None` if there is none.
fn prefix_end(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last != u8::MAX {
            end.push(last + 1);
            return Some(end);
        }
    }
    None
}

fn owned_bound(bound: Bound<&[u8]>) -> Bound<Vec<u8>> {
    match bound {
        Bound::Included(key) => Bound::Included(key.to_vec()),
        Bound::Excluded(key) => Bound::Excluded(key.to_vec()),
        Bound::Unbounded => Bound::Unbounded,
    }
}

fn as_slice_bound<K: AsRef<[u8]>>(bound: Bound<&K>) -> Bound<&[u8]> {
    match bound {
        Bound::Included(key) => Bound::Included(key.as_ref()),
        Bound::Excluded(key) => Bound::Excluded(key.as_ref()),
        Bound::Unbounded => Bound::Unbounded,
    }
}

impl Store {
    /// Opens the store in directory `dir`, creating it if needed, and recovers from the log.
    ///
    /// # Errors
    /// [`Error::Corrupt`] (and other corruption variants, see [`Error::is_corruption`]) when
    /// the files are damaged beyond a torn tail; [`Error::Locked`] when another process has
    /// the store open; I/O errors.
    pub fn open(dir: impl AsRef<Path>, options: Options) -> Result<Store> {
        let dir = dir.as_ref().to_path_buf();
        Self::check_options(&options)?;
        if !dir.exists() {
            fs::create_dir_all(&dir)?;
            // The new directory's own name must reach the disk too (see "Media assumptions").
            if let Some(parent) = dir.parent().filter(|parent| !parent.as_os_str().is_empty()) {
                sync_dir(parent)?;
            }
        }
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join(LOCK_FILE))?;
        if lock.try_lock().is_err() {
            return Err(Error::Locked(dir));
        }
        let data_path = dir.join(DATA_FILE);
        let wal_path = dir.join(WAL_FILE);
        if !data_path.exists() {
            recovery::create_files(&dir, options.compression)?;
        } else if !wal_path.exists() {
            return Err(Error::Corrupt(format!("{} is missing", wal_path.display())));
        }
        let data_file = open_rw(&data_path)?;
        let data: Box<dyn Backend> = match options.read_mode {
            ReadMode::Pread => Box::new(FileBackend::new(data_file)),
            ReadMode::Mmap => Box::new(crate::mmap::MmapBackend::new(data_file)?),
        };
        let backends = Backends {
            data,
            wal: Box::new(FileBackend::new(open_rw(&wal_path)?)),
        };
        let mut store = Self::open_with(backends, options)?;
        store.dir = Some(dir);
        store._lock = Some(lock);
        Ok(store)
    }

    /// Opens a store on the given backends, running recovery; an empty data backend gets a
    /// new, empty store. Nothing else touches the file system, so a test can inject
    /// backends that lose every write after the last sync.
    ///
    /// # Errors
    /// As [`Store::open`], without the directory and lock errors.
    pub fn open_with(backends: Backends, options: Options) -> Result<Store> {
        Self::check_options(&options)?;
        if backends.data.is_empty()? {
            recovery::initialize(
                backends.data.as_ref(),
                backends.wal.as_ref(),
                options.compression,
            )?;
        }
        recovery::recover(backends, options)
    }

    fn check_options(options: &Options) -> Result<()> {
        if options.cache_bytes < PAGE_SIZE {
            return Err(Error::InvalidOptions(format!(
                "cache_bytes must be at least {PAGE_SIZE}"
            )));
        }
        Ok(())
    }

    /// Publishes the writer's numbers for [`Store::stats`].
    fn publish_shape(&self, writer: &WriterState) {
        self.shape[0].store(writer.generation, Ordering::Relaxed);
        self.shape[1].store(writer.alloc.page_count(), Ordering::Relaxed);
        self.shape[2].store(writer.alloc.free_count(), Ordering::Relaxed);
    }

    fn lock_writer(&self) -> MutexGuard<'_, WriterState> {
        // A panic while holding the writer lock either happened in user code inside a write
        // transaction (whose changes are private, so nothing is damaged) or inside `apply`,
        // whose guard sets `poisoned` on unwind; so the lock's own poisoning carries no extra meaning.
        self.writer.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A counted snapshot of the current version.
    fn read_tree(&self) -> Snapshot<'_> {
        self.versions.snapshot()
    }

    /// Publishes `tree` as the current version, then lets the allocator reuse the pages no
    /// open snapshot can reach any more, dropping them from the pool.
    fn publish(&self, writer: &mut WriterState, tree: TreeState) {
        self.versions.publish(tree);
        self.reclaim(writer);
    }

    fn reclaim(&self, writer: &mut WriterState) {
        for page in writer.alloc.reclaim(self.versions.oldest()) {
            self.pager.forget(page);
        }
    }

    fn check_poisoned(&self) -> Result<()> {
        if self.poisoned.load(Ordering::Acquire) {
            return Err(Error::Poisoned);
        }
        Ok(())
    }

    /// Marks the store poisoned when `result` is an error, and passes it on.
    fn poison_on_error<T>(&self, result: Result<T>) -> Result<T> {
        if result.is_err() {
            self.poisoned.store(true, Ordering::Release);
        }
        result
    }

    /// Applies logged operations as the next version: on copies of the pages they touch,
    /// published when all of them are applied.
    /// Takes the operations by value so that each value moves into its leaf instead of being
    /// copied there (in a bulk load that copy, and freeing the logged original, was a sixth of
    /// the time).
    fn apply(&self, writer: &mut WriterState, ops: Vec<Op>) -> Result<()> {
        // If anything below fails or panics, the allocator and the pool are half-updated:
        // poison the store (the published version is still whole).
        let guard = PoisonGuard::arm(&self.poisoned);
        let mut tree = (*self.versions.current()).clone();
        tree.version += 1;
        let alloc = &mut writer.alloc;
        alloc.begin(tree.version);
        for op in ops {
            match op {
                Op::Put(key, value) => {
                    btree::check_sizes(&key, value.len())?;
                    let compressed = match values::encode(self.compression, &value) {
                        Cow::Owned(bytes) => Some(bytes),
                        Cow::Borrowed(_) => None,
                    };
                    let stored =
                        btree::store_value(&self.pager, alloc, compressed.unwrap_or(value));
                    let (root, old) = btree::insert(&self.pager, alloc, tree.root, &key, stored)?;
                    tree.root = Some(root);
                    match old {
                        Some(old) => btree::release_value(&self.pager, alloc, &old)?,
                        None => tree.key_count += 1,
                    }
                }
                Op::Delete(key) => {
                    let (root, old) = btree::delete(&self.pager, alloc, tree.root, &key)?;
                    tree.root = root;
                    if let Some(old) = old {
                        btree::release_value(&self.pager, alloc, &old)?;
                        tree.key_count -= 1;
                    }
                }
                Op::IndexPut(entry) => {
                    btree::check_sizes(&entry, 0)?;
                    let empty = btree::store_value(&self.pager, alloc, Vec::new());
                    let (root, old) =
                        btree::insert(&self.pager, alloc, tree.index_root, &entry, empty)?;
                    tree.index_root = Some(root);
                    if old.is_none() {
                        tree.index_entries += 1;
                    }
                }
                Op::IndexDelete(entry) => {
                    let (root, old) = btree::delete(&self.pager, alloc, tree.index_root, &entry)?;
                    tree.index_root = root;
                    if old.is_some() {
                        tree.index_entries -= 1;
                    }
                }
            }
        }
        writer.changed = true;
        self.publish(writer, tree);
        guard.defuse();
        self.publish_shape(writer);
        Ok(())
    }

    /// The commit path after the changes are known: log `ops` as one record, apply them to
    /// the pages in memory, keep the pool within budget, and checkpoint when the log is past
    /// its limit. Returns the record's number for `Wal::sync_to`; the caller releases the
    /// writer lock and then waits for durability.
    fn log_and_apply(&self, writer: &mut WriterState, ops: Vec<Op>) -> Result<u64> {
        // course:solution p3.5 Write-ahead: encode `ops` as one record of the current generation and sequence, append it to the log (a failed append poisons the store), count the sequence, and only then apply the changes to the pages.
        let record = Record {
            generation: writer.generation,
            sequence: writer.next_sequence,
            ops,
        };
        let bytes = wal::encode_record(&record)?;
        let lsn = self.poison_on_error(self.wal.append(&bytes).map_err(Error::from))?;
        drop(bytes);
        writer.next_sequence += 1;
        self.apply(writer, record.ops)?;
        // course:stub
        // // TODO: p3.5 (this starting version only applies the changes: they become durable at the next
        // // checkpoint, and a crash before it loses them).
        // self.apply(writer, ops)?;
        // let lsn = 0;
        // course:end
        self.counters.commits.fetch_add(1, Ordering::Relaxed);
        // Keep the pool within budget: dirty pages may be written early (they are fresh).
        if self.pager.dirty_pages() * PAGE_SIZE > self.pager.budget() / 2 {
            self.poison_on_error(self.pager.write_back().map_err(Error::from))?;
        }
        if self.wal.len() > self.options.wal_limit {
            self.checkpoint_unless_backing_up(writer)?;
        }
        Ok(lsn)
    }

    /// Reads `key`.
    ///
    /// # Errors
    /// I/O, corruption, or [`Error::Poisoned`].
    pub fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        self.check_poisoned()?;
        let tree = self.read_tree();
        self.lookup(tree.root, key)
    }

    /// Looks `key` up in the tree at `root` and decodes the stored value.
    fn lookup(&self, root: Option<PageId>, key: &[u8]) -> Result<Option<Vec<u8>>> {
        match btree::get(&self.pager, root, key)? {
            Some(stored) => Ok(Some(values::decode(self.compression, stored)?)),
            None => Ok(None),
        }
    }

    /// How this store keeps its values (recorded when it was created).
    pub fn compression(&self) -> Compression {
        self.compression
    }

    /// Sets `key` to `value` in its own transaction.
    ///
    /// # Errors
    /// Size limits, I/O, or [`Error::Poisoned`].
    pub fn put(&self, key: &[u8], value: &[u8]) -> Result<()> {
        let mut txn = self.begin()?;
        txn.put(key, value)?;
        txn.commit()
    }

    /// Removes `key` in its own transaction; returns whether it existed.
    ///
    /// # Errors
    /// I/O or [`Error::Poisoned`].
    pub fn delete(&self, key: &[u8]) -> Result<bool> {
        let mut txn = self.begin()?;
        let existed = txn.delete(key)?;
        txn.commit()?;
        Ok(existed)
    }

    /// A read snapshot: every read through it sees the same state until it is dropped.
    /// Do not commit on the same thread while holding it (the commit would wait for it).
    pub fn read(&self) -> ReadTxn<'_> {
        ReadTxn::new(self, self.read_tree())
    }

    /// Iterates the keys in `range` in order, over one consistent snapshot.
    /// The iterator holds the snapshot; see [`Store::read`] for the caveat.
    ///
    /// # Errors
    /// I/O, corruption, or [`Error::Poisoned`] (also per item).
    pub fn range<K: AsRef<[u8]>, R: RangeBounds<K>>(&self, range: R) -> Result<Iter<'_>> {
        self.check_poisoned()?;
        let tree = self.read_tree();
        let cursor = Cursor::seek(
            &self.pager,
            tree.root,
            as_slice_bound(range.start_bound()),
            owned_bound(as_slice_bound(range.end_bound())),
        )?;
        Ok(Iter::new(self, cursor, Some(tree)))
    }

    /// Iterates every key that starts with `prefix`, in order.
    ///
    /// # Errors
    /// As [`Store::range`].
    pub fn scan_prefix(&self, prefix: &[u8]) -> Result<Iter<'_>> {
        match prefix_end(prefix) {
            Some(end) => self.range(prefix.to_vec()..end),
            None => self.range(prefix.to_vec()..),
        }
    }

    /// Starts a write transaction, waiting for any other one to finish.
    ///
    /// Only one write transaction exists at a time, so while one is alive the same thread
    /// must not call `begin`, `put`, `delete`, `transaction`, `checkpoint` or `verify`
    /// (each would wait for the transaction it is itself holding).
    ///
    /// # Errors
    /// [`Error::Poisoned`].
    pub fn begin(&self) -> Result<WriteTxn<'_>> {
        let writer = self.lock_writer();
        self.check_poisoned()?;
        Ok(WriteTxn::new(self, writer))
    }

    /// Runs `body` in a write transaction: commits when it returns `Ok`, rolls back on `Err`.
    ///
    /// # Errors
    /// Whatever `body` returns, or the commit's error.
    pub fn transaction<T>(&self, body: impl FnOnce(&mut WriteTxn<'_>) -> Result<T>) -> Result<T> {
        let mut txn = self.begin()?;
        let value = body(&mut txn)?;
        txn.commit()?;
        Ok(value)
    }

    /// Counters and sizes. Takes no writer lock, so it is safe to call anywhere.
    pub fn stats(&self) -> Stats {
        let keys = self.versions.current().key_count;
        let pool = self.pager.counters();
        Stats {
            keys,
            pages: self.shape[1].load(Ordering::Relaxed),
            free_pages: self.shape[2].load(Ordering::Relaxed),
            cache_hits: self.pager.hits(),
            cache_misses: pool.misses.load(Ordering::Relaxed),
            cached_pages: self.pager.cached_pages() as u64,
            dirty_pages: self.pager.dirty_pages() as u64,
            cache_bytes: self.pager.budget() as u64,
            page_writes: pool.writes.load(Ordering::Relaxed),
            wal_bytes: self.wal.len(),
            wal_syncs: self.wal.syncs(),
            commits: self.counters.commits.load(Ordering::Relaxed),
            checkpoints: self.counters.checkpoints.load(Ordering::Relaxed),
            compactions: self.counters.compactions.load(Ordering::Relaxed),
            generation: self.shape[0].load(Ordering::Relaxed),
            compression: self.compression,
        }
    }

    /// Checks in-memory structures (B-tree rules through the pool, LRU shards); for tests.
    ///
    /// # Errors
    /// A description of the first broken rule.
    pub fn check_invariants(&self) -> Result<(), String> {
        let tree = self.read_tree();
        self.walk_trees(&tree, false)
            .map_err(|err| err.to_string())?;
        self.pager.check_invariants()
    }

    /// The directory this store lives in (`None` when opened on injected backends).
    pub fn path(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// Checkpoints and closes. Dropping a store does the same but cannot report errors.
    ///
    /// # Errors
    /// As [`Store::checkpoint`].
    pub fn close(self) -> Result<()> {
        self.closed.store(true, Ordering::Release);
        if self.poisoned.load(Ordering::Acquire) {
            return Ok(());
        }
        self.checkpoint()
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        if !self.closed.load(Ordering::Acquire) && !self.poisoned.load(Ordering::Acquire) {
            // Best effort: every commit is already durable in the log; the checkpoint only
            // makes the next open faster. An error here is recovered from by that open.
            let _ = self.checkpoint();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_end_table() {
        let check = |prefix: &[u8], expected: Option<&[u8]>| {
            assert_eq!(prefix_end(prefix).as_deref(), expected, "prefix {prefix:?}");
        };
        check(b"ab", Some(b"ac"));
        check(&[1, 0xff], Some(&[2]));
        check(&[0xff, 0xff], None);
        check(b"", None);
    }

    #[test]
    fn store_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Store>();
        assert_send_sync::<Error>();
    }
}

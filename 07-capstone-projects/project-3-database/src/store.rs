//! The glue: `Store`, its options, read snapshots, write transactions, checkpoints,
//! recovery and `verify`.
//!
//! Concurrency in one paragraph: a `Mutex` (the writer lock) admits one write transaction or
//! checkpoint at a time; the tree's root sits in an `RwLock`. A write transaction collects its
//! changes in a private `BTreeMap`, so readers cannot see them. On commit it appends one log
//! record, takes the `RwLock`'s write side only to apply the changes to the pages in memory,
//! releases both locks, and waits for `fdatasync` (shared with other committers: group
//! commit). A reader holds the read side for as long as it needs one consistent state.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fs::{self, File, OpenOptions};
use std::ops::{Bound, RangeBounds};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError, RwLock, RwLockReadGuard};

use crate::backend::FileBackend;
use crate::btree::{self, Cursor};
use crate::error::{Error, Result};
use crate::page::{FIRST_DATA_PAGE, FREELIST_CAPACITY, Meta, Node, PAGE_SIZE, PageId};
use crate::pager::{Allocator, Pager};
use crate::wal::{self, Op, Record, Wal};

/// Name of the data file inside the store directory.
pub const DATA_FILE: &str = "data.kv";
/// Name of the log file inside the store directory.
pub const WAL_FILE: &str = "wal.kv";
/// Default of [`Options::compact_min_free_pages`].
pub const COMPACT_MIN_FREE_PAGES: u64 = 16;
/// Name of the lock file that keeps a second process out.
pub const LOCK_FILE: &str = "lock";

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

/// Settings for [`Store::open`].
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
}

impl Default for Options {
    fn default() -> Self {
        Options {
            cache_bytes: 64 << 20,
            wal_limit: 64 << 20,
            durability: Durability::Immediate,
            compact_min_free_pages: COMPACT_MIN_FREE_PAGES,
        }
    }
}

/// Counters and sizes reported by [`Store::stats`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
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
}

/// What [`Store::verify`] checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
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

#[derive(Debug)]
struct TreeState {
    root: PageId,
    key_count: u64,
}

#[derive(Debug)]
struct WriterState {
    alloc: Allocator,
    generation: u64,
    next_sequence: u64,
    /// Something changed since the last checkpoint.
    changed: bool,
}

/// Sets the flag when dropped while still armed (an early return or a panic).
struct PoisonGuard<'a> {
    flag: &'a AtomicBool,
    armed: bool,
}

impl PoisonGuard<'_> {
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

/// An open store. `Send + Sync`: share it between threads by reference or `Arc`.
#[derive(Debug)]
pub struct Store {
    dir: PathBuf,
    options: Options,
    pager: Pager,
    wal: Wal,
    writer: Mutex<WriterState>,
    tree: RwLock<TreeState>,
    /// Writer fairness. std's `RwLock` hands an unlocked lock to whichever thread asks
    /// first, so a reader that takes snapshot after snapshot can keep a woken writer out
    /// indefinitely (measured: one commit in 300 ms of reads). A committing writer holds
    /// this turnstile and raises `writer_waiting` while it waits for the write lock; new
    /// readers that see the flag queue on the turnstile, so the current ones drain and the
    /// writer gets in.
    turnstile: Mutex<()>,
    writer_waiting: AtomicBool,
    /// Set when applying a commit failed or panicked, or a sync failed: the in-memory state
    /// can no longer be trusted.
    poisoned: AtomicBool,
    commits: AtomicU64,
    checkpoints: AtomicU64,
    compactions: AtomicU64,
    /// Copies of the writer's generation, page count and free-page count, so `stats` never
    /// waits for (or deadlocks against) an open write transaction.
    shape: [AtomicU64; 3],
    closed: AtomicBool,
    _lock: File,
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
    /// the files are damaged beyond a torn tail; I/O errors; a second process holding the store.
    pub fn open(dir: impl AsRef<Path>, options: Options) -> Result<Store> {
        let dir = dir.as_ref().to_path_buf();
        if options.cache_bytes < PAGE_SIZE {
            return Err(Error::InvalidOptions(format!(
                "cache_bytes must be at least {PAGE_SIZE}"
            )));
        }
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
            return Err(Error::Io(std::io::Error::other(format!(
                "{} is in use by another process",
                dir.display()
            ))));
        }
        let data_path = dir.join(DATA_FILE);
        let wal_path = dir.join(WAL_FILE);
        if !data_path.exists() {
            Self::create_files(&dir)?;
        } else if !wal_path.exists() {
            return Err(Error::Corrupt(format!("{} is missing", wal_path.display())));
        }
        let pager = Pager::new(
            Box::new(FileBackend::new(open_rw(&data_path)?)),
            options.cache_bytes,
        );
        let log_bytes = fs::read(&wal_path)?;
        let scanned = wal::scan(&log_bytes)?;
        let zero_tail = log_bytes
            .get(scanned.valid_len as usize..)
            .is_some_and(|tail| tail.iter().all(|byte| *byte == 0));
        drop(log_bytes);
        let meta = Self::choose_meta(&pager, &scanned.records)?;
        let wal = Wal::open(
            Box::new(FileBackend::new(open_rw(&wal_path)?)),
            scanned.valid_len,
            zero_tail,
        )?;
        let (alloc, free_pages_ok) = Self::load_allocator(&pager, &meta)?;
        debug_assert!(free_pages_ok);
        let next_sequence = scanned
            .records
            .last()
            .map_or(0, |record| record.sequence + 1);
        let store = Store {
            dir,
            options,
            pager,
            wal,
            writer: Mutex::new(WriterState {
                alloc,
                generation: meta.generation,
                next_sequence,
                changed: false,
            }),
            turnstile: Mutex::new(()),
            writer_waiting: AtomicBool::new(false),
            tree: RwLock::new(TreeState {
                root: meta.root,
                key_count: meta.key_count,
            }),
            poisoned: AtomicBool::new(false),
            commits: AtomicU64::new(0),
            checkpoints: AtomicU64::new(0),
            compactions: AtomicU64::new(0),
            shape: Default::default(),
            closed: AtomicBool::new(false),
            _lock: lock,
        };
        if let Err(err) = store.replay(&meta, &scanned.records) {
            // A half-finished recovery must not be checkpointed by `Drop`: that would make a
            // partial replay durable and empty the log that still holds the rest.
            store.poisoned.store(true, Ordering::Release);
            return Err(err);
        }
        Ok(store)
    }

    /// Writes a new, empty store: the data file via a temporary name, then the log.
    fn create_files(dir: &Path) -> Result<()> {
        let temporary = dir.join(format!("{DATA_FILE}.tmp"));
        let file = File::create(&temporary)?;
        let pager = Pager::new(Box::new(FileBackend::new(file)), PAGE_SIZE);
        let meta = Meta {
            generation: 0,
            root: 0,
            freelist: 0,
            page_count: FIRST_DATA_PAGE,
            key_count: 0,
        };
        pager.write_meta(&meta, 0)?;
        pager.write_meta(&meta, 1)?;
        pager.sync()?;
        let marker = wal::encode_record(&Record {
            generation: 0,
            sequence: 0,
            ops: Vec::new(),
        })?;
        let log = File::create(dir.join(WAL_FILE))?;
        std::io::Write::write_all(&mut &log, &marker)?;
        log.sync_data()?;
        fs::rename(&temporary, dir.join(DATA_FILE))?;
        sync_dir(dir)?;
        Ok(())
    }

    /// Picks the meta to recover from (see "Recovery" in `ARCHITECTURE.md`).
    fn choose_meta(pager: &Pager, records: &[Record]) -> Result<Meta> {
        let slot0 = pager.read_meta(0)?;
        let slot1 = pager.read_meta(1)?;
        let log_generation = records.first().map(|record| record.generation);
        match (slot0, slot1) {
            (Ok(a), Ok(b)) => Ok(if b.generation > a.generation { b } else { a }),
            (Ok(meta), Err(damage)) | (Err(damage), Ok(meta)) => {
                if log_generation == Some(meta.generation) {
                    Ok(meta)
                } else {
                    Err(Error::Corrupt(format!(
                        "a meta page is damaged ({damage}) and the log does not prove the other one is current"
                    )))
                }
            }
            (Err(first), Err(second)) => Err(Error::Corrupt(format!(
                "both meta pages are damaged: {first}; {second}"
            ))),
        }
    }

    /// Reads the free list named by `meta`.
    fn load_allocator(pager: &Pager, meta: &Meta) -> Result<(Allocator, bool)> {
        let mut alloc = Allocator {
            page_count: meta.page_count,
            ..Allocator::default()
        };
        let mut next = meta.freelist;
        while next != 0 {
            if alloc.freelist_pages.len() as u64 > meta.page_count {
                return Err(Error::Corrupt("free list has a cycle".into()));
            }
            let node = pager.read_uncached(next)?;
            let Node::FreeList { next: after, ids } = node else {
                return Err(Error::Corrupt(format!(
                    "page {next} is not a free-list page"
                )));
            };
            for id in ids {
                if id >= meta.page_count || !alloc.free.insert(id) {
                    return Err(Error::Corrupt(format!("free list holds bad page {id}")));
                }
            }
            alloc.freelist_pages.push(next);
            next = after;
        }
        Ok((alloc, true))
    }

    /// Replays log records of the current generation, then checkpoints if anything changed.
    fn replay(&self, meta: &Meta, records: &[Record]) -> Result<()> {
        let mut writer = self.lock_writer();
        let mut replayed = 0usize;
        for record in records {
            if record.generation < meta.generation {
                continue;
            }
            if record.generation > meta.generation {
                return Err(Error::Corrupt(format!(
                    "log record of generation {} on top of meta generation {}",
                    record.generation, meta.generation
                )));
            }
            if !record.ops.is_empty() {
                self.apply(&mut writer, &record.ops)?;
                replayed += 1;
            }
        }
        self.publish_shape(&writer);
        let stale = records
            .iter()
            .any(|record| record.generation < meta.generation);
        if replayed > 0 || stale || records.is_empty() {
            writer.changed = true;
            self.checkpoint_locked(&mut writer)?;
        } else {
            // Every record has the meta's generation, so no recovery can fall back to an
            // older meta any more: bytes past the page count (left by a crash before or
            // during the last checkpoint's cut) are garbage, and can be cut now.
            let len = writer.alloc.page_count * PAGE_SIZE as u64;
            if self.pager.file_len()? > len {
                self.pager.truncate(len)?;
            }
        }
        Ok(())
    }

    /// Publishes the writer's numbers for [`Store::stats`].
    fn publish_shape(&self, writer: &WriterState) {
        self.shape[0].store(writer.generation, Ordering::Relaxed);
        self.shape[1].store(writer.alloc.page_count, Ordering::Relaxed);
        self.shape[2].store(writer.alloc.free.len() as u64, Ordering::Relaxed);
    }

    fn lock_writer(&self) -> MutexGuard<'_, WriterState> {
        // A panic while holding the writer lock either happened in user code inside a write
        // transaction (whose changes are private, so nothing is damaged) or inside `apply`,
        // whose guard sets `poisoned` on unwind; so the lock's own poisoning carries no extra meaning.
        self.writer.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn read_tree(&self) -> RwLockReadGuard<'_, TreeState> {
        if self.writer_waiting.load(Ordering::Acquire) {
            // Wait behind the committing writer (see `turnstile`). The mutex guards no data,
            // so its poisoning means nothing.
            drop(
                self.turnstile
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner),
            );
        }
        // Same reasoning as `lock_writer`: `apply` guards itself with `poisoned`.
        self.tree.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write_tree(&self) -> std::sync::RwLockWriteGuard<'_, TreeState> {
        let turnstile = self
            .turnstile
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        self.writer_waiting.store(true, Ordering::Release);
        let tree = self.tree.write().unwrap_or_else(PoisonError::into_inner);
        self.writer_waiting.store(false, Ordering::Release);
        drop(turnstile);
        tree
    }

    fn check_poisoned(&self) -> Result<()> {
        if self.poisoned.load(Ordering::Acquire) {
            return Err(Error::Poisoned);
        }
        Ok(())
    }

    /// Applies logged operations to the in-memory tree under the tree's write lock.
    fn apply(&self, writer: &mut WriterState, ops: &[Op]) -> Result<()> {
        // If anything below fails or panics, the tree is half-updated: poison the store.
        let guard = PoisonGuard {
            flag: &self.poisoned,
            armed: true,
        };
        let mut tree = self.write_tree();
        let alloc = &mut writer.alloc;
        for op in ops {
            match op {
                Op::Put(key, value) => {
                    btree::check_sizes(key, value.len())?;
                    let stored = btree::store_value(&self.pager, alloc, value);
                    let (root, old) = btree::insert(&self.pager, alloc, tree.root, key, stored)?;
                    tree.root = root;
                    match old {
                        Some(old) => btree::release_value(&self.pager, alloc, &old)?,
                        None => tree.key_count += 1,
                    }
                }
                Op::Delete(key) => {
                    let (root, old) = btree::delete(&self.pager, alloc, tree.root, key)?;
                    tree.root = root;
                    if let Some(old) = old {
                        btree::release_value(&self.pager, alloc, &old)?;
                        tree.key_count -= 1;
                    }
                }
            }
        }
        writer.changed = true;
        drop(tree);
        guard.defuse();
        self.publish_shape(writer);
        Ok(())
    }

    /// Reads `key`.
    ///
    /// # Errors
    /// I/O, corruption, or [`Error::Poisoned`].
    pub fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        self.check_poisoned()?;
        let tree = self.read_tree();
        Ok(btree::get(&self.pager, tree.root, key)?)
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
        ReadTxn {
            store: self,
            tree: self.read_tree(),
        }
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
        Ok(Iter {
            pager: &self.pager,
            cursor,
            _snapshot: Some(tree),
            failed: false,
        })
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
        Ok(WriteTxn {
            store: self,
            writer,
            changes: BTreeMap::new(),
            durability: self.options.durability,
        })
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

    /// Writes every changed page, switches the meta, and empties the log.
    ///
    /// # Errors
    /// I/O errors (the store is then poisoned) or [`Error::Poisoned`].
    pub fn checkpoint(&self) -> Result<()> {
        let mut writer = self.lock_writer();
        self.check_poisoned()?;
        self.checkpoint_locked(&mut writer)
    }

    fn checkpoint_locked(&self, writer: &mut WriterState) -> Result<()> {
        if !writer.changed {
            return Ok(());
        }
        let mut result = self.checkpoint_inner(writer);
        if result.is_ok() && self.worth_compacting(&writer.alloc) {
            // `compact` sets `changed` only when it moved pages; then a second checkpoint
            // makes the moved tree durable, frees the end of the file and cuts it off.
            result = self.compact(writer).and_then(|()| {
                if writer.changed {
                    self.checkpoint_inner(writer)
                } else {
                    Ok(())
                }
            });
        }
        if result.is_err() {
            self.poisoned.store(true, Ordering::Release);
        }
        result
    }

    /// True when more than a quarter of the data file's pages are free (and at least
    /// [`Options::compact_min_free_pages`]), right after a checkpoint.
    fn worth_compacting(&self, alloc: &Allocator) -> bool {
        let free = alloc.free.len() as u64;
        free >= self.options.compact_min_free_pages.max(1)
            && free * 4 > alloc.page_count - FIRST_DATA_PAGE
    }

    /// Moves the tree's pages from the end of the data file into free pages near its start
    /// (see `btree::relocate`), so the checkpoint that follows finds the end of the file free
    /// and cuts it off. Runs right after a checkpoint, under the writer lock, so no page is
    /// fresh and every free page is free on disk too; the durable tree is not touched
    /// (moved pages are copies), so a crash at any point here leaves the checkpoint just
    /// written in force.
    fn compact(&self, writer: &mut WriterState) -> Result<()> {
        let alloc = &mut writer.alloc;
        // The first page number `limit` such that the free pages below it can take every
        // tree page at or past it, with some room for the copied ancestors of moved pages.
        // Pages past `limit` that are free, or hold the free list, need not move.
        let unmoved_free: HashSet<PageId> = alloc
            .free
            .iter()
            .chain(&alloc.freelist_pages)
            .copied()
            .collect();
        let mut moves = alloc.page_count - FIRST_DATA_PAGE - unmoved_free.len() as u64;
        let mut free_below = 0u64;
        let mut limit = FIRST_DATA_PAGE;
        while limit < alloc.page_count && free_below < moves + moves / 8 + 8 {
            if alloc.free.contains(&limit) {
                free_below += 1;
            } else if !unmoved_free.contains(&limit) {
                moves -= 1;
            }
            limit += 1;
        }
        if limit >= alloc.page_count {
            return Ok(());
        }
        // Same discipline as `apply`: a failure half-way poisons the store.
        let guard = PoisonGuard {
            flag: &self.poisoned,
            armed: true,
        };
        let mut tree = self.write_tree();
        if tree.root != 0 {
            tree.root = btree::relocate(&self.pager, alloc, tree.root, limit, 0)?;
        }
        drop(tree);
        guard.defuse();
        writer.changed = true;
        self.compactions.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    fn checkpoint_inner(&self, writer: &mut WriterState) -> Result<()> {
        // 1. Every dirty page to its (fresh, unreferenced by the durable meta) place.
        self.pager.write_back()?;
        // 2. The free list as it will be once the new meta is durable.
        let alloc = &mut writer.alloc;
        let mut after: BTreeSet<PageId> = alloc
            .free
            .iter()
            .chain(&alloc.pending_free)
            .chain(&alloc.freelist_pages)
            .copied()
            .collect();
        // Pages at the end of the file that will be free are cut off: the new meta's page
        // count leaves them out. They may still belong to the durable tree, so the file
        // itself is shortened only after the new meta is durable (step 5).
        let mut page_count = alloc.page_count;
        let mut cut: Vec<PageId> = Vec::new();
        while page_count > FIRST_DATA_PAGE && after.remove(&(page_count - 1)) {
            page_count -= 1;
            cut.push(page_count);
        }
        // Pages for the list itself must be free *now* (not pending), so take them from
        // `free` below the cut, or else from past the old end of the file.
        let mut list_pages: Vec<PageId> = Vec::new();
        let mut free_now = alloc.free.range(..page_count);
        // Each page taken from `free` also shrinks the list it has to hold.
        while list_pages.len() * FREELIST_CAPACITY < after.len() {
            let page = match free_now.next() {
                Some(&id) => {
                    after.remove(&id);
                    id
                }
                None => {
                    // Pages past the cut may be durable: give up the cut this time and
                    // grow the file instead.
                    if !cut.is_empty() {
                        after.extend(cut.drain(..));
                        page_count = alloc.page_count;
                    }
                    page_count += 1;
                    page_count - 1
                }
            };
            list_pages.push(page);
        }
        // Write every list page, even one left empty because taking it emptied the list:
        // the meta points at the first page either way.
        let after: Vec<PageId> = after.into_iter().collect();
        let mut chunks = after.chunks(FREELIST_CAPACITY);
        for (index, page) in list_pages.iter().enumerate() {
            let next = list_pages.get(index + 1).copied().unwrap_or(0);
            let ids = chunks.next().unwrap_or(&[]).to_vec();
            self.pager
                .write_node(*page, &Node::FreeList { next, ids })?;
        }
        let (root, key_count) = {
            let tree = self.read_tree();
            (tree.root, tree.key_count)
        };
        let meta = Meta {
            generation: writer.generation + 1,
            root,
            freelist: list_pages.first().copied().unwrap_or(0),
            page_count,
            key_count,
        };
        // 3. Pages durable before the meta that points at them.
        self.pager.sync()?;
        self.pager.write_meta(&meta, meta.generation % 2)?;
        self.pager.sync()?;
        // 4. Only now may the log be emptied; its marker names the new generation.
        let marker = wal::encode_record(&Record {
            generation: meta.generation,
            sequence: writer.next_sequence,
            ops: Vec::new(),
        })?;
        self.wal.reset(&marker)?;
        writer.next_sequence += 1;
        writer.generation = meta.generation;
        alloc.free = after.into_iter().collect();
        alloc.pending_free.clear();
        alloc.fresh.clear();
        alloc.freelist_pages = list_pages;
        alloc.page_count = page_count;
        for page in cut {
            self.pager.forget(page);
        }
        writer.changed = false;
        self.publish_shape(writer);
        self.checkpoints.fetch_add(1, Ordering::Relaxed);
        // 5. The new meta is durable and the log no longer holds records of the old
        // generation, so no recovery can fall back to the old meta: pages past the new
        // page count are garbage, and the file can be cut to size. A crash before or
        // during this step leaves a longer file whose tail nothing refers to; the next
        // checkpoint cuts it again.
        let len = page_count * PAGE_SIZE as u64;
        if self.pager.file_len()? > len {
            self.pager.truncate(len)?;
        }
        Ok(())
    }

    /// Counters and sizes. Takes no writer lock, so it is safe to call anywhere.
    pub fn stats(&self) -> Stats {
        let keys = self.read_tree().key_count;
        Stats {
            keys,
            pages: self.shape[1].load(Ordering::Relaxed),
            free_pages: self.shape[2].load(Ordering::Relaxed),
            cache_hits: self.pager.hits(),
            cache_misses: self.pager.counters.misses.load(Ordering::Relaxed),
            cached_pages: self.pager.cached_pages() as u64,
            dirty_pages: self.pager.dirty_pages() as u64,
            cache_bytes: self.pager.budget() as u64,
            page_writes: self.pager.counters.writes.load(Ordering::Relaxed),
            wal_bytes: self.wal.len(),
            wal_syncs: self.wal.syncs(),
            commits: self.commits.load(Ordering::Relaxed),
            checkpoints: self.checkpoints.load(Ordering::Relaxed),
            compactions: self.compactions.load(Ordering::Relaxed),
            generation: self.shape[0].load(Ordering::Relaxed),
        }
    }

    /// Checkpoints, then re-reads every page of the tree and the free list from the file,
    /// checking every checksum and every structural rule.
    ///
    /// # Errors
    /// A corruption error for the first problem found; I/O errors.
    pub fn verify(&self) -> Result<VerifyReport> {
        let mut writer = self.lock_writer();
        self.check_poisoned()?;
        self.checkpoint_locked(&mut writer)?;
        let tree = self.read_tree();
        let report = btree::check_invariants(&self.pager, tree.root, true)?;
        if report.keys != tree.key_count {
            return Err(Error::Corrupt(format!(
                "tree holds {} keys, meta says {}",
                report.keys, tree.key_count
            )));
        }
        let alloc = &writer.alloc;
        for page in report.pages.iter().chain(&alloc.freelist_pages) {
            if *page >= alloc.page_count {
                return Err(Error::Corrupt(format!("page {page} lies past the end")));
            }
        }
        if let Some(page) = report.pages.iter().find(|page| alloc.free.contains(page)) {
            return Err(Error::Corrupt(format!("page {page} is both used and free")));
        }
        for page in &alloc.freelist_pages {
            self.pager.read_uncached(*page)?;
        }
        for slot in 0..FIRST_DATA_PAGE {
            if let Err(err) = self.pager.read_meta(slot)? {
                return Err(Error::Corrupt(format!("meta slot {slot}: {err}")));
            }
        }
        Ok(VerifyReport {
            keys: report.keys,
            tree_pages: report.pages.len() as u64,
            free_pages: alloc.free.len() as u64,
            depth: report.depth,
        })
    }

    /// Checks in-memory structures (B-tree rules through the pool, LRU shards); for tests.
    ///
    /// # Errors
    /// A description of the first broken rule.
    pub fn check_invariants(&self) -> Result<(), String> {
        let tree = self.read_tree();
        let report = btree::check_invariants(&self.pager, tree.root, false)
            .map_err(|err| err.to_string())?;
        if report.keys != tree.key_count {
            return Err(format!(
                "{} keys in tree, {} counted",
                report.keys, tree.key_count
            ));
        }
        self.pager.check_invariants()
    }

    /// The directory this store lives in.
    pub fn path(&self) -> &Path {
        &self.dir
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

/// A consistent read snapshot; see [`Store::read`].
#[derive(Debug)]
pub struct ReadTxn<'a> {
    store: &'a Store,
    tree: RwLockReadGuard<'a, TreeState>,
}

impl ReadTxn<'_> {
    /// Reads `key` in this snapshot.
    ///
    /// # Errors
    /// I/O, corruption, or [`Error::Poisoned`].
    pub fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        self.store.check_poisoned()?;
        Ok(btree::get(&self.store.pager, self.tree.root, key)?)
    }

    /// Iterates `range` in this snapshot.
    ///
    /// # Errors
    /// As [`Store::range`].
    pub fn range<K: AsRef<[u8]>, R: RangeBounds<K>>(&self, range: R) -> Result<Iter<'_>> {
        self.store.check_poisoned()?;
        let cursor = Cursor::seek(
            &self.store.pager,
            self.tree.root,
            as_slice_bound(range.start_bound()),
            owned_bound(as_slice_bound(range.end_bound())),
        )?;
        Ok(Iter {
            pager: &self.store.pager,
            cursor,
            _snapshot: None,
            failed: false,
        })
    }

    /// Number of keys in this snapshot.
    pub fn len(&self) -> u64 {
        self.tree.key_count
    }

    /// True when the snapshot holds no keys.
    pub fn is_empty(&self) -> bool {
        self.tree.key_count == 0
    }
}

/// An ordered iterator over key-value pairs; stops after the first error.
#[derive(Debug)]
pub struct Iter<'a> {
    pager: &'a Pager,
    cursor: Cursor,
    _snapshot: Option<RwLockReadGuard<'a, TreeState>>,
    failed: bool,
}

impl Iterator for Iter<'_> {
    type Item = Result<(Vec<u8>, Vec<u8>)>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        match self.cursor.next(self.pager) {
            Ok(item) => item.map(Ok),
            Err(err) => {
                self.failed = true;
                Some(Err(err.into()))
            }
        }
    }
}

/// A write transaction: changes stay private until [`WriteTxn::commit`]; dropping it
/// (or [`WriteTxn::rollback`]) discards them without a trace.
#[derive(Debug)]
pub struct WriteTxn<'a> {
    store: &'a Store,
    writer: MutexGuard<'a, WriterState>,
    changes: BTreeMap<Vec<u8>, Option<Vec<u8>>>,
    durability: Durability,
}

impl WriteTxn<'_> {
    /// Reads `key`, seeing this transaction's own changes.
    ///
    /// # Errors
    /// I/O or corruption.
    pub fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        if let Some(change) = self.changes.get(key) {
            return Ok(change.clone());
        }
        self.store.get(key)
    }

    /// Sets `key` to `value`.
    ///
    /// # Errors
    /// Size limits.
    pub fn put(&mut self, key: &[u8], value: &[u8]) -> Result<()> {
        btree::check_sizes(key, value.len())?;
        self.changes.insert(key.to_vec(), Some(value.to_vec()));
        Ok(())
    }

    /// Removes `key`; returns whether it existed.
    ///
    /// # Errors
    /// I/O or corruption while checking.
    pub fn delete(&mut self, key: &[u8]) -> Result<bool> {
        let existed = self.get(key)?.is_some();
        self.changes.insert(key.to_vec(), None);
        Ok(existed)
    }

    /// The pairs in `range` as this transaction sees them (its changes merged over the
    /// stored data), collected into a vector.
    ///
    /// # Errors
    /// I/O or corruption.
    pub fn range<K: AsRef<[u8]>, R: RangeBounds<K>>(
        &self,
        range: R,
    ) -> Result<Vec<(Vec<u8>, Vec<u8>)>> {
        let start = owned_bound(as_slice_bound(range.start_bound()));
        let end = owned_bound(as_slice_bound(range.end_bound()));
        let mut merged: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
        for pair in self
            .store
            .range::<Vec<u8>, _>((start.clone(), end.clone()))?
        {
            let (key, value) = pair?;
            merged.insert(key, value);
        }
        for (key, change) in self.changes.range::<Vec<u8>, _>((start, end)) {
            match change {
                Some(value) => merged.insert(key.clone(), value.clone()),
                None => merged.remove(key),
            };
        }
        Ok(merged.into_iter().collect())
    }

    /// Overrides the store's default durability for this commit.
    pub fn set_durability(&mut self, durability: Durability) {
        self.durability = durability;
    }

    /// Discards every change.
    pub fn rollback(self) {}

    /// Makes the changes durable and visible, atomically. Returns after the log record is
    /// synced (with [`Durability::Immediate`]).
    ///
    /// # Errors
    /// I/O errors (the store is then poisoned), [`WalError::TooLarge`](crate::WalError),
    /// or [`Error::Poisoned`].
    pub fn commit(mut self) -> Result<()> {
        let store = self.store;
        store.check_poisoned()?;
        if self.changes.is_empty() {
            return Ok(());
        }
        let ops: Vec<Op> = std::mem::take(&mut self.changes)
            .into_iter()
            .map(|(key, change)| match change {
                Some(value) => Op::Put(key, value),
                None => Op::Delete(key),
            })
            .collect();
        let writer = &mut *self.writer;
        let record = Record {
            generation: writer.generation,
            sequence: writer.next_sequence,
            ops,
        };
        let bytes = wal::encode_record(&record)?;
        let lsn = match store.wal.append(&bytes) {
            Ok(lsn) => lsn,
            Err(err) => {
                store.poisoned.store(true, Ordering::Release);
                return Err(err.into());
            }
        };
        drop(bytes);
        writer.next_sequence += 1;
        store.apply(writer, &record.ops)?;
        store.commits.fetch_add(1, Ordering::Relaxed);
        // Keep the pool within budget: dirty pages may be written early (they are fresh).
        if store.pager.dirty_pages() * PAGE_SIZE > store.pager.budget() / 2
            && let Err(err) = store.pager.write_back()
        {
            store.poisoned.store(true, Ordering::Release);
            return Err(err.into());
        }
        if store.wal.len() > store.options.wal_limit {
            store.checkpoint_locked(writer)?;
        }
        // Release the writer lock before waiting for the disk, so the next transaction can
        // run and its commit can share our fdatasync.
        let durability = self.durability;
        drop(self);
        if durability == Durability::Immediate
            && let Err(err) = store.wal.sync_to(lsn)
        {
            store.poisoned.store(true, Ordering::Release);
            return Err(err.into());
        }
        Ok(())
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

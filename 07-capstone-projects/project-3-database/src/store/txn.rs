//! Read snapshots ([`ReadTxn`]), ordered iterators ([`Iter`]) and write transactions
//! ([`WriteTxn`]), including the commit path: encode one log record, append it, apply it to
//! the pages in memory, release the writer lock, then wait for `fdatasync`.

use std::collections::BTreeMap;
use std::ops::RangeBounds;
use std::sync::MutexGuard;

use super::{Durability, Snapshot, Store, WriterState, as_slice_bound, owned_bound};
use crate::btree::{self, Cursor};
use crate::error::{Error, Result};
use crate::values;
use crate::wal::Op;

/// A consistent read snapshot; see [`Store::read`].
#[derive(Debug)]
pub struct ReadTxn<'a> {
    pub(super) store: &'a Store,
    pub(super) tree: Snapshot<'a>,
}

impl<'a> ReadTxn<'a> {
    pub(super) fn new(store: &'a Store, tree: Snapshot<'a>) -> Self {
        ReadTxn { store, tree }
    }

    /// Reads `key` in this snapshot.
    ///
    /// # Errors
    /// I/O, corruption, or [`Error::Poisoned`].
    pub fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        self.store.check_poisoned()?;
        self.store.lookup(self.tree.root, key)
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
        Ok(Iter::new(self.store, cursor, None))
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
    store: &'a Store,
    cursor: Cursor,
    _snapshot: Option<Snapshot<'a>>,
    failed: bool,
}

impl<'a> Iter<'a> {
    pub(super) fn new(store: &'a Store, cursor: Cursor, snapshot: Option<Snapshot<'a>>) -> Self {
        Iter {
            store,
            cursor,
            _snapshot: snapshot,
            failed: false,
        }
    }
}

impl Iterator for Iter<'_> {
    type Item = Result<(Vec<u8>, Vec<u8>)>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let item = match self.cursor.next(&self.store.pager) {
            Ok(item) => item.map(|(key, stored)| {
                values::decode(self.store.compression, stored)
                    .map(|value| (key, value))
                    .map_err(Error::from)
            }),
            Err(err) => Some(Err(err.into())),
        };
        if matches!(item, Some(Err(_))) {
            self.failed = true;
        }
        item
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

impl<'a> WriteTxn<'a> {
    pub(super) fn new(store: &'a Store, writer: MutexGuard<'a, WriterState>) -> Self {
        WriteTxn {
            store,
            writer,
            changes: BTreeMap::new(),
            durability: store.options.durability,
        }
    }

    /// Reads `key`, seeing this transaction's own changes.
    ///
    /// # Errors
    /// I/O or corruption.
    pub fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        // course:solution p3.6 A transaction sees its own changes first: a key it put reads as the new value, a key it deleted reads as missing; anything else comes from the store.
        if let Some(change) = self.changes.get(key) {
            return Ok(change.clone());
        }
        self.store.get(key)
        // course:stub
        // // TODO: p3.6 (this starting version sees only what is committed).
        // self.store.get(key)
        // course:decoy txn-forgets-own-deletes Sees its own puts but not its own deletes, so a key deleted inside the transaction still reads as present until the commit.
        // if let Some(Some(value)) = self.changes.get(key) {
        //     return Ok(Some(value.clone()));
        // }
        // self.store.get(key)
        // course:end
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
        // Only whether it exists matters: look it up without copying the value out. The
        // writer lock is held, so the current version cannot change or be reclaimed under us.
        let existed = match self.changes.get(key) {
            Some(change) => change.is_some(),
            None => btree::contains(&self.store.pager, self.store.versions.current().root, key)?,
        };
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
        let changes = std::mem::take(&mut self.changes);
        let mut ops = store.index_ops(&self.writer, &changes)?;
        ops.extend(changes.into_iter().map(|(key, change)| match change {
            Some(value) => Op::Put(key, value),
            None => Op::Delete(key),
        }));
        // course:solution p3.5 Log and apply; release the writer lock (so the next transaction can share our fdatasync); then, unless the durability is deferred, wait until the record is durable before reporting success.
        let lsn = store.log_and_apply(&mut self.writer, ops)?;
        // Release the writer lock before waiting for the disk, so the next transaction can
        // run and its commit can share our fdatasync.
        let durability = self.durability;
        drop(self);
        if durability == Durability::Immediate {
            store.poison_on_error(store.wal.sync_to(lsn).map_err(Error::from))?;
        }
        // course:stub
        // // TODO: p3.5 wait for durability (this starting version reports success at once).
        // let _lsn = store.log_and_apply(&mut self.writer, ops)?;
        // course:decoy ack-before-fsync Acknowledges the commit as soon as the record is written to the log, before fdatasync: a power cut loses a commit the caller was told is safe.
        // let _lsn = store.log_and_apply(&mut self.writer, ops)?;
        // drop(self);
        // course:end
        Ok(())
    }
}

//! Secondary indexes: defining one, maintaining it inside every commit, and looking pairs up
//! by indexed key. The entry format is the `index` module's.
//!
//! An index's entries live in the index tree and change in the same log record as the data
//! they describe, so one commit changes both or neither, also across a crash. The key
//! extractor is code, so it cannot be stored: define every index again after each open
//! (defining rebuilds its entries from the data, in one transaction). Lookups read the stored
//! entries and work whether or not the index is defined in this session.

use std::collections::BTreeMap;
use std::ops::{Bound, RangeBounds};
use std::sync::Arc;

use super::{IndexDef, Iter, ReadTxn, Store, WriterState, as_slice_bound};
use crate::btree::Cursor;
use crate::error::{Error, Result};
use crate::index::{self, KeyExtractor};
use crate::wal::Op;

/// One pair found through an index: the indexed key, the primary key and its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexHit {
    /// What the extractor returned for this pair.
    pub indexed: Vec<u8>,
    /// The pair's key.
    pub key: Vec<u8>,
    /// The pair's value.
    pub value: Vec<u8>,
}

impl Store {
    /// Defines (or redefines) the secondary index `name`: `extract(key, value)` returns the
    /// indexed key of a pair, or `None` to leave the pair out. Rebuilds the index's entries
    /// from the current data in one transaction; from then on every commit maintains them in
    /// its own log record.
    ///
    /// # Errors
    /// [`Error::InvalidOptions`] for a name that is empty or longer than 255 bytes; an
    /// entry over the key limit; I/O errors.
    pub fn define_index(
        &self,
        name: &str,
        extract: impl Fn(&[u8], &[u8]) -> Option<Vec<u8>> + Send + Sync + 'static,
    ) -> Result<()> {
        index::check_name(name)?;
        let extract: Arc<KeyExtractor> = Arc::new(extract);
        let mut writer = self.lock_writer();
        self.check_poisoned()?;
        let mut ops = Vec::new();
        {
            let tree = self.read_tree();
            let (start, end) = index::entry_range(name, Bound::Unbounded, Bound::Unbounded);
            let mut entries = Cursor::seek(&self.pager, tree.index_root, as_ref(&start), end)?;
            while let Some((entry, _)) = entries.next(&self.pager)? {
                ops.push(Op::IndexDelete(entry));
            }
            let all = Cursor::seek(&self.pager, tree.root, Bound::Unbounded, Bound::Unbounded)?;
            for pair in Iter::new(self, all, None) {
                let (key, value) = pair?;
                if let Some(indexed) = extract(&key, &value) {
                    ops.push(Op::IndexPut(index::entry(name, &indexed, &key)?));
                }
            }
        }
        writer.indexes.retain(|defined| defined.name != name);
        writer.indexes.push(IndexDef {
            name: name.to_string(),
            extract,
        });
        if ops.is_empty() {
            return Ok(());
        }
        let lsn = self.log_and_apply(&mut writer, ops)?;
        drop(writer);
        self.poison_on_error(self.wal.sync_to(lsn).map_err(Error::from))
    }

    /// The index operations a commit of `changes` needs: for every defined index and changed
    /// key whose indexed key changes, remove the old entry and add the new one.
    pub(super) fn index_ops(
        &self,
        writer: &WriterState,
        changes: &BTreeMap<Vec<u8>, Option<Vec<u8>>>,
    ) -> Result<Vec<Op>> {
        let mut ops = Vec::new();
        if writer.indexes.is_empty() {
            return Ok(ops);
        }
        let tree = self.read_tree();
        for (key, change) in changes {
            let old = self.lookup(tree.root, key)?;
            for defined in &writer.indexes {
                let before = old
                    .as_deref()
                    .and_then(|value| (defined.extract)(key, value));
                let after = change
                    .as_deref()
                    .and_then(|value| (defined.extract)(key, value));
                if before == after {
                    continue;
                }
                if let Some(before) = before {
                    ops.push(Op::IndexDelete(index::entry(&defined.name, &before, key)?));
                }
                if let Some(after) = after {
                    ops.push(Op::IndexPut(index::entry(&defined.name, &after, key)?));
                }
            }
        }
        Ok(ops)
    }

    /// The pairs whose indexed key in index `name` lies in `range`, ordered by indexed key
    /// and then key, read in one snapshot.
    ///
    /// # Errors
    /// [`Error::InvalidOptions`] for a bad name; corruption (an entry that is malformed or
    /// names a missing key); I/O errors.
    pub fn index_range<K: AsRef<[u8]>, R: RangeBounds<K>>(
        &self,
        name: &str,
        range: R,
    ) -> Result<Vec<IndexHit>> {
        self.read().index_range(name, range)
    }

    /// The pairs whose indexed key in index `name` equals `indexed`.
    ///
    /// # Errors
    /// As [`Store::index_range`].
    pub fn index_get(&self, name: &str, indexed: &[u8]) -> Result<Vec<IndexHit>> {
        self.index_range(name, indexed..=indexed)
    }
}

fn as_ref(bound: &Bound<Vec<u8>>) -> Bound<&[u8]> {
    match bound {
        Bound::Included(key) => Bound::Included(key),
        Bound::Excluded(key) => Bound::Excluded(key),
        Bound::Unbounded => Bound::Unbounded,
    }
}

impl ReadTxn<'_> {
    /// [`Store::index_range`] in this snapshot.
    ///
    /// # Errors
    /// As [`Store::index_range`].
    pub fn index_range<K: AsRef<[u8]>, R: RangeBounds<K>>(
        &self,
        name: &str,
        range: R,
    ) -> Result<Vec<IndexHit>> {
        index::check_name(name)?;
        self.store.check_poisoned()?;
        let (start, end) = index::entry_range(
            name,
            as_slice_bound(range.start_bound()),
            as_slice_bound(range.end_bound()),
        );
        let pager = &self.store.pager;
        let mut entries = Cursor::seek(pager, self.tree.index_root, as_ref(&start), end)?;
        let mut hits = Vec::new();
        while let Some((entry, _)) = entries.next(pager)? {
            let Some((indexed, key)) = index::split_entry(name, &entry) else {
                return Err(Error::Corrupt(format!("malformed entry in index {name}")));
            };
            let Some(value) = self.store.lookup(self.tree.root, &key)? else {
                return Err(Error::Corrupt(format!(
                    "index {name} names a key that does not exist"
                )));
            };
            hits.push(IndexHit {
                indexed,
                key,
                value,
            });
        }
        Ok(hits)
    }
}

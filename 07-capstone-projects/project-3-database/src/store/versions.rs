//! Published versions of the tree and the snapshots that read them. Knows nothing about
//! pages: the writer asks [`Versions::oldest`] which version the oldest open snapshot reads,
//! and the allocator reuses only pages that no open snapshot can reach.
//!
//! A reader never blocks the writer and the writer never blocks a reader: taking a snapshot
//! is a short critical section that clones the current version's `Arc` and counts the
//! snapshot; the writer builds the next version on pages nobody else can see, and publishes it
//! by swapping the `Arc` in the same short critical section.

use std::collections::BTreeMap;
use std::ops::Deref;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::page::PageId;

/// One version of the store's trees: the roots and counts a snapshot reads.
#[derive(Debug, Clone, Default)]
pub(crate) struct TreeState {
    pub(super) root: Option<PageId>,
    pub(super) key_count: u64,
    /// The index tree: every secondary index's entries (see `index`).
    pub(super) index_root: Option<PageId>,
    pub(super) index_entries: u64,
    /// Increases by one with every applied transaction or compaction.
    pub(super) version: u64,
}

#[derive(Debug)]
struct Inner {
    current: Arc<TreeState>,
    /// Open snapshots per version.
    open: BTreeMap<u64, usize>,
}

/// The current version and the open snapshots.
#[derive(Debug)]
pub(super) struct Versions {
    inner: Mutex<Inner>,
}

/// A counted read of one version; while it lives, no page of that version is reused.
#[derive(Debug)]
pub(super) struct Snapshot<'a> {
    versions: &'a Versions,
    tree: Arc<TreeState>,
}

impl Deref for Snapshot<'_> {
    type Target = TreeState;

    fn deref(&self) -> &TreeState {
        &self.tree
    }
}

impl Drop for Snapshot<'_> {
    fn drop(&mut self) {
        // course:solution p3.6 Uncount this snapshot (forget its version when it was the last one).
        let mut inner = self.versions.lock();
        let version = self.tree.version;
        if let Some(count) = inner.open.get_mut(&version) {
            *count -= 1;
            if *count == 0 {
                inner.open.remove(&version);
            }
        }
        // course:stub
        // // TODO: p3.6
        // let _ = self.versions;
        // course:end
    }
}

impl Versions {
    pub(super) fn new(tree: TreeState) -> Self {
        Versions {
            inner: Mutex::new(Inner {
                current: Arc::new(tree),
                open: BTreeMap::new(),
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // Every critical section is a few assignments that cannot panic half-way.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Opens a snapshot of the current version.
    pub(super) fn snapshot(&self) -> Snapshot<'_> {
        // course:solution p3.6 Clone the current version's `Arc` and count the snapshot under its version number, in one short critical section.
        let mut inner = self.lock();
        let tree = Arc::clone(&inner.current);
        *inner.open.entry(tree.version).or_insert(0) += 1;
        Snapshot {
            versions: self,
            tree,
        }
        // course:stub
        // // TODO: p3.6 count the snapshot (this starting version does not, so the writer may reuse
        // // its pages while it is still open).
        // let tree = Arc::clone(&self.lock().current);
        // Snapshot {
        //     versions: self,
        //     tree,
        // }
        // course:decoy uncounted-snapshot Hands out the current version without counting it, so the writer reuses pages that an open snapshot still reads.
        // let tree = Arc::clone(&self.lock().current);
        // Snapshot {
        //     versions: self,
        //     tree,
        // }
        // course:end
    }

    /// The current version, uncounted: for the writer, which is the only one that reuses
    /// pages, so nothing it reads can be reused under it.
    pub(super) fn current(&self) -> Arc<TreeState> {
        Arc::clone(&self.lock().current)
    }

    /// Makes `tree` the current version.
    pub(super) fn publish(&self, tree: TreeState) {
        self.lock().current = Arc::new(tree);
    }

    /// The version the oldest open snapshot reads, or the current one when none is open.
    pub(super) fn oldest(&self) -> u64 {
        // course:solution p3.6 The version the oldest open snapshot reads, or the current version when none is open.
        let inner = self.lock();
        inner
            .open
            .keys()
            .next()
            .copied()
            .unwrap_or(inner.current.version)
        // course:stub
        // // TODO: p3.6 (this starting version ignores open snapshots).
        // self.lock().current.version
        // course:end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_oldest_follows_open_snapshots() {
        let versions = Versions::new(TreeState::default());
        let first = versions.snapshot();
        versions.publish(TreeState {
            version: 1,
            ..TreeState::default()
        });
        assert_eq!(versions.oldest(), 0, "a snapshot of version 0 is open");
        let second = versions.snapshot();
        assert_eq!(second.version, 1);
        drop(first);
        assert_eq!(versions.oldest(), 1);
        drop(second);
        versions.publish(TreeState {
            version: 2,
            ..TreeState::default()
        });
        assert_eq!(versions.oldest(), 2, "no snapshot: the current version");
    }
}

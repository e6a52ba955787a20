//! Page allocation under the copy-on-write rule, and the plan of the free list a checkpoint
//! writes. Does no I/O: the checkpoint in `store` asks for a [`CheckpointPlan`], writes what
//! it says, and hands it back to [`Allocator::finish_checkpoint`] once the new meta is durable.
//!
//! The rules (see `ARCHITECTURE.md`, "Copy-on-write"):
//!
//! - A page allocated by the transaction being applied (`fresh`) is seen by nobody else: it
//!   may be edited in place, and released straight back to `free`.
//! - Any other page may be read by a snapshot of an earlier version, so a change goes to a
//!   copy, and the released page is *retired* with the version that stopped using it. It is
//!   reused only once no snapshot of an older version is open ([`Allocator::reclaim`]).
//! - A retired page that the durable meta can reach is, in addition, not reused before the
//!   next checkpoint is durable.

use std::collections::{BTreeSet, HashSet, VecDeque};

use crate::page::{FIRST_DATA_PAGE, FREELIST_CAPACITY, Node, PageId};
use crate::pager::PageIdHash;

/// A page released by the transaction that created `version`: versions before it may use it.
#[derive(Debug, Clone, Copy)]
struct Retired {
    version: u64,
    page: PageId,
}

/// Page numbers for the single writer. Owned by the store's writer state.
#[derive(Debug, Clone)]
pub(crate) struct Allocator {
    /// Pages free in the durable state and unseen by any snapshot: safe to overwrite now.
    free: BTreeSet<PageId>,
    /// Released pages that are not durable, waiting for older snapshots to end, in the order
    /// they were released, so versions never decrease along the queue.
    retired: VecDeque<Retired>,
    /// Released pages that the durable meta reaches: they wait for the next checkpoint (and
    /// then, in `retired`, for snapshots). Kept apart so reclaiming never walks them.
    pending: Vec<Retired>,
    /// Pages allocated by the transaction being applied: may be changed in place.
    /// (Hashed with the pool's multiplicative page hash: every page a write touches asks
    /// `is_fresh`, and SipHash cost more than the rest of that check.)
    fresh: HashSet<PageId, PageIdHash>,
    /// Pages allocated since the last checkpoint by earlier transactions: not durable, but
    /// possibly seen by a snapshot.
    unsynced: HashSet<PageId, PageIdHash>,
    /// The version the transaction being applied will create.
    version: u64,
    /// Pages `0..page_count` exist.
    page_count: u64,
    /// Pages holding the durable free list (free after the next checkpoint).
    freelist_pages: Vec<PageId>,
}

/// What a checkpoint writes for the free list and where the file ends afterwards.
/// Computed by [`Allocator::plan_checkpoint`] without changing the allocator.
#[derive(Debug)]
pub(crate) struct CheckpointPlan {
    /// The pages that hold the new free list, in chain order.
    list_pages: Vec<PageId>,
    /// The page ids the new list records (free once the new meta is durable).
    free_after: Vec<PageId>,
    /// The new meta's page count.
    page_count: u64,
    /// Pages at the end of the file left out of the new page count.
    cut: Vec<PageId>,
}

impl CheckpointPlan {
    /// The free-list pages to write, each with its content. Every list page is written, even
    /// one left empty because taking it emptied the list: the meta points at the first page.
    pub(crate) fn list_nodes(&self) -> impl Iterator<Item = (PageId, Node)> + '_ {
        let mut chunks = self.free_after.chunks(FREELIST_CAPACITY);
        self.list_pages
            .iter()
            .enumerate()
            .map(move |(index, page)| {
                let next = self.list_pages.get(index + 1).copied();
                let ids = chunks.next().unwrap_or(&[]).to_vec();
                (*page, Node::FreeList { next, ids })
            })
    }

    /// The first free-list page, for the meta.
    pub(crate) fn first_list_page(&self) -> Option<PageId> {
        self.list_pages.first().copied()
    }

    /// The new meta's page count.
    pub(crate) fn page_count(&self) -> u64 {
        self.page_count
    }

    /// Pages cut off the end of the file by this checkpoint.
    pub(crate) fn cut(&self) -> &[PageId] {
        &self.cut
    }
}

impl Allocator {
    /// The allocator of a store whose durable meta says `page_count`, whose free list holds
    /// `free` and is stored in `freelist_pages`. The caller has checked the ids.
    pub(crate) fn load(
        page_count: u64,
        free: BTreeSet<PageId>,
        freelist_pages: Vec<PageId>,
    ) -> Self {
        debug_assert!(free.iter().all(|id| id.get() < page_count));
        Allocator {
            free,
            retired: VecDeque::new(),
            pending: Vec::new(),
            fresh: HashSet::default(),
            unsynced: HashSet::default(),
            version: 0,
            page_count,
            freelist_pages,
        }
    }

    /// An allocator for a file of `page_count` pages with nothing free.
    #[cfg(test)]
    pub(crate) fn new(page_count: u64) -> Self {
        Self::load(page_count, BTreeSet::new(), Vec::new())
    }

    /// Hands out a page number, reusing free pages first.
    pub(crate) fn allocate(&mut self) -> PageId {
        let id = match self.free.pop_first() {
            Some(id) => id,
            None => {
                self.page_count += 1;
                PageId::new(self.page_count - 1)
            }
        };
        self.fresh.insert(id);
        id
    }

    /// Starts the transaction that will create `version`: pages allocated so far are no
    /// longer fresh (a snapshot may see them once the previous version is published).
    pub(crate) fn begin(&mut self, version: u64) {
        let fresh = std::mem::take(&mut self.fresh);
        self.unsynced.extend(fresh);
        self.version = version;
    }

    /// Returns a page: immediately reusable if the current transaction allocated it,
    /// otherwise retired until older snapshots end (and, if durable, until a checkpoint).
    pub(crate) fn release(&mut self, id: PageId) {
        if self.fresh.remove(&id) {
            self.free.insert(id);
            return;
        }
        let entry = Retired {
            version: self.version,
            page: id,
        };
        if self.unsynced.remove(&id) {
            self.retired.push_back(entry);
        } else {
            self.pending.push(entry);
        }
    }

    /// Moves the retired pages that no open snapshot can see any more to `free` and returns
    /// them (the caller drops them from the buffer pool). `oldest` is the version of the
    /// oldest open snapshot, or the current version when none is open: a page retired by
    /// version `v` is reachable only from versions before `v`.
    pub(crate) fn reclaim(&mut self, oldest: u64) -> Vec<PageId> {
        let mut reclaimed = Vec::new();
        while let Some(entry) = self.retired.front() {
            // Versions never decrease along the queue: the rest is younger still.
            if entry.version > oldest {
                break;
            }
            reclaimed.push(entry.page);
            self.free.insert(entry.page);
            self.retired.pop_front();
        }
        reclaimed
    }

    /// True when `id` was allocated since the last checkpoint.
    pub(crate) fn is_fresh(&self, id: PageId) -> bool {
        self.fresh.contains(&id)
    }

    /// True when `id` is free now (not pending).
    pub(crate) fn is_free(&self, id: PageId) -> bool {
        self.free.contains(&id)
    }

    /// Pages `0..page_count` exist.
    pub(crate) fn page_count(&self) -> u64 {
        self.page_count
    }

    /// Number of pages free now.
    pub(crate) fn free_count(&self) -> u64 {
        self.free.len() as u64
    }

    /// The pages holding the durable free list.
    pub(crate) fn freelist_pages(&self) -> &[PageId] {
        &self.freelist_pages
    }

    /// Plans the free list of the next checkpoint, with `oldest` the version the oldest open
    /// snapshot reads: everything free now, retired, or holding the old list will be free on
    /// disk once the new meta is durable (the durable tree reaches none of it). Pages at the
    /// end of the file that will be free are left out of the new page count (the cut),
    /// except retired pages that a snapshot may still read. The list's own pages must be free
    /// *now* (they are written before the meta): they come from `free` below the cut, else
    /// from the lowest pages of the cut that are free now (the cut shrinks), else from past
    /// the old end of the file, in which case nothing is cut: a page of the cut that is not
    /// free now may still belong to the durable tree.
    pub(crate) fn plan_checkpoint(&self, oldest: u64) -> CheckpointPlan {
        let retired: HashSet<PageId> = self
            .retired
            .iter()
            .chain(&self.pending)
            .filter(|entry| entry.version > oldest)
            .map(|entry| entry.page)
            .collect();
        let mut after: BTreeSet<PageId> = self
            .free
            .iter()
            .chain(
                self.retired
                    .iter()
                    .chain(&self.pending)
                    .map(|entry| &entry.page),
            )
            .chain(&self.freelist_pages)
            .copied()
            .collect();
        let mut page_count = self.page_count;
        let mut cut = Vec::new();
        while page_count > FIRST_DATA_PAGE
            && !retired.contains(&PageId::new(page_count - 1))
            && after.remove(&PageId::new(page_count - 1))
        {
            page_count -= 1;
            cut.push(PageId::new(page_count));
        }
        let mut list_pages: Vec<PageId> = Vec::new();
        let cut_line = PageId::new(page_count);
        let mut free_now = self.free.range(..cut_line);
        // Each page taken from `free` also shrinks the list it has to hold.
        while list_pages.len() * FREELIST_CAPACITY < after.len() {
            let page = match free_now.next() {
                Some(&id) => {
                    after.remove(&id);
                    id
                }
                None => {
                    // Nothing free now below the cut: shorten the cut from below until a
                    // page free now turns up; pages that are only free after the checkpoint
                    // go back on the list.
                    let mut taken = None;
                    while let Some(lowest) = cut.pop() {
                        page_count = lowest.get() + 1;
                        if self.free.contains(&lowest) {
                            taken = Some(lowest);
                            break;
                        }
                        after.insert(lowest);
                    }
                    match taken {
                        Some(page) => page,
                        None => {
                            // The cut is gone: a new page past the old end of the file.
                            page_count = page_count.max(self.page_count) + 1;
                            PageId::new(page_count - 1)
                        }
                    }
                }
            };
            list_pages.push(page);
        }
        CheckpointPlan {
            list_pages,
            free_after: after.into_iter().collect(),
            page_count,
            cut,
        }
    }

    /// Adopts `plan` once its meta is durable (`oldest` as for the plan): everything on the
    /// new free list that no snapshot may still read is free; the retired pages that one may
    /// read wait only for snapshots now; every allocated page is durable. Returns the retired
    /// pages that became free, for the caller to drop from the pool.
    pub(crate) fn finish_checkpoint(&mut self, plan: CheckpointPlan, oldest: u64) -> Vec<PageId> {
        let (mut waiting, reclaimed): (Vec<Retired>, Vec<Retired>) = self
            .retired
            .drain(..)
            .chain(self.pending.drain(..))
            .partition(|entry| entry.version > oldest);
        waiting.sort_by_key(|entry| entry.version);
        self.retired = waiting.into();
        let still_retired: HashSet<PageId> = self.retired.iter().map(|entry| entry.page).collect();
        self.free = plan
            .free_after
            .into_iter()
            .filter(|page| !still_retired.contains(page))
            .collect();
        self.fresh.clear();
        self.unsynced.clear();
        self.freelist_pages = plan.list_pages;
        self.page_count = plan.page_count;
        reclaimed.into_iter().map(|entry| entry.page).collect()
    }

    /// True when more than a quarter of the pages are free, and at least `min_free`.
    pub(crate) fn worth_compacting(&self, min_free: u64) -> bool {
        let free = self.free_count();
        free >= min_free.max(1) && free * 4 > self.page_count - FIRST_DATA_PAGE
    }

    /// The first page number `limit` such that the free pages below it can take every tree
    /// page at or past it, with some room for the copied ancestors of moved pages; `None`
    /// when no such limit exists below the end of the file. Pages past `limit` that are free,
    /// or hold the free list, need not move. Meaningful right after a checkpoint.
    pub(crate) fn compaction_limit(&self) -> Option<PageId> {
        let unmoved: HashSet<PageId> = self
            .free
            .iter()
            .chain(&self.freelist_pages)
            .copied()
            .collect();
        let mut moves = self.page_count - FIRST_DATA_PAGE - unmoved.len() as u64;
        let mut free_below = 0u64;
        let mut limit = FIRST_DATA_PAGE;
        while limit < self.page_count && free_below < moves + moves / 8 + 8 {
            let page = PageId::new(limit);
            if self.free.contains(&page) {
                free_below += 1;
            } else if !unmoved.contains(&page) {
                moves -= 1;
            }
            limit += 1;
        }
        (limit < self.page_count).then(|| PageId::new(limit))
    }

    /// What a checkpoint does to the allocator, without writing anything (for tests of the
    /// tree, which has no store around it).
    #[cfg(test)]
    pub(crate) fn pretend_checkpoint(&mut self) {
        self.free.extend(
            self.retired
                .drain(..)
                .chain(self.pending.drain(..))
                .map(|entry| entry.page),
        );
        self.fresh.clear();
        self.unsynced.clear();
    }

    /// Pages released and not yet reusable (for tests).
    #[cfg(test)]
    pub(crate) fn pending_free(&self) -> Vec<PageId> {
        self.retired
            .iter()
            .chain(&self.pending)
            .map(|entry| entry.page)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allocator_reuses_fresh_pages_at_once_and_durable_pages_later() {
        let mut alloc = Allocator::new(2);
        let fresh = alloc.allocate();
        assert_eq!(fresh, PageId::new(2));
        alloc.release(fresh);
        assert_eq!(
            alloc.allocate(),
            PageId::new(2),
            "a fresh page is reusable immediately"
        );
        alloc.fresh.clear(); // as a checkpoint would
        alloc.begin(1);
        alloc.release(PageId::new(2));
        assert_eq!(alloc.pending_free(), vec![PageId::new(2)]);
        assert_eq!(
            alloc.allocate(),
            PageId::new(3),
            "a durable page is not reused before a checkpoint"
        );
        assert!(
            alloc.reclaim(5).is_empty(),
            "durable: waits for a checkpoint"
        );
    }

    #[test]
    fn allocator_reuses_a_page_of_an_earlier_transaction_after_its_snapshots() {
        let mut alloc = Allocator::new(2);
        alloc.begin(1);
        let page = alloc.allocate();
        alloc.begin(2);
        // Version 1 is published and may be read: the page is retired, not freed.
        alloc.release(page);
        assert_ne!(alloc.allocate(), page);
        assert!(
            alloc.reclaim(1).is_empty(),
            "a snapshot of version 1 is open"
        );
        assert_eq!(alloc.reclaim(2), vec![page]);
        assert_eq!(alloc.allocate(), page);
    }

    #[test]
    fn checkpoint_plan_cuts_free_pages_at_the_end() {
        // Pages 2..10 exist; 7, 8 and 9 are replaced (pending), 3 is free.
        let mut alloc = Allocator::load(10, BTreeSet::from([PageId::new(3)]), Vec::new());
        alloc.begin(1);
        for id in [7, 8, 9] {
            alloc.release(PageId::new(id));
        }
        // No snapshot is open and a checkpoint came before: they are free now.
        alloc.pretend_checkpoint();
        let plan = alloc.plan_checkpoint(0);
        assert_eq!(plan.page_count(), 7, "pages 7..10 are cut");
        assert_eq!(plan.cut().len(), 3);
        // The list needs one page; it takes page 3, which empties it.
        assert_eq!(plan.first_list_page(), Some(PageId::new(3)));
        let nodes: Vec<_> = plan.list_nodes().collect();
        assert_eq!(
            nodes,
            vec![(
                PageId::new(3),
                Node::FreeList {
                    next: None,
                    ids: vec![]
                }
            )]
        );
        assert!(alloc.finish_checkpoint(plan, 0).is_empty());
        assert_eq!(alloc.page_count(), 7);
        assert_eq!(alloc.free_count(), 0);
        assert_eq!(alloc.freelist_pages(), &[PageId::new(3)]);
    }

    #[test]
    fn checkpoint_plan_gives_up_the_cut_when_the_list_needs_a_new_page() {
        // Page 5 held the old free list (cuttable); page 3 is retired, so not free now. The
        // list then needs a page and none is free below the cut: it goes past the old end,
        // and the cut is given up, because a page past the cut may be durable.
        let mut alloc = Allocator::load(6, BTreeSet::new(), vec![PageId::new(5)]);
        alloc.begin(1);
        alloc.release(PageId::new(3));
        let plan = alloc.plan_checkpoint(0);
        assert!(plan.cut().is_empty());
        assert_eq!(plan.page_count(), 7);
        assert_eq!(plan.first_list_page(), Some(PageId::new(6)));
        let nodes: Vec<_> = plan.list_nodes().collect();
        assert_eq!(
            nodes[0].1,
            Node::FreeList {
                next: None,
                ids: vec![PageId::new(3), PageId::new(5)]
            }
        );
    }

    #[test]
    fn checkpoint_plan_shrinks_the_cut_to_find_a_list_page() {
        // Pages 7, 8, 9 are free now and 3 is retired: the cut would take 7..10 and leave
        // no page free now for the list, so it keeps 7 for the list and cuts 8 and 9.
        let free = BTreeSet::from([7, 8, 9].map(PageId::new));
        let mut alloc = Allocator::load(10, free, Vec::new());
        alloc.begin(1);
        alloc.release(PageId::new(3));
        let plan = alloc.plan_checkpoint(1);
        assert_eq!(plan.page_count(), 8);
        assert_eq!(plan.cut(), &[PageId::new(9), PageId::new(8)]);
        assert_eq!(plan.first_list_page(), Some(PageId::new(7)));
        let nodes: Vec<_> = plan.list_nodes().collect();
        assert_eq!(
            nodes[0].1,
            Node::FreeList {
                next: None,
                ids: vec![PageId::new(3)]
            }
        );
    }

    #[test]
    fn checkpoint_plan_never_cuts_a_retired_page() {
        // A snapshot of version 0 may still read page 5, so it stays inside the file, on the
        // list; without that snapshot it is cut.
        let mut alloc = Allocator::load(6, BTreeSet::from([PageId::new(3)]), Vec::new());
        alloc.begin(1);
        alloc.release(PageId::new(5));
        assert_eq!(alloc.plan_checkpoint(1).page_count(), 5);
        let plan = alloc.plan_checkpoint(0);
        assert!(plan.cut().is_empty());
        assert_eq!(plan.page_count(), 6);
        assert!(alloc.finish_checkpoint(plan, 0).is_empty());
        assert!(
            !alloc.is_free(PageId::new(5)),
            "still retired after the checkpoint"
        );
        assert_eq!(alloc.reclaim(1), vec![PageId::new(5)]);
    }
}

//! Page allocation under the copy-on-write rule, and the plan of the free list a checkpoint
//! writes. Does no I/O: the checkpoint in `store` asks for a [`CheckpointPlan`], writes what
//! it says, and hands it back to [`Allocator::finish_checkpoint`] once the new meta is durable.
//!
//! The rule (see `ARCHITECTURE.md`, "Copy-on-write between checkpoints"): a page that the
//! durable meta can reach is never overwritten before the next checkpoint is durable, so it is
//! released into `pending_free`, not `free`. Pages allocated since the last checkpoint
//! (`fresh`) belong to nobody on disk and may be edited in place or reused at once.

use std::collections::{BTreeSet, HashSet};

use crate::page::{FIRST_DATA_PAGE, FREELIST_CAPACITY, Node, PageId};

/// Page numbers for the single writer. Owned by the store's writer state.
#[derive(Debug, Clone)]
pub(crate) struct Allocator {
    /// Pages free in the durable state: safe to overwrite now.
    free: BTreeSet<PageId>,
    /// Pages of the durable state that were replaced since it: free after the next checkpoint.
    pending_free: Vec<PageId>,
    /// Pages allocated since the last checkpoint: may be changed in place.
    fresh: HashSet<PageId>,
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
            pending_free: Vec::new(),
            fresh: HashSet::new(),
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

    /// Returns a page: immediately reusable if it was fresh, otherwise after the next checkpoint.
    pub(crate) fn release(&mut self, id: PageId) {
        if self.fresh.remove(&id) {
            self.free.insert(id);
        } else {
            self.pending_free.push(id);
        }
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

    /// Plans the free list of the next checkpoint: everything free now, pending, or holding
    /// the old list will be free once the new meta is durable. Free pages at the end of the
    /// file are left out of the new page count (the cut). The list's own pages must be free
    /// *now* (they are written before the meta), so they come from `free` below the cut, or
    /// else from past the old end of the file, in which case the cut is given up: a page past
    /// the cut may still belong to the durable tree.
    pub(crate) fn plan_checkpoint(&self) -> CheckpointPlan {
        let mut after: BTreeSet<PageId> = self
            .free
            .iter()
            .chain(&self.pending_free)
            .chain(&self.freelist_pages)
            .copied()
            .collect();
        let mut page_count = self.page_count;
        let mut cut = Vec::new();
        while page_count > FIRST_DATA_PAGE && after.remove(&PageId::new(page_count - 1)) {
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
                    if !cut.is_empty() {
                        after.extend(cut.drain(..));
                        page_count = self.page_count;
                    }
                    page_count += 1;
                    PageId::new(page_count - 1)
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

    /// Adopts `plan` once its meta is durable: the new free list is the free set, nothing is
    /// fresh or pending any more.
    pub(crate) fn finish_checkpoint(&mut self, plan: CheckpointPlan) {
        self.free = plan.free_after.into_iter().collect();
        self.pending_free.clear();
        self.fresh.clear();
        self.freelist_pages = plan.list_pages;
        self.page_count = plan.page_count;
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
        self.free.extend(self.pending_free.drain(..));
        self.fresh.clear();
    }

    /// Pages replaced since the last checkpoint (for tests).
    #[cfg(test)]
    pub(crate) fn pending_free(&self) -> &[PageId] {
        &self.pending_free
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
        alloc.release(PageId::new(2));
        assert_eq!(alloc.pending_free, vec![PageId::new(2)]);
        assert_eq!(
            alloc.allocate(),
            PageId::new(3),
            "a durable page is not reused before a checkpoint"
        );
    }

    #[test]
    fn checkpoint_plan_cuts_free_pages_at_the_end() {
        // Pages 2..10 exist; 7, 8 and 9 are replaced (pending), 3 is free.
        let mut alloc = Allocator::load(10, BTreeSet::from([PageId::new(3)]), Vec::new());
        for id in [7, 8, 9] {
            alloc.release(PageId::new(id));
        }
        let plan = alloc.plan_checkpoint();
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
        alloc.finish_checkpoint(plan);
        assert_eq!(alloc.page_count(), 7);
        assert_eq!(alloc.free_count(), 0);
        assert_eq!(alloc.freelist_pages(), &[PageId::new(3)]);
    }

    #[test]
    fn checkpoint_plan_gives_up_the_cut_when_the_list_needs_a_new_page() {
        // Nothing is free now, so the list page must come from past the end: the pending
        // pages at the end may belong to the durable tree and must not be cut then.
        let mut alloc = Allocator::new(6);
        alloc.release(PageId::new(3));
        alloc.release(PageId::new(5));
        let plan = alloc.plan_checkpoint();
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
}

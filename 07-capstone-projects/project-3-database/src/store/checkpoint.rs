//! Checkpoints, compaction and `verify`: everything that writes the data file's pages and
//! meta, always under the writer lock. The order of the steps in [`Store::checkpoint_inner`]
//! is the correctness argument; `ARCHITECTURE.md` walks through a crash between each pair.

use std::sync::PoisonError;
use std::sync::atomic::Ordering;

use super::{PoisonGuard, Store, TreeState, VerifyReport, WriterState};
use crate::btree;
use crate::error::{Error, Result};
use crate::page::{FIRST_DATA_PAGE, Meta, PAGE_SIZE};
use crate::wal::{self, Record};

impl Store {
    /// Writes every changed page, switches the meta, and empties the log.
    ///
    /// # Errors
    /// I/O errors (the store is then poisoned) or [`Error::Poisoned`].
    pub fn checkpoint(&self) -> Result<()> {
        let mut writer = self.lock_writer();
        self.check_poisoned()?;
        self.checkpoint_locked(&mut writer)
    }

    pub(super) fn checkpoint_locked(&self, writer: &mut WriterState) -> Result<()> {
        if !writer.changed {
            return Ok(());
        }
        // Waits for a running backup (see `Store::backup`).
        let _gate = self
            .backup_gate
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        let mut result = self.checkpoint_inner(writer);
        if result.is_ok()
            && writer
                .alloc
                .worth_compacting(self.options.compact_min_free_pages)
        {
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
        self.poison_on_error(result)
    }

    /// The checkpoint a commit runs when the log passes its limit: skipped while a backup
    /// holds the gate (the log just grows a little longer meanwhile). A backup takes the gate
    /// only while it holds the writer lock, which the caller holds now, so the gate cannot be
    /// taken between the check and the checkpoint.
    pub(super) fn checkpoint_unless_backing_up(&self, writer: &mut WriterState) -> Result<()> {
        let free = self.backup_gate.try_write().is_ok();
        if free {
            self.checkpoint_locked(writer)
        } else {
            Ok(())
        }
    }

    /// Moves the tree's pages from the end of the data file into free pages near its start
    /// (see `btree::relocate`), so the checkpoint that follows finds the end of the file free
    /// and cuts it off. Runs right after a checkpoint, under the writer lock, so no page is
    /// fresh and every free page is free on disk too; the durable tree is not touched
    /// (moved pages are copies), so a crash at any point here leaves the checkpoint just
    /// written in force.
    fn compact(&self, writer: &mut WriterState) -> Result<()> {
        let Some(limit) = writer.alloc.compaction_limit() else {
            return Ok(());
        };
        // Same discipline as `apply`: a failure half-way poisons the store.
        let guard = PoisonGuard::arm(&self.poisoned);
        let mut tree = (*self.versions.current()).clone();
        tree.version += 1;
        writer.alloc.begin(tree.version);
        let TreeState {
            root, index_root, ..
        } = &mut tree;
        for slot in [root, index_root] {
            if let Some(page) = *slot {
                *slot = Some(btree::relocate(
                    &self.pager,
                    &mut writer.alloc,
                    page,
                    limit,
                    0,
                )?);
            }
        }
        self.publish(writer, tree);
        guard.defuse();
        writer.changed = true;
        self.counters.compactions.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    fn checkpoint_inner(&self, writer: &mut WriterState) -> Result<()> {
        // 1. Every dirty page to its (fresh, unreferenced by the durable meta) place.
        self.pager.write_back()?;
        // 2. The free list as it will be once the new meta is durable, written to pages
        // that are free now.
        let oldest = self.versions.oldest();
        let plan = writer.alloc.plan_checkpoint(oldest);
        for (page, node) in plan.list_nodes() {
            self.pager.write_node(page, &node)?;
        }
        let (root, key_count, index_root, index_entries) = {
            let tree = self.versions.current();
            (
                tree.root,
                tree.key_count,
                tree.index_root,
                tree.index_entries,
            )
        };
        let meta = Meta {
            generation: writer.generation + 1,
            root,
            freelist: plan.first_list_page(),
            page_count: plan.page_count(),
            key_count,
            compression: self.compression,
            index_root,
            index_entries,
        };
        // course:solution p3.5 The order is the whole argument: make the pages durable, then write the new meta slot (`generation % 2`) and make it durable, and only then empty the log down to a marker record of the new generation (sequence `writer.next_sequence`).
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
        // course:stub
        // // TODO: p3.5 (this starting version writes the meta and empties the log without
        // // making anything durable first: fine until the power fails).
        // self.pager.write_meta(&meta, meta.generation % 2)?;
        // let marker = wal::encode_record(&Record {
        //     generation: meta.generation,
        //     sequence: writer.next_sequence,
        //     ops: Vec::new(),
        // })?;
        // self.wal.reset(&marker)?;
        // course:decoy meta-before-pages-synced Writes the new meta without first making the pages it points at durable: after a power cut the meta can be on disk while its pages are not.
        // // 3. Pages durable before the meta that points at them.
        // self.pager.write_meta(&meta, meta.generation % 2)?;
        // self.pager.sync()?;
        // // 4. Only now may the log be emptied; its marker names the new generation.
        // let marker = wal::encode_record(&Record {
        //     generation: meta.generation,
        //     sequence: writer.next_sequence,
        //     ops: Vec::new(),
        // })?;
        // self.wal.reset(&marker)?;
        // course:end
        writer.next_sequence += 1;
        writer.generation = meta.generation;
        for page in plan.cut() {
            self.pager.forget(*page);
        }
        // Retired pages of the old durable tree now wait only for snapshots; those that no
        // snapshot can read are free (and out of the pool) from now on.
        for page in writer.alloc.finish_checkpoint(plan, oldest) {
            self.pager.forget(page);
        }
        writer.changed = false;
        self.publish_shape(writer);
        self.counters.checkpoints.fetch_add(1, Ordering::Relaxed);
        // 5. The new meta is durable and the log no longer holds records of the old
        // generation, so no recovery can fall back to the old meta: pages past the new
        // page count are garbage, and the file can be cut to size. A crash before or
        // during this step leaves a longer file whose tail nothing refers to; the next
        // checkpoint cuts it again.
        let len = meta.page_count * PAGE_SIZE as u64;
        if self.pager.file_len()? > len {
            self.pager.truncate(len)?;
        }
        Ok(())
    }

    /// Walks the main tree and the index tree (`uncached`: from the file, checking every
    /// checksum) and checks their rules, their counts, and that no page is in both.
    pub(super) fn walk_trees(
        &self,
        tree: &TreeState,
        uncached: bool,
    ) -> Result<(btree::TreeReport, btree::TreeReport)> {
        let report = btree::check_invariants(&self.pager, tree.root, uncached)?;
        let index = btree::check_invariants(&self.pager, tree.index_root, uncached)?;
        let counts = [
            ("tree", report.keys, tree.key_count),
            ("index tree", index.keys, tree.index_entries),
        ];
        for (name, found, counted) in counts {
            if found != counted {
                return Err(Error::Corrupt(format!(
                    "{name} holds {found} keys, the meta counts {counted}"
                )));
            }
        }
        if let Some(page) = report.pages.intersection(&index.pages).next() {
            return Err(Error::Corrupt(format!("page {page} is in both trees")));
        }
        Ok((report, index))
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
        let (report, index) = self.walk_trees(&tree, true)?;
        let alloc = &writer.alloc;
        for page in report
            .pages
            .iter()
            .chain(&index.pages)
            .chain(alloc.freelist_pages())
        {
            if page.get() >= alloc.page_count() {
                return Err(Error::Corrupt(format!("page {page} lies past the end")));
            }
        }
        if let Some(page) = report
            .pages
            .iter()
            .chain(&index.pages)
            .find(|page| alloc.is_free(**page))
        {
            return Err(Error::Corrupt(format!("page {page} is both used and free")));
        }
        for page in alloc.freelist_pages() {
            self.pager.read_uncached(*page)?;
        }
        for slot in 0..FIRST_DATA_PAGE {
            if let Err(err) = self.pager.read_meta(slot)? {
                return Err(Error::Corrupt(format!("meta slot {slot}: {err}")));
            }
        }
        Ok(VerifyReport {
            keys: report.keys,
            tree_pages: (report.pages.len() + index.pages.len()) as u64,
            free_pages: alloc.free_count(),
            depth: report.depth,
        })
    }
}

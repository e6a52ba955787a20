//! Taking a backup of a live store and restoring one: the part of backup and restore that
//! needs the store's internals. The directory format is the `backup` module's.
//!
//! Consistency without stopping writers: the backup first checkpoints, then holds the
//! *backup gate* while it copies the pages of that checkpoint. Copy-on-write guarantees that
//! no page the durable meta reaches is overwritten before the *next* checkpoint is durable,
//! and the gate keeps that next checkpoint from running (commits skip their automatic
//! checkpoint while the gate is held; an explicit one waits). So commits go on, to the log and
//! to fresh pages, while the backup reads a frozen checkpoint.

use std::path::Path;
use std::sync::PoisonError;

use super::{Backends, Options, Store};
use crate::backend::{FileBackend, MemBackend};
use crate::backup::{self, BackupReport};
use crate::btree;
use crate::error::{Error, Result};

/// What [`Store::restore`] rebuilt.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RestoreReport {
    /// Keys in the restored store.
    pub keys: u64,
    /// The checkpoint generation that was restored.
    pub generation: u64,
}

impl Store {
    /// Writes a consistent backup of the store as of now into `dir`, copying only the pages
    /// that differ from what `dir` already holds. Writers keep committing meanwhile (their
    /// commits are not in this backup); automatic checkpoints wait until it is done.
    ///
    /// # Errors
    /// I/O errors, corruption found while reading pages, or a damaged earlier backup in `dir`.
    pub fn backup(&self, dir: impl AsRef<Path>) -> Result<BackupReport> {
        // One backup at a time, so a second one does not wait for the gate while holding
        // the writer lock.
        let _one_backup = self
            .backup_running
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let (meta, list_pages, gate) = {
            let mut writer = self.lock_writer();
            self.check_poisoned()?;
            self.checkpoint_locked(&mut writer)?;
            let meta = self
                .pager
                .read_meta(writer.generation % 2)?
                .map_err(|err| Error::Corrupt(format!("current meta: {err}")))?;
            // Taken while the writer lock is held, so no checkpoint can slip in between.
            let gate = self
                .backup_gate
                .read()
                .unwrap_or_else(PoisonError::into_inner);
            (meta, writer.alloc.freelist_pages().to_vec(), gate)
        };
        let tree = btree::check_invariants(&self.pager, meta.root, true)?;
        let index = btree::check_invariants(&self.pager, meta.index_root, true)?;
        let mut pages: Vec<_> = tree
            .pages
            .into_iter()
            .chain(index.pages)
            .chain(list_pages)
            .collect();
        pages.sort_unstable();
        let report = backup::write_backup(dir.as_ref(), &meta, &pages, |page| {
            Ok(self.pager.read_raw(page)?)
        })?;
        drop(gate);
        Ok(report)
    }

    /// Rebuilds the store backed up in `backup_dir` as a new store in `dir`, which must not
    /// hold a store yet, and checks it.
    ///
    /// # Errors
    /// [`Error::Corrupt`] for a damaged backup; [`Error::InvalidOptions`] when `dir` already
    /// holds a store; I/O errors.
    pub fn restore(
        backup_dir: impl AsRef<Path>,
        dir: impl AsRef<Path>,
        options: Options,
    ) -> Result<RestoreReport> {
        let dir = dir.as_ref();
        if dir.join(super::DATA_FILE).exists() {
            return Err(Error::InvalidOptions(format!(
                "{} already holds a store; restore into a new directory",
                dir.display()
            )));
        }
        std::fs::create_dir_all(dir)?;
        let temporary = dir.join(format!("{}.tmp", super::DATA_FILE));
        let data = FileBackend::new(std::fs::File::create(&temporary)?);
        let log = FileBackend::new(std::fs::File::create(dir.join(super::WAL_FILE))?);
        let meta = backup::restore_into(backup_dir.as_ref(), &data, &log)?;
        drop((data, log));
        std::fs::rename(&temporary, dir.join(super::DATA_FILE))?;
        super::sync_dir(dir)?;
        let store = Store::open(dir, options)?;
        let verified = store.verify()?;
        store.close()?;
        Ok(RestoreReport {
            keys: verified.keys,
            generation: meta.generation,
        })
    }

    /// Checks the backup in `dir` completely: every checksum of the manifest, the segments
    /// and their pages, then every structural rule of the store it rebuilds (in memory).
    ///
    /// # Errors
    /// [`Error::Corrupt`] (exit code 3 on the command line) for any damage; I/O errors.
    pub fn verify_backup(dir: impl AsRef<Path>) -> Result<RestoreReport> {
        let (data, log) = (MemBackend::new(), MemBackend::new());
        let meta = backup::restore_into(dir.as_ref(), &data, &log)?;
        let store = Store::open_with(
            Backends {
                data: Box::new(data),
                wal: Box::new(log),
            },
            Options::default(),
        )?;
        let verified = store.verify()?;
        Ok(RestoreReport {
            keys: verified.keys,
            generation: meta.generation,
        })
    }
}

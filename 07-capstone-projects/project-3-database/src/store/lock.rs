//! The lock that guards the tree's root: an `RwLock` with a turnstile so that a stream of
//! readers cannot starve the writer. Knows nothing about trees.
//!
//! std's `RwLock` hands an unlocked lock to whichever thread asks first, so a reader that
//! takes snapshot after snapshot can win again and again against a writer that has just been
//! woken up. A writer therefore holds the turnstile mutex and raises `writer_waiting` while it
//! waits for the write side; new readers that see the flag queue on the turnstile, the
//! current readers drain, and the writer gets in. A writer waits at most for the readers that
//! were already inside when it arrived.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

/// An `RwLock` whose waiting writer holds new readers back.
#[derive(Debug, Default)]
pub(crate) struct FairRwLock<T> {
    lock: RwLock<T>,
    turnstile: Mutex<()>,
    writer_waiting: AtomicBool,
}

impl<T> FairRwLock<T> {
    pub(crate) fn new(value: T) -> Self {
        FairRwLock {
            lock: RwLock::new(value),
            turnstile: Mutex::new(()),
            writer_waiting: AtomicBool::new(false),
        }
    }

    /// Takes the read side, queueing behind a waiting writer.
    pub(crate) fn read(&self) -> RwLockReadGuard<'_, T> {
        if self.writer_waiting.load(Ordering::Acquire) {
            // The mutex guards no data, so its poisoning means nothing.
            drop(
                self.turnstile
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner),
            );
        }
        // The store poisons itself (`Store::poisoned`) when a writer fails half-way, so the
        // lock's own poisoning carries no extra meaning.
        self.lock.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes the write side, holding new readers back while it waits.
    pub(crate) fn write(&self) -> RwLockWriteGuard<'_, T> {
        let turnstile = self
            .turnstile
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        self.writer_waiting.store(true, Ordering::Release);
        let guard = self.lock.write().unwrap_or_else(PoisonError::into_inner);
        self.writer_waiting.store(false, Ordering::Release);
        drop(turnstile);
        guard
    }
}

//! A power switch for in-memory files: both backends of a store share one [`PowerSwitch`],
//! which lets a given number of syncs happen and then cuts the power (that sync and every
//! later operation fail), so a test can recover from what the files held at that moment.

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use kv::{Backend, Backends, MemBackend};

/// Shared by both files of one store: counts syncs down and cuts the power at zero.
#[derive(Debug)]
pub struct PowerSwitch {
    syncs_left: AtomicU64,
    /// Set once the power is cut.
    pub off: AtomicBool,
}

impl PowerSwitch {
    pub fn new(syncs_before_cut: u64) -> Arc<Self> {
        Arc::new(PowerSwitch {
            syncs_left: AtomicU64::new(syncs_before_cut),
            off: AtomicBool::new(false),
        })
    }

    pub fn check(&self) -> io::Result<()> {
        if self.off.load(Ordering::SeqCst) {
            return Err(io::Error::other("the power is off"));
        }
        Ok(())
    }

    /// Called before each sync: either lets it happen or cuts the power instead.
    pub fn before_sync(&self) -> io::Result<()> {
        self.check()?;
        if self.syncs_left.load(Ordering::SeqCst) == 0 {
            self.off.store(true, Ordering::SeqCst);
            return Err(io::Error::other("power cut"));
        }
        self.syncs_left.fetch_sub(1, Ordering::SeqCst);
        Ok(())
    }
}

/// A [`MemBackend`] behind a [`PowerSwitch`].
#[derive(Debug)]
pub struct Plugged {
    /// The file behind the switch (a clone shares its bytes).
    pub file: MemBackend,
    /// The switch shared by both files of the store.
    pub switch: Arc<PowerSwitch>,
}

impl Backend for Plugged {
    fn read_exact_at(&self, buf: &mut [u8], offset: u64) -> io::Result<()> {
        self.switch.check()?;
        self.file.read_exact_at(buf, offset)
    }
    fn write_all_at(&self, buf: &[u8], offset: u64) -> io::Result<()> {
        self.switch.check()?;
        self.file.write_all_at(buf, offset)
    }
    fn sync(&self) -> io::Result<()> {
        self.switch.before_sync()?;
        self.file.sync()
    }
    fn len(&self) -> io::Result<u64> {
        self.switch.check()?;
        self.file.len()
    }
    fn set_len(&self, len: u64) -> io::Result<()> {
        self.switch.check()?;
        self.file.set_len(len)
    }
}

/// Both files of one store behind `switch`; the caller keeps clones of `data` and `wal` to
/// take crash images from.
pub fn plugged(data: &MemBackend, wal: &MemBackend, switch: &Arc<PowerSwitch>) -> Backends {
    Backends {
        data: Box::new(Plugged {
            file: data.clone(),
            switch: Arc::clone(switch),
        }),
        wal: Box::new(Plugged {
            file: wal.clone(),
            switch: Arc::clone(switch),
        }),
    }
}

/// The three crash images of one moment, as backends: every unsynced write lost, a random
/// subset of them kept (a drive may persist any of them, in any order), and all kept.
pub fn crash_images(
    data: &MemBackend,
    wal: &MemBackend,
    seed: u64,
) -> Vec<(&'static str, Backends)> {
    use rand::{Rng, SeedableRng};
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    [("lose all", 0u8), ("random subset", 1), ("keep all", 2)]
        .into_iter()
        .map(|(name, mode)| {
            let mut keep = |_: usize| match mode {
                0 => false,
                1 => rng.random_bool(0.5),
                _ => true,
            };
            let images = Backends {
                data: Box::new(MemBackend::with_contents(data.crash_image(&mut keep))),
                wal: Box::new(MemBackend::with_contents(wal.crash_image(&mut keep))),
            };
            (name, images)
        })
        .collect()
}

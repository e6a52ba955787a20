//! Where the bytes go: the `Backend` trait over a file, and an in-memory backend for tests.
//!
//! The pager and the log talk to a `Backend`, never to `std::fs` directly, so a test can hand
//! them a [`MemBackend`] and simulate a crash that loses every write since the last sync.

use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use std::sync::{Arc, Mutex, PoisonError};

/// Positioned I/O on one file-like object. All methods take `&self` so readers can share it.
pub trait Backend: Send + Sync + std::fmt::Debug {
    /// Reads exactly `buf.len()` bytes at `offset`.
    ///
    /// # Errors
    /// I/O errors, or `UnexpectedEof` when the file is too short.
    fn read_exact_at(&self, buf: &mut [u8], offset: u64) -> io::Result<()>;
    /// Writes all of `buf` at `offset`, growing the file if needed.
    ///
    /// # Errors
    /// I/O errors.
    fn write_all_at(&self, buf: &[u8], offset: u64) -> io::Result<()>;
    /// Makes every completed write durable (`fdatasync`).
    ///
    /// # Errors
    /// I/O errors; after one the caller must assume written data may be lost.
    fn sync(&self) -> io::Result<()>;
    /// The current length in bytes.
    ///
    /// # Errors
    /// I/O errors.
    fn len(&self) -> io::Result<u64>;
    /// True when the file holds no bytes.
    ///
    /// # Errors
    /// I/O errors.
    fn is_empty(&self) -> io::Result<bool> {
        Ok(self.len()? == 0)
    }
    /// Truncates or extends the file to `len` bytes.
    ///
    /// # Errors
    /// I/O errors.
    fn set_len(&self, len: u64) -> io::Result<()>;
}

/// A real file.
#[derive(Debug)]
pub struct FileBackend {
    file: File,
}

impl FileBackend {
    /// Wraps an open file (opened for reading and writing).
    pub fn new(file: File) -> Self {
        FileBackend { file }
    }
}

impl Backend for FileBackend {
    fn read_exact_at(&self, buf: &mut [u8], offset: u64) -> io::Result<()> {
        FileExt::read_exact_at(&self.file, buf, offset)
    }
    fn write_all_at(&self, buf: &[u8], offset: u64) -> io::Result<()> {
        FileExt::write_all_at(&self.file, buf, offset)
    }
    fn sync(&self) -> io::Result<()> {
        // `sync_data` is fdatasync(2): data plus the metadata needed to read it (the size).
        self.file.sync_data()
    }
    fn len(&self) -> io::Result<u64> {
        Ok(self.file.metadata()?.len())
    }
    fn set_len(&self, len: u64) -> io::Result<()> {
        self.file.set_len(len)
    }
}

/// A change made since the last sync, kept so that a sync can apply it to the durable image.
#[derive(Debug)]
enum Unsynced {
    Write { offset: usize, bytes: Vec<u8> },
    SetLen(usize),
}

fn write_into(file: &mut Vec<u8>, offset: usize, bytes: &[u8]) {
    let end = offset + bytes.len();
    if file.len() < end {
        file.resize(end, 0);
    }
    file[offset..end].copy_from_slice(bytes);
}

#[derive(Debug, Default)]
struct MemFile {
    /// What a reader sees now (page cache).
    current: Vec<u8>,
    /// What would survive a power cut: the state at the last sync.
    durable: Vec<u8>,
    /// Changes since the last sync, in order; a sync applies them to `durable`, so its cost
    /// is the size of the changes, not of the file.
    unsynced: Vec<Unsynced>,
    syncs: u64,
}

/// An in-memory file that remembers what was synced, for crash tests: a power cut
/// ([`MemBackend::crash`]) loses every write since the last sync, as redb's crash tests model it.
///
/// Clones share the same bytes, so a test keeps one clone and hands another to the code under test.
#[derive(Debug, Default, Clone)]
pub struct MemBackend {
    inner: Arc<Mutex<MemFile>>,
}

impl MemBackend {
    /// An empty in-memory file.
    pub fn new() -> Self {
        Self::default()
    }

    /// A file holding `bytes`, all of them durable.
    pub fn with_contents(bytes: Vec<u8>) -> Self {
        let backend = Self::new();
        backend.set_contents(bytes);
        backend
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, MemFile> {
        // A test that panicked mid-write leaves plain bytes behind; they are still usable.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Simulates a power cut: every write since the last sync is lost.
    pub fn crash(&self) {
        let mut file = self.lock();
        file.current = file.durable.clone();
        file.unsynced.clear();
    }

    /// What the file could hold after a power cut now: the durable bytes plus those of the
    /// writes (and length changes) since the last sync for which `keep` returns true, applied
    /// in order. `keep` is asked once per change, numbered from 0; a drive may persist any
    /// subset of unsynced writes, in any order, before the power goes.
    pub fn crash_image(&self, mut keep: impl FnMut(usize) -> bool) -> Vec<u8> {
        let file = self.lock();
        let mut image = file.durable.clone();
        for (index, change) in file.unsynced.iter().enumerate() {
            if keep(index) {
                match change {
                    Unsynced::Write { offset, bytes } => write_into(&mut image, *offset, bytes),
                    Unsynced::SetLen(len) => image.resize(*len, 0),
                }
            }
        }
        image
    }

    /// The current bytes.
    pub fn contents(&self) -> Vec<u8> {
        self.lock().current.clone()
    }

    /// Replaces the bytes (both current and durable), for injecting damage.
    pub fn set_contents(&self, bytes: Vec<u8>) {
        let mut file = self.lock();
        file.durable = bytes.clone();
        file.current = bytes;
        file.unsynced.clear();
    }

    /// How many times `sync` was called.
    pub fn sync_count(&self) -> u64 {
        self.lock().syncs
    }
}

impl Backend for MemBackend {
    fn read_exact_at(&self, buf: &mut [u8], offset: u64) -> io::Result<()> {
        let file = self.lock();
        let start = usize::try_from(offset).map_err(|_| io::ErrorKind::UnexpectedEof)?;
        let end = start
            .checked_add(buf.len())
            .filter(|&end| end <= file.current.len())
            .ok_or(io::ErrorKind::UnexpectedEof)?;
        buf.copy_from_slice(&file.current[start..end]);
        Ok(())
    }
    fn write_all_at(&self, buf: &[u8], offset: u64) -> io::Result<()> {
        let mut file = self.lock();
        let offset = usize::try_from(offset).map_err(|_| io::ErrorKind::InvalidInput)?;
        write_into(&mut file.current, offset, buf);
        file.unsynced.push(Unsynced::Write {
            offset,
            bytes: buf.to_vec(),
        });
        Ok(())
    }
    fn sync(&self) -> io::Result<()> {
        let mut file = self.lock();
        let file = &mut *file;
        for change in file.unsynced.drain(..) {
            match change {
                Unsynced::Write { offset, bytes } => write_into(&mut file.durable, offset, &bytes),
                Unsynced::SetLen(len) => file.durable.resize(len, 0),
            }
        }
        file.syncs += 1;
        Ok(())
    }
    fn len(&self) -> io::Result<u64> {
        Ok(self.lock().current.len() as u64)
    }
    fn set_len(&self, len: u64) -> io::Result<()> {
        let len = usize::try_from(len).map_err(|_| io::ErrorKind::InvalidInput)?;
        let mut file = self.lock();
        file.current.resize(len, 0);
        file.unsynced.push(Unsynced::SetLen(len));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mem_backend_crash_drops_unsynced_writes() {
        let backend = MemBackend::new();
        backend.write_all_at(b"hello", 0).unwrap();
        backend.sync().unwrap();
        backend.write_all_at(b" world", 5).unwrap();
        assert_eq!(backend.contents(), b"hello world");
        backend.crash();
        assert_eq!(backend.contents(), b"hello");
    }

    #[test]
    fn mem_backend_short_read_is_eof() {
        let backend = MemBackend::new();
        backend.write_all_at(b"ab", 0).unwrap();
        let mut buf = [0u8; 4];
        let err = backend.read_exact_at(&mut buf, 0).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
    }
}

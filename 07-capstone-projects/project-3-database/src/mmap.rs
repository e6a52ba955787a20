//! Reading the data file through a memory map ([`MmapBackend`]): the only module of the crate
//! with `unsafe` code. Writes still go through `pwrite` on the file; reads copy out of a
//! read-only shared map instead of calling `pread`.
//!
//! # Why this is sound
//!
//! `memmap2::Mmap::map` is `unsafe` because the compiler cannot see that the bytes behind a
//! `&[u8]` into a file may change or vanish while the slice lives. Three things can go wrong,
//! and this is how each is handled:
//!
//! 1. **The file is truncated under the map.** Touching a mapped page that lies wholly past
//!    the end of the file raises `SIGBUS`, which kills the process. The store truncates its
//!    data file itself (the cut after a checkpoint, recovery's cut), always through
//!    [`Backend::set_len`]. Here `set_len` first replaces the map by one no longer than the
//!    new length, under the write side of the lock that every read holds while it copies, and
//!    only then truncates. So no read through this module ever touches bytes past the end of
//!    the file that this process made. Another process that truncates the file anyway breaks
//!    the store's rule that it holds the lock file (`Store::open` takes it), and would corrupt
//!    a store without a map too; with the map it can also kill the process.
//! 2. **The bytes change while they are read.** The map is shared, so a `pwrite` by the store
//!    shows through it at once (Linux keeps one page cache for both). The store never writes a
//!    page that a reader may be reading: pages of the durable tree are never overwritten
//!    (copy-on-write), and fresh pages are read only by the writer that owns them. A reader
//!    copies the page out of the map (a `&[u8]` lives only for that copy) and checks its
//!    CRC-32C before decoding it, so even a torn copy is reported, not trusted.
//! 3. **Writing through the map.** It is mapped read-only (`PROT_READ`), so a stray write
//!    through it faults instead of changing the file behind the log's back. A private
//!    (`MAP_PRIVATE`) map would not do: Linux keeps showing file changes in it only for
//!    pages never copied, and POSIX leaves that unspecified.
//!
//! An I/O error on the device surfaces as `SIGBUS` when the page is first touched, not as an
//! `io::Error` as with `pread`: that is the price of mapped reads, and why they are an option
//! ([`ReadMode::Mmap`](crate::store::ReadMode)) and not the default.
#![expect(
    unsafe_code,
    reason = "creating a memory map is unsafe; the module docs give the argument"
)]

use std::fs::File;
use std::io;
use std::sync::{PoisonError, RwLock};

use memmap2::{Mmap, MmapOptions};

use crate::backend::{Backend, FileBackend};

/// A data file whose reads come from a read-only shared memory map.
#[derive(Debug)]
pub(crate) struct MmapBackend {
    file: FileBackend,
    /// The map (`None` while the file is empty). Readers hold the read side while they copy;
    /// growing or shrinking the map takes the write side.
    map: RwLock<Option<Mmap>>,
    /// The same file, for `mmap` calls.
    handle: File,
}

impl MmapBackend {
    /// Maps `file` (opened for reading and writing).
    ///
    /// # Errors
    /// I/O errors from `dup` or `mmap`.
    pub(crate) fn new(file: File) -> io::Result<Self> {
        let handle = file.try_clone()?;
        let backend = MmapBackend {
            file: FileBackend::new(file),
            map: RwLock::new(None),
            handle,
        };
        backend.remap(backend.file.len()?)?;
        Ok(backend)
    }

    /// Replaces the map by one of `len` bytes (none for 0).
    fn remap(&self, len: u64) -> io::Result<()> {
        let mut map = self.map.write().unwrap_or_else(PoisonError::into_inner);
        *map = self.map_of(len)?;
        Ok(())
    }

    fn map_of(&self, len: u64) -> io::Result<Option<Mmap>> {
        if len == 0 {
            return Ok(None);
        }
        let len = usize::try_from(len).map_err(|_| io::ErrorKind::InvalidInput)?;
        // SAFETY: the map is read-only and shared; it is never longer than the file when it is
        // made (`len` is the file's length, read under the write side of `map`, or the new
        // length in `set_len` before the file is cut), and the file is cut only through
        // `set_len`, which shrinks the map first. See the module docs for the whole argument.
        let map = unsafe { MmapOptions::new().len(len).map(&self.handle)? };
        Ok(Some(map))
    }

    /// Copies `buf.len()` bytes at `offset` out of the map when it covers them.
    fn copy_from_map(&self, buf: &mut [u8], offset: usize) -> bool {
        let map = self.map.read().unwrap_or_else(PoisonError::into_inner);
        let Some(bytes) = map
            .as_ref()
            .and_then(|map| map.get(offset..offset.checked_add(buf.len())?))
        else {
            return false;
        };
        buf.copy_from_slice(bytes);
        true
    }
}

impl Backend for MmapBackend {
    fn read_exact_at(&self, buf: &mut [u8], offset: u64) -> io::Result<()> {
        let start = usize::try_from(offset).map_err(|_| io::ErrorKind::UnexpectedEof)?;
        if self.copy_from_map(buf, start) {
            return Ok(());
        }
        // The file grew since the map was made: map its new length and try again.
        {
            let mut map = self.map.write().unwrap_or_else(PoisonError::into_inner);
            let len = self.file.len()?;
            if map.as_ref().map_or(0, |map| map.len() as u64) < len {
                *map = self.map_of(len)?;
            }
        }
        if self.copy_from_map(buf, start) {
            Ok(())
        } else {
            Err(io::ErrorKind::UnexpectedEof.into())
        }
    }
    fn write_all_at(&self, buf: &[u8], offset: u64) -> io::Result<()> {
        self.file.write_all_at(buf, offset)
    }
    fn sync(&self) -> io::Result<()> {
        self.file.sync()
    }
    fn len(&self) -> io::Result<u64> {
        self.file.len()
    }
    fn set_len(&self, len: u64) -> io::Result<()> {
        // Shrink the map before the file, under the write side, so that no reader can touch
        // a page that is about to disappear (that would be SIGBUS).
        let mut map = self.map.write().unwrap_or_else(PoisonError::into_inner);
        let mapped = map.as_ref().map_or(0, |map| map.len() as u64);
        if len < mapped {
            *map = self.map_of(len)?;
        }
        self.file.set_len(len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn backend() -> (tempfile::TempDir, MmapBackend) {
        let dir = tempfile::tempdir().unwrap();
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(dir.path().join("data"))
            .unwrap();
        (dir, MmapBackend::new(file).unwrap())
    }

    #[test]
    fn mmap_reads_see_writes_growth_and_truncation() {
        let (_dir, backend) = backend();
        let mut buf = [0u8; 4];
        assert_eq!(
            backend.read_exact_at(&mut buf, 0).unwrap_err().kind(),
            io::ErrorKind::UnexpectedEof
        );
        backend.write_all_at(b"abcd", 0).unwrap();
        backend.read_exact_at(&mut buf, 0).unwrap();
        assert_eq!(&buf, b"abcd");
        // A write into the mapped range shows through the shared map.
        backend.write_all_at(b"XY", 1).unwrap();
        backend.read_exact_at(&mut buf, 0).unwrap();
        assert_eq!(&buf, b"aXYd");
        // Growth past the map is picked up by remapping.
        backend.write_all_at(&[7u8; 10_000], 4).unwrap();
        let mut far = [0u8; 3];
        backend.read_exact_at(&mut far, 9_000).unwrap();
        assert_eq!(far, [7, 7, 7]);
        // After a cut, reads past the end are errors, not SIGBUS.
        backend.set_len(6).unwrap();
        assert_eq!(
            backend.read_exact_at(&mut far, 9_000).unwrap_err().kind(),
            io::ErrorKind::UnexpectedEof
        );
        backend.read_exact_at(&mut buf, 2).unwrap();
        assert_eq!(&buf, &[b'Y', b'd', 7, 7]);
        backend.set_len(0).unwrap();
        assert!(backend.read_exact_at(&mut buf, 0).is_err());
    }
}

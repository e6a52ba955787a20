//! A window of a file mapped into memory: the only `unsafe` code of the crate.
//!
//! Reading a file with `read(2)` copies every byte from the kernel's page cache into our buffer.
//! Mapping the file with `mmap(2)` lets us search the page-cache pages where they are, which on
//! a large file saves the time of that copy (ripgrep does the same).
//! We never map a whole file: the searcher maps one window of a few MiB at a time, so resident
//! memory stays bounded no matter how large the file is (mapped pages count as resident while
//! they are mapped).
//!
//! The mapping is *private and writable* (`MAP_PRIVATE` with `PROT_READ | PROT_WRITE`): the
//! searcher rewrites NUL bytes of binary files into newlines in place, and with a private mapping
//! such a write copies just that page into memory of our own (copy-on-write); the file on disk
//! never changes. Pages we only read are shared with the page cache and cost no copy.
//! (This is also why we do not ask for `MAP_POPULATE`: pre-faulting a private *writable* mapping
//! faults every page in for writing, which would copy the whole window.)
//!
//! # The caveat: a file that changes under us
//!
//! A mapping is a promise by the kernel, not a snapshot. If another process truncates the file
//! while a window of it is mapped, touching a page past the new end of the file raises `SIGBUS`
//! and the process dies; if another process writes to the file, the bytes of pages we have not
//! written to may change under the `&mut [u8]` we hand out, which Rust's aliasing rules do not
//! allow. Neither can be prevented by a reader on Linux (advisory locks do not bind the writer).
//! ripgrep accepts the same risk for the same speed; GNU grep, which always reads, does not.
//! See mmap(2): <https://man7.org/linux/man-pages/man2/mmap.2.html>.
//!
//! Miri cannot execute `mmap`, so this module is covered by the searcher's tests (which compare
//! the mapped path with the read path byte for byte) rather than by Miri.

#![expect(
    unsafe_code,
    reason = "mmap(2) and munmap(2) are foreign functions; this module wraps them in a safe type"
)]

use std::fs::File;
use std::io;
use std::os::fd::AsRawFd;
use std::ptr::NonNull;

/// The size of a memory page; mapping offsets must be a multiple of it.
pub(crate) fn page_size() -> usize {
    // SAFETY: `sysconf` only reads a configuration value; `_SC_PAGESIZE` is a valid name, so the
    // call has no preconditions.
    let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    // POSIX guarantees a positive page size; 4096 is the fallback should that ever fail.
    usize::try_from(size)
        .ok()
        .filter(|&size| size > 0)
        .unwrap_or(4096)
}

/// `len` bytes of a file starting at byte `offset`, mapped privately and writably.
///
/// Dropping it unmaps the window.
#[derive(Debug)]
pub(crate) struct Window {
    /// Start of the mapping; never null, and `len` bytes long.
    start: NonNull<u8>,
    len: usize,
}

impl Window {
    /// Maps `file[offset..offset + len]`.
    ///
    /// `offset` must be a multiple of [`page_size`], `len` must be greater than zero, and the
    /// range must lie inside the file (the caller takes both from the file's size).
    ///
    /// # Errors
    ///
    /// What `mmap(2)` reports (for example `ENODEV` for a file system that cannot map), or
    /// `InvalidInput` for an offset or length that breaks the rules above.
    pub(crate) fn map(file: &File, offset: u64, len: usize) -> io::Result<Window> {
        let page = page_size() as u64;
        let offset_ok = offset.is_multiple_of(page);
        let Ok(file_offset) = libc::off_t::try_from(offset) else {
            return Err(io::ErrorKind::InvalidInput.into());
        };
        if len == 0 || !offset_ok {
            return Err(io::ErrorKind::InvalidInput.into());
        }
        // SAFETY: we pass a null address (the kernel chooses where), a non-zero length, a
        // page-aligned offset and a descriptor that `file` keeps open for the duration of the
        // call. `MAP_PRIVATE` means no write through this mapping can reach the file. The result
        // is checked against `MAP_FAILED` before it is used.
        let address = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE,
                file.as_raw_fd(),
                file_offset,
            )
        };
        if address == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        let start = NonNull::new(address.cast::<u8>()).ok_or_else(|| {
            // A successful mmap with a null hint never returns address 0 on Linux; treat it as a
            // failure rather than build a slice from a null pointer.
            io::Error::other("mmap returned a null address")
        })?;
        Ok(Window { start, len })
    }

    /// The mapped bytes.
    pub(crate) fn bytes_mut(&mut self) -> &mut [u8] {
        // SAFETY: `start` points to `len` bytes that stay mapped, readable and writable until
        // `drop`; `&mut self` makes this the only reference into them from our process. The one
        // thing we cannot rule out is another process truncating or rewriting the file (see the
        // module documentation), a risk ripgrep takes in the same way.
        unsafe { std::slice::from_raw_parts_mut(self.start.as_ptr(), self.len) }
    }
}

impl Drop for Window {
    fn drop(&mut self) {
        // SAFETY: `start` and `len` are exactly what `mmap` returned and was asked for, and no
        // slice into the mapping outlives `self` (every slice borrows it). The result is ignored:
        // munmap of a range we mapped can only fail for arguments we never pass.
        unsafe {
            libc::munmap(self.start.as_ptr().cast::<libc::c_void>(), self.len);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    #[cfg_attr(miri, ignore = "Miri cannot map files")]
    fn window_maps_a_page_aligned_range() {
        let page = page_size();
        let mut file = tempfile::tempfile().expect("creating a temporary file");
        let contents: Vec<u8> = (0..page * 2 + 10).map(|i| (i % 251) as u8).collect();
        file.write_all(&contents)
            .expect("writing the temporary file");
        let mut window = Window::map(&file, page as u64, page + 10).expect("mapping works");
        assert_eq!(window.bytes_mut(), &contents[page..]);
    }

    #[test]
    #[cfg_attr(miri, ignore = "Miri cannot map files")]
    fn window_writes_stay_private() {
        let mut file = tempfile::tempfile().expect("creating a temporary file");
        file.write_all(b"a\0b\n")
            .expect("writing the temporary file");
        let mut window = Window::map(&file, 0, 4).expect("mapping works");
        window.bytes_mut()[1] = b'\n';
        assert_eq!(window.bytes_mut(), b"a\nb\n");
        drop(window);
        let mut again = Window::map(&file, 0, 4).expect("mapping works");
        assert_eq!(again.bytes_mut(), b"a\0b\n", "the file itself is unchanged");
    }

    #[test]
    #[cfg_attr(miri, ignore = "Miri cannot map files")]
    fn window_rejects_bad_arguments() {
        let mut file = tempfile::tempfile().expect("creating a temporary file");
        file.write_all(b"abc").expect("writing the temporary file");
        for (offset, len) in [(0, 0), (1, 2)] {
            let error = Window::map(&file, offset, len).expect_err("must be refused");
            assert_eq!(error.kind(), io::ErrorKind::InvalidInput);
        }
    }
}

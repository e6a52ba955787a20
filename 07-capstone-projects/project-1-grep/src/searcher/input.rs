//! Where the searcher's bytes come from: `read(2)` into our own buffer, or a memory-mapped
//! window of the file. Both hand the state machine the same thing, one buffer that starts with
//! the bytes carried over from the previous round.
//!
//! This module knows nothing about matches or output; see `gnu.rs` for what is done with the
//! bytes.

use std::fs::File;
use std::io::{self, Read};

use crate::mmap::{Window, page_size};

/// The smallest amount of free space we ask the operating system to fill at once.
pub(super) const CHUNK_SIZE: usize = 256 * 1024;

/// Where the searcher's bytes come from: either way, one buffer that holds the bytes carried
/// over from the previous round followed by fresh ones.
pub(super) trait Input {
    /// Drops the bytes of the current buffer before `keep_from` and makes a new buffer out of
    /// the rest (the carried bytes) followed by fresh input. Returns the new buffer and the
    /// number of carried bytes at its front; no fresh bytes means the end of the input.
    fn advance(&mut self, keep_from: usize) -> io::Result<(&mut [u8], usize)>;

    /// At the end of the input: the carried bytes followed by an added newline, for a last line
    /// that lacks one.
    fn terminated(&mut self) -> &mut [u8];

    /// Whether the output of the buffer just searched should be written out now. Input that
    /// arrives slowly (a pipe) wants it after every buffer; a mapped file is all there, so its
    /// output waits for the end of a window instead of going out in one small write per piece.
    fn flush_now(&self) -> bool {
        true
    }
}

/// Input through `read(2)`: bytes are copied into the searcher's own buffer.
pub(super) struct ReadInput<'a, R: ?Sized> {
    reader: &'a mut R,
    buffer: &'a mut Vec<u8>,
    /// End of the valid bytes in `buffer`.
    end: usize,
}

impl<'a, R: Read + ?Sized> ReadInput<'a, R> {
    /// Reads from `reader` into `buffer` (whose old contents are dropped).
    pub(super) fn new(reader: &'a mut R, buffer: &'a mut Vec<u8>) -> ReadInput<'a, R> {
        ReadInput {
            reader,
            buffer,
            end: 0,
        }
    }
}

impl<R: Read + ?Sized> Input for ReadInput<'_, R> {
    fn advance(&mut self, keep_from: usize) -> io::Result<(&mut [u8], usize)> {
        self.buffer.copy_within(keep_from..self.end, 0);
        let save = self.end - keep_from;
        self.end = save;
        // Make room: one chunk of free space after what we kept, plus one spare byte for the
        // newline we may add after an unterminated last line.
        if self.buffer.len() < save + CHUNK_SIZE + 1 {
            let wanted = (self.buffer.len() * 2).max(save + CHUNK_SIZE + 1);
            self.buffer.resize(wanted, 0);
        }
        let read_end = self.buffer.len() - 1;
        let filled = loop {
            match self.reader.read(&mut self.buffer[save..read_end]) {
                Ok(filled) => break filled,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => return Err(error),
            }
        };
        self.end = save + filled;
        Ok((&mut self.buffer[..self.end], save))
    }

    fn terminated(&mut self) -> &mut [u8] {
        // `advance` always leaves the spare byte after `end`.
        self.buffer[self.end] = b'\n';
        &mut self.buffer[..=self.end]
    }
}

/// Input through a memory map: the buffer is a window of the file itself, never copied.
///
/// The next window starts at the page that holds the first byte still needed (the carried
/// bytes), so those bytes appear again at the front of the new window without a copy; the
/// window then extends `window_len` bytes past the old end, which also grows it for a line that
/// is longer than a window.
pub(super) struct MapInput<'a> {
    file: &'a File,
    /// The first window was mapped by the caller and not handed out yet.
    started: bool,
    /// The file's size when we started; bytes appended later are not searched.
    len: u64,
    /// How many fresh bytes each new window brings.
    window_len: usize,
    page: u64,
    window: Window,
    /// File offset of the window's first byte.
    offset: u64,
    /// The current buffer is `window[view_start..view_end]`.
    view_start: usize,
    view_end: usize,
    /// Length of `window`.
    mapped_len: usize,
    /// Owned buffer for the last, unterminated line.
    tail: &'a mut Vec<u8>,
}

impl<'a> MapInput<'a> {
    /// Maps the first window of `file` (`len` bytes long, more than zero) of at most
    /// `window_len` bytes; `None` when the file cannot be mapped, so the caller reads it instead.
    /// `tail` is scratch space for an unterminated last line.
    pub(super) fn start(
        file: &'a File,
        len: u64,
        window_len: usize,
        tail: &'a mut Vec<u8>,
    ) -> Option<MapInput<'a>> {
        let first_len = usize::try_from(len).map_or(window_len, |len| len.min(window_len));
        let window = Window::map(file, 0, first_len).ok()?;
        Some(MapInput {
            file,
            started: false,
            len,
            window_len,
            page: page_size() as u64,
            window,
            offset: 0,
            view_start: 0,
            view_end: 0,
            mapped_len: first_len,
            tail,
        })
    }
}

impl Input for MapInput<'_> {
    fn advance(&mut self, keep_from: usize) -> io::Result<(&mut [u8], usize)> {
        // course:solution p1.7 Hand out the first window, then map the next one from the page that holds the first kept byte, so the kept bytes reappear at its front; at the end of the file hand out only the kept bytes.
        // The state machine gets at most `CHUNK_SIZE` fresh bytes of the window per round, as
        // from `read`: it passes over each buffer twice (the NUL check, then the search), and
        // the second pass over a piece this small runs while the piece is still in the core's
        // cache (this machine has 2 MiB of L2 per core, the size of a whole window). Measured:
        // 7-35% less user time than handing over whole windows. The window itself stays large:
        // one `mmap` per window.
        let mapped = self.window.bytes_mut().len();
        if !self.started {
            self.started = true;
            self.view_end = mapped.min(CHUNK_SIZE);
            return Ok((&mut self.window.bytes_mut()[..self.view_end], 0));
        }
        let keep = self.offset + (self.view_start + keep_from) as u64;
        let end = self.offset + self.view_end as u64;
        let save = (end - keep) as usize;
        if self.view_end < mapped {
            // More of this window is mapped: the next piece of it.
            self.view_start += keep_from;
            self.view_end = mapped.min(self.view_end + CHUNK_SIZE);
        } else if end < self.len {
            let base = keep - keep % self.page;
            let wanted = ((end - base) as usize).saturating_add(self.window_len);
            let len = usize::try_from(self.len - base).map_or(wanted, |left| left.min(wanted));
            // The old window is unmapped as the new one replaces it (the new one has no resident
            // pages yet, so memory does not double).
            self.window = Window::map(self.file, base, len)?;
            self.mapped_len = len;
            self.offset = base;
            self.view_start = (keep - base) as usize;
            self.view_end = len.min((end - base) as usize + CHUNK_SIZE);
        } else {
            // The end of the file: nothing fresh; the carried bytes stay where they are.
            self.view_start += keep_from;
        }
        Ok((
            &mut self.window.bytes_mut()[self.view_start..self.view_end],
            save,
        ))
        // course:decoy window-forgets-kept-bytes Maps the next window from where the last one ended, dropping the kept bytes (the unfinished last line and the -B context).
        // if !self.started {
        //     self.started = true;
        //     let first = self.window.bytes_mut();
        //     self.view_end = first.len();
        //     return Ok((first, 0));
        // }
        // // The next window simply starts where the last one ended.
        // let _ = keep_from;
        // let end = self.offset + self.view_end as u64;
        // if end < self.len {
        //     let base = end - end % self.page;
        //     let wanted = ((end - base) as usize).saturating_add(self.window_len);
        //     let len = usize::try_from(self.len - base).map_or(wanted, |left| left.min(wanted));
        //     self.window = Window::map(self.file, base, len)?;
        //     self.offset = base;
        //     self.view_start = (end - base) as usize;
        //     self.view_end = len;
        // } else {
        //     self.view_start = self.view_end;
        // }
        // Ok((&mut self.window.bytes_mut()[self.view_start..self.view_end], 0))
        // course:end
    }

    fn flush_now(&self) -> bool {
        self.view_end == self.mapped_len
    }

    fn terminated(&mut self) -> &mut [u8] {
        // We must not write past the mapping, so the last line is copied (it is short, or as
        // long as the read path would have had to hold anyway).
        self.tail.clear();
        self.tail
            .extend_from_slice(&self.window.bytes_mut()[self.view_start..self.view_end]);
        self.tail.push(b'\n');
        self.tail.as_mut_slice()
    }
}

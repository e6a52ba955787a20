//! Line arithmetic on a buffer of complete lines: finding line starts and ends, counting
//! newlines for `-n`, and turning NUL bytes into line ends for binary files.
//!
//! Pure functions over byte slices; no I/O, no matching, no output.

/// Rewrites every NUL byte into a newline: in a binary file NUL bytes end lines.
pub(super) fn nul_to_newline(bytes: &mut [u8]) {
    for byte in bytes.iter_mut() {
        if *byte == 0 {
            *byte = b'\n';
        }
    }
}

/// Returns the start of the line that ends just before `position` (`position` must be a line
/// start greater than zero).
pub(super) fn line_start_before(buffer: &[u8], position: usize) -> usize {
    memchr::memrchr(b'\n', &buffer[..position - 1]).map_or(0, |offset| offset + 1)
}

/// Counts newlines lazily, only up to the lines actually printed with `-n`.
#[derive(Debug, Default)]
pub(super) struct LineCounter {
    /// Buffer offset up to which newlines have been counted.
    counted_to: usize,
    /// Newlines in the input before `counted_to`.
    newlines: u64,
}

impl LineCounter {
    /// The 1-based number of the line that starts at `line_start`.
    pub(super) fn number_at(&mut self, buffer: &[u8], line_start: usize) -> u64 {
        if line_start >= self.counted_to {
            self.newlines += count_newlines(&buffer[self.counted_to..line_start]);
        } else {
            self.newlines -= count_newlines(&buffer[line_start..self.counted_to]);
        }
        self.counted_to = line_start;
        self.newlines + 1
    }

    /// Accounts for the buffer dropping its first `dropped` bytes.
    pub(super) fn rebase(&mut self, buffer: &[u8], dropped: usize) {
        if self.counted_to < dropped {
            self.newlines += count_newlines(&buffer[self.counted_to..dropped]);
            self.counted_to = 0;
        } else {
            self.counted_to -= dropped;
        }
    }
}

/// Counts `\n` bytes. Written as a plain filter so the compiler vectorises it; for dense
/// newlines this beats calling `memchr` once per line.
pub(super) fn count_newlines(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&byte| byte == b'\n').count() as u64
}

/// Returns the offset just past the newline that ends the line starting at `start`.
/// `limit` must be a line end, so the newline exists.
pub(super) fn next_line(buffer: &[u8], start: usize, limit: usize) -> usize {
    memchr::memchr(b'\n', &buffer[start..limit]).map_or(limit, |offset| start + offset + 1)
}

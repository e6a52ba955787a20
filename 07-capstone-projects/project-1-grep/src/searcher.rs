//! Reads one input in large chunks and decides which lines are output, and in what role.
//!
//! This is where the speed comes from. We never split the input into lines up front. Instead:
//!
//! 1. Read a big chunk (256 KiB or more) into one buffer.
//! 2. Ask the matcher for the first matching line *in the whole buffer*. The regex engine or
//!    `memmem` skips over non-matching text at memory speed.
//! 3. Only around a match do we look for line boundaries, with `memchr`.
//! 4. Keep the incomplete last line (and the lines `-B` might need) and read the next chunk
//!    behind them.
//!
//! Memory is bounded by the chunk size plus the longest line plus the `-B` context: a 1 GB file
//! with ordinary lines is searched in well under a megabyte of buffer.
//!
//! # Two ways to get the bytes
//!
//! The loop (`search_input`) does not care where its buffer comes from; an `Input` hands it
//! "the bytes carried over from the last round, then fresh ones":
//!
//! - `ReadInput` copies chunks with `read(2)` into our own buffer, moving the carried bytes to
//!   its front first. It serves standard input, pipes, small files and files that cannot be
//!   mapped.
//! - `MapInput` maps a large regular file window by window (see `src/mmap.rs`), which avoids
//!   the copy. The next window starts at the page that holds the first carried byte, so the
//!   carried bytes reappear at the front of the new window without being moved.
//!
//! [`MmapPolicy`] decides which one a file gets.
//!
//! The control flow deliberately mirrors GNU grep 3.8's `grep`, `grepbuf`, `prtext` and
//! `prpending` functions in `src/grep.c` (<https://git.savannah.gnu.org/cgit/grep.git/tree/src/grep.c?h=v3.8>),
//! because byte-for-byte compatibility lives in their details: when a group separator appears,
//! how trailing context interacts with `-m`, and how a NUL byte switches a file to binary mode.
//!
//! The searcher does no formatting; it hands lines to the [`Printer`].

use std::fs::File;
use std::io::{self, Read, Write};

use crate::matcher::Matcher;
use crate::mmap::{Window, page_size};
use crate::printer::{Printer, Role};

/// The smallest amount of free space we ask the operating system to fill at once.
const CHUNK_SIZE: usize = 256 * 1024;

/// What the caller wants from a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Print the selected lines (the default).
    #[default]
    Lines,
    /// `-c`: print only how many lines were selected.
    Count,
    /// `-l`: print only the names of files with a selected line.
    FilesWithMatches,
    /// `-L`: print only the names of files without one.
    FilesWithoutMatch,
    /// `-q`: print nothing; stop everything at the first selected line.
    Quiet,
    /// Standard output is `/dev/null`: like GNU grep, settle each file at its first selected
    /// line and print nothing (not even `binary file matches`), but keep searching the other
    /// files so their errors are still reported.
    Discard,
}

/// The options that shape a search; fixed for the whole run.
#[derive(Debug, Clone, Copy, Default)]
pub struct SearchOptions {
    /// What to report.
    pub mode: Mode,
    /// `-v`: select the lines that do not match.
    pub invert: bool,
    /// `-B NUM`: leading context; `None` when no context option was given at all.
    pub before: Option<usize>,
    /// `-A NUM`: trailing context; `None` when no context option was given at all.
    pub after: Option<usize>,
    /// `-m NUM`: stop reading a file after this many selected lines.
    pub max_count: Option<u64>,
    /// `-n`: line numbers are needed, so newlines must be counted.
    pub line_number: bool,
    /// When [`Searcher::search_file`] maps a file instead of reading it.
    pub mmap: MmapPolicy,
}

/// When and how [`Searcher::search_file`] maps regular files into memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MmapPolicy {
    /// Fresh bytes per mapped window; 0 turns mapping off.
    pub window: usize,
    /// Smaller files are read: for them the system calls of mapping cost more than the copy.
    pub min_len: u64,
}

impl MmapPolicy {
    /// The policy the environment variable `MINIGREP_MMAP_WINDOW` asks for, if it is set to a
    /// number: `0` turns mapping off, any other number of bytes maps every non-empty regular
    /// file in windows of that size (tests use tiny windows to create many window boundaries).
    pub fn from_env_value(value: &std::ffi::OsStr) -> Option<MmapPolicy> {
        let window: usize = value.to_str()?.trim().parse().ok()?;
        Some(MmapPolicy {
            window,
            min_len: if window == 0 { 0 } else { 1 },
        })
    }
}

impl Default for MmapPolicy {
    /// Windows of 2 MiB for regular files of 1 MiB or more.
    ///
    /// 2 MiB was the fastest window on the 369 MB kernel corpus of `bench/compare.sh` (literal
    /// search, hyperfine, 15 runs): 256 KiB 54 ms, 1 MiB 48 ms, 2 MiB 40 ms, 4 MiB 42 ms,
    /// 8 MiB 48 ms, 16 MiB 58 ms. Smaller windows cost more system calls and page-table work;
    /// larger ones were slower in user time on this machine. It also keeps resident memory near
    /// 5 MiB.
    fn default() -> Self {
        MmapPolicy {
            window: 2 << 20,
            min_len: 1 << 20,
        }
    }
}

impl SearchOptions {
    /// `-c`: selected lines are counted, not printed.
    fn count_matches(&self) -> bool {
        self.mode == Mode::Count
    }

    /// `-l`, `-L`, `-q`: the first selected line settles the file.
    fn done_on_match(&self) -> bool {
        matches!(
            self.mode,
            Mode::FilesWithMatches | Mode::FilesWithoutMatch | Mode::Quiet | Mode::Discard
        )
    }

    /// No line is printed at all.
    fn out_quiet(&self) -> bool {
        self.count_matches() || self.done_on_match()
    }

    /// A context option (`-A`, `-B`, `-C`, even with 0) was given, so groups get separators.
    fn context_requested(&self) -> bool {
        self.before.is_some() || self.after.is_some()
    }
}

/// What happened while searching one input.
#[derive(Debug, Default)]
pub struct FileSummary {
    /// How many lines were selected (at most `-m`).
    pub selected: u64,
    /// A read error that cut the search short (the lines before it were searched).
    pub read_error: Option<io::Error>,
    /// GNU grep would say `FILE: binary file matches` for this file.
    pub binary_matches: bool,
}

/// Searches inputs one after another, reusing one buffer.
#[derive(Debug)]
pub struct Searcher<'m> {
    matcher: &'m Matcher,
    options: SearchOptions,
    buffer: Vec<u8>,
}

impl<'m> Searcher<'m> {
    /// Creates a searcher for `matcher` with the given options.
    pub fn new(matcher: &'m Matcher, options: SearchOptions) -> Searcher<'m> {
        Searcher {
            matcher,
            options,
            buffer: Vec::new(),
        }
    }

    /// Searches everything `reader` yields, printing through `printer`.
    ///
    /// Read errors do not fail the call: they end the search of this input and are returned in
    /// [`FileSummary::read_error`], so the caller can report them and go on with the next file.
    ///
    /// # Errors
    ///
    /// A write error from the printer, which ends the whole run.
    pub fn search<R: Read + ?Sized, W: Write>(
        &mut self,
        reader: &mut R,
        printer: &mut Printer<'_, W>,
    ) -> io::Result<FileSummary> {
        let input = ReadInput {
            reader,
            buffer: &mut self.buffer,
            end: 0,
        };
        search_input(self.matcher, self.options, input, printer)
    }

    /// Searches an open file, mapping it into memory window by window when it is a regular
    /// file of at least [`MmapPolicy::min_len`] bytes, and reading it otherwise.
    ///
    /// The file must be positioned at its start (as a freshly opened file is).
    ///
    /// # Errors
    ///
    /// A write error from the printer, which ends the whole run.
    pub fn search_file<W: Write>(
        &mut self,
        file: &mut File,
        printer: &mut Printer<'_, W>,
    ) -> io::Result<FileSummary> {
        let policy = self.options.mmap;
        if policy.window > 0
            && let Ok(metadata) = file.metadata()
            // Not regular (a FIFO, a device) or empty (nothing to map, and /proc files claim a
            // size of 0 while having contents): read instead.
            && metadata.is_file()
            && metadata.len() > 0
            && metadata.len() >= policy.min_len
        {
            let len = metadata.len();
            // The first window is mapped here, so a file system that cannot map at all falls
            // back to reading before anything was searched.
            let first_len =
                usize::try_from(len).map_or(policy.window, |len| len.min(policy.window));
            if let Ok(window) = Window::map(file, 0, first_len) {
                let input = MapInput {
                    file,
                    started: false,
                    len,
                    window_len: policy.window,
                    page: page_size() as u64,
                    window,
                    offset: 0,
                    view_start: 0,
                    view_end: 0,
                    tail: &mut self.buffer,
                };
                return search_input(self.matcher, self.options, input, printer);
            }
        }
        self.search(file, printer)
    }
}

/// Where the searcher's bytes come from: either way, one buffer that holds the bytes carried
/// over from the previous round followed by fresh ones.
trait Input {
    /// Drops the bytes of the current buffer before `keep_from` and makes a new buffer out of
    /// the rest (the carried bytes) followed by fresh input. Returns the new buffer and the
    /// number of carried bytes at its front; no fresh bytes means the end of the input.
    fn advance(&mut self, keep_from: usize) -> io::Result<(&mut [u8], usize)>;

    /// At the end of the input: the carried bytes followed by an added newline, for a last line
    /// that lacks one.
    fn terminated(&mut self) -> &mut [u8];
}

/// Input through `read(2)`: bytes are copied into the searcher's own buffer.
struct ReadInput<'a, R: ?Sized> {
    reader: &'a mut R,
    buffer: &'a mut Vec<u8>,
    /// End of the valid bytes in `buffer`.
    end: usize,
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
struct MapInput<'a> {
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
    /// Owned buffer for the last, unterminated line.
    tail: &'a mut Vec<u8>,
}

impl Input for MapInput<'_> {
    fn advance(&mut self, keep_from: usize) -> io::Result<(&mut [u8], usize)> {
        if !self.started {
            self.started = true;
            let first = self.window.bytes_mut();
            self.view_end = first.len();
            return Ok((first, 0));
        }
        let keep = self.offset + (self.view_start + keep_from) as u64;
        let end = self.offset + self.view_end as u64;
        let save = (end - keep) as usize;
        if end < self.len {
            let base = keep - keep % self.page;
            let wanted = ((end - base) as usize).saturating_add(self.window_len);
            let len = usize::try_from(self.len - base).map_or(wanted, |left| left.min(wanted));
            // The old window is unmapped as the new one replaces it (the new one has no resident
            // pages yet, so memory does not double).
            self.window = Window::map(self.file, base, len)?;
            self.offset = base;
            self.view_start = (keep - base) as usize;
            self.view_end = len;
        } else {
            // The end of the file: nothing fresh; the carried bytes stay where they are.
            self.view_start += keep_from;
        }
        Ok((
            &mut self.window.bytes_mut()[self.view_start..self.view_end],
            save,
        ))
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

/// Searches one input (GNU grep's `grep` function): the loop over buffers.
fn search_input<I: Input, W: Write>(
    matcher: &Matcher,
    options: SearchOptions,
    mut input: I,
    printer: &mut Printer<'_, W>,
) -> io::Result<FileSummary> {
    let mut state = State {
        matcher,
        options,
        last_out: None,
        pending: 0,
        out_left: options.max_count.unwrap_or(u64::MAX),
        selected: 0,
        out_quiet: options.out_quiet(),
        done_on_match: options.done_on_match(),
        lines: LineCounter::default(),
    };
    let mut read_error = None;
    // The number of selected lines when the first NUL byte was seen, if one was.
    let mut selected_at_first_nul: Option<u64> = None;
    // Where the bytes to keep for the next round start in the current buffer: leading context
    // and the incomplete last line (`residue`, its length).
    let mut keep_from = 0;
    let mut residue = 0;
    let mut at_eof = false;
    loop {
        let (buffer, save) = match input.advance(keep_from) {
            Ok(next) => next,
            Err(error) => {
                read_error = Some(error);
                break;
            }
        };
        let buffer_end = buffer.len();
        let fresh = &buffer[save..];
        if selected_at_first_nul.is_none() && memchr::memchr(0, fresh).is_some() {
            // GNU grep's binary-file rule: from here on print nothing, stop at the first
            // selected line, and treat NUL bytes as line ends. `-c` keeps counting.
            if !options.count_matches() {
                state.done_on_match = true;
                state.out_quiet = true;
            }
            selected_at_first_nul = Some(state.selected);
        }
        if fresh.is_empty() {
            at_eof = true;
            break;
        }
        if selected_at_first_nul.is_some() {
            // The whole buffer, not only the fresh bytes: a mapped window shows the carried
            // bytes as they are in the file again, so the `-B` lines it carries could hold NUL
            // bytes once more. (No output depends on that today: the carried incomplete line
            // comes after the last newline, so it holds no NUL, and context lines are never
            // printed in a binary file. Converting keeps "no NUL in the buffer" simply true,
            // and converting twice changes nothing.)
            nul_to_newline(buffer);
        }
        let buffer = &*buffer;
        // Only complete lines are searched now; the tail after the last newline waits for
        // the next round.
        let line_end = match memchr::memrchr(b'\n', &buffer[save..]) {
            Some(offset) => save + offset + 1,
            None => save - residue,
        };
        let start = save - residue;
        residue = buffer_end - line_end;
        if start < line_end {
            if state.out_left > 0 {
                state.selected += state.grep_buffer(buffer, start, line_end, printer);
            }
            if state.pending > 0 {
                state.print_pending(buffer, line_end, printer);
            }
            if (state.out_left == 0 && state.pending == 0)
                || (state.done_on_match && selected_at_first_nul.unwrap_or(0) < state.selected)
            {
                break;
            }
        }
        // Keep the last `-B` lines before `line_end`: a match at the start of the next chunk
        // may need them as leading context.
        keep_from = line_end;
        for _ in 0..options.before.unwrap_or(0) {
            if keep_from == 0 || Some(keep_from) == state.last_out {
                break;
            }
            keep_from = line_start_before(buffer, keep_from);
        }
        if Some(keep_from) != state.last_out {
            state.last_out = None;
        }
        if options.line_number {
            state.lines.rebase(buffer, keep_from);
        }
        if state.last_out.is_some() {
            state.last_out = Some(0);
        }
        printer.flush_chunk()?;
    }
    if at_eof && residue > 0 {
        // The last line has no newline: search it as if it had one, as GNU grep does, so the
        // output gains the newline.
        let buffer = input.terminated();
        if selected_at_first_nul.is_some() {
            nul_to_newline(buffer);
        }
        let buffer = &*buffer;
        let end = buffer.len();
        if state.out_left > 0 {
            state.selected += state.grep_buffer(buffer, end - 1 - residue, end, printer);
        }
        if state.pending > 0 {
            state.print_pending(buffer, end, printer);
        }
    }
    printer.flush_chunk()?;
    let binary_matches = !options.out_quiet()
        && (printer.had_encoding_error()
            || selected_at_first_nul.is_some_and(|first| first < state.selected));
    Ok(FileSummary {
        selected: state.selected,
        read_error,
        binary_matches,
    })
}

/// Rewrites every NUL byte into a newline: in a binary file NUL bytes end lines.
fn nul_to_newline(bytes: &mut [u8]) {
    for byte in bytes.iter_mut() {
        if *byte == 0 {
            *byte = b'\n';
        }
    }
}

/// Returns the start of the line that ends just before `position` (`position` must be a line
/// start greater than zero).
fn line_start_before(buffer: &[u8], position: usize) -> usize {
    memchr::memrchr(b'\n', &buffer[..position - 1]).map_or(0, |offset| offset + 1)
}

/// Counts newlines lazily, only up to the lines actually printed with `-n`.
#[derive(Debug, Default)]
struct LineCounter {
    /// Buffer offset up to which newlines have been counted.
    counted_to: usize,
    /// Newlines in the input before `counted_to`.
    newlines: u64,
}

impl LineCounter {
    /// The 1-based number of the line that starts at `line_start`.
    fn number_at(&mut self, buffer: &[u8], line_start: usize) -> u64 {
        if line_start >= self.counted_to {
            self.newlines += count_newlines(&buffer[self.counted_to..line_start]);
        } else {
            self.newlines -= count_newlines(&buffer[line_start..self.counted_to]);
        }
        self.counted_to = line_start;
        self.newlines + 1
    }

    /// Accounts for the buffer dropping its first `dropped` bytes.
    fn rebase(&mut self, buffer: &[u8], dropped: usize) {
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
fn count_newlines(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&byte| byte == b'\n').count() as u64
}

/// Per-input state, named after GNU grep's globals of the same job.
struct State<'m> {
    matcher: &'m Matcher,
    options: SearchOptions,
    /// Just past the last line printed, if it is in the buffer (GNU's `lastout`).
    last_out: Option<usize>,
    /// Trailing context lines still owed (GNU's `pending`).
    pending: usize,
    /// Selected lines still allowed by `-m` (GNU's `outleft`).
    out_left: u64,
    /// Selected lines so far.
    selected: u64,
    /// Print no lines (GNU's `out_quiet`); turned on for binary files.
    out_quiet: bool,
    /// Stop at the first selected line (GNU's `done_on_match`); turned on for binary files.
    done_on_match: bool,
    lines: LineCounter,
}

impl State<'_> {
    /// Scans the complete lines in `buffer[start..end]` and outputs the selected ones.
    /// Returns how many lines were selected (GNU's `grepbuf`).
    fn grep_buffer<W: Write>(
        &mut self,
        buffer: &[u8],
        start: usize,
        end: usize,
        printer: &mut Printer<'_, W>,
    ) -> u64 {
        let out_left_before = self.out_left;
        let haystack = &buffer[..end];
        let mut position = start;
        while position < end {
            let (match_start, match_end) = match self.matcher.find_line(haystack, position) {
                Some(line) => line,
                None if self.options.invert => (end, end),
                None => break,
            };
            if !self.options.invert || position < match_start {
                let (from, to) = if self.options.invert {
                    (position, match_start)
                } else {
                    (match_start, match_end)
                };
                self.print_text(buffer, from, to, printer);
                if self.out_left == 0 || self.done_on_match {
                    break;
                }
            }
            position = match_end;
        }
        out_left_before - self.out_left
    }

    /// Outputs the selected lines `buffer[start..end]` with their context (GNU's `prtext`).
    /// Without `-v` that range is one line; with `-v` it may be many.
    fn print_text<W: Write>(
        &mut self,
        buffer: &[u8],
        start: usize,
        end: usize,
        printer: &mut Printer<'_, W>,
    ) {
        if !self.out_quiet && self.pending > 0 {
            self.print_pending(buffer, start, printer);
        }
        let mut position = start;
        if !self.out_quiet {
            // Back up over the leading context, but not into lines already printed.
            let floor = self.last_out.unwrap_or(0);
            for _ in 0..self.options.before.unwrap_or(0) {
                if position > floor {
                    position = line_start_before(buffer, position);
                }
            }
            if self.options.context_requested() && printer.used() && Some(position) != self.last_out
            {
                printer.group_separator();
            }
            while position < start {
                let next = next_line(buffer, position, start);
                self.print_line(buffer, position, next, Role::Context, printer);
                position = next;
            }
        }
        let printed = if !self.options.invert {
            if !self.out_quiet {
                self.print_line(buffer, start, end, Role::Selected, printer);
            }
            1
        } else if self.out_quiet {
            // Counting (or -l/-L/-q): the selected lines need not be visited one by one;
            // counting newline bytes is enough.
            count_newlines(&buffer[start..end]).min(self.out_left)
        } else {
            let mut lines = 0;
            let mut line = start;
            while line < end && lines < self.out_left {
                let next = next_line(buffer, line, end);
                self.print_line(buffer, line, next, Role::Selected, printer);
                line = next;
                lines += 1;
            }
            lines
        };
        self.pending = if self.out_quiet {
            0
        } else {
            self.options.after.unwrap_or(0)
        };
        printer.mark_used();
        self.out_left -= printed;
    }

    /// Prints the trailing context owed before `limit` (GNU's `prpending`).
    fn print_pending<W: Write>(
        &mut self,
        buffer: &[u8],
        limit: usize,
        printer: &mut Printer<'_, W>,
    ) {
        let mut last_out = *self.last_out.get_or_insert(0);
        while self.pending > 0 && last_out < limit {
            let next = next_line(buffer, last_out, limit);
            self.print_line(buffer, last_out, next, Role::Context, printer);
            // A line dropped for an encoding error leaves `last_out` where it was, exactly as in
            // GNU grep; the loop then only uses up `pending`.
            last_out = self.last_out.unwrap_or(0);
            self.pending -= 1;
        }
    }

    /// Prints one line and records it as the last output (GNU's `prline`).
    fn print_line<W: Write>(
        &mut self,
        buffer: &[u8],
        start: usize,
        end: usize,
        role: Role,
        printer: &mut Printer<'_, W>,
    ) {
        let number = if self.options.line_number {
            self.lines.number_at(buffer, start)
        } else {
            0
        };
        if printer.line(&buffer[start..end], role, number) {
            self.last_out = Some(end);
        }
    }
}

/// Returns the offset just past the newline that ends the line starting at `start`.
/// `limit` must be a line end, so the newline exists.
fn next_line(buffer: &[u8], start: usize, limit: usize) -> usize {
    memchr::memchr(b'\n', &buffer[start..limit]).map_or(limit, |offset| start + offset + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matcher::MatchOptions;
    use crate::printer::PrintOptions;
    use std::io::Seek as _;

    /// Runs one search of `input` for `pattern` and returns (stdout, selected count, binary).
    fn run(pattern: &str, input: &[u8], options: SearchOptions) -> (String, u64, bool) {
        let matcher = Matcher::new(&[pattern.as_bytes().to_vec()], MatchOptions::default())
            .expect("test pattern is valid");
        let print_options = PrintOptions {
            line_number: options.line_number,
            invert: options.invert,
            ..PrintOptions::default()
        };
        let mut output = Vec::new();
        let mut printer = Printer::new(&mut output, print_options, &matcher);
        printer.begin_file(None);
        let mut searcher = Searcher::new(&matcher, options);
        let summary = searcher
            .search(&mut &input[..], &mut printer)
            .expect("writing to a Vec cannot fail");
        printer.finish().expect("writing to a Vec cannot fail");
        (
            String::from_utf8(output).expect("test output is UTF-8"),
            summary.selected,
            summary.binary_matches,
        )
    }

    fn check(pattern: &str, input: &str, options: SearchOptions, expected: &str) {
        let (output, _, _) = run(pattern, input.as_bytes(), options);
        assert_eq!(output, expected, "pattern {pattern:?} options {options:?}");
    }

    #[test]
    fn searcher_table() {
        let plain = SearchOptions::default();
        let numbered = SearchOptions {
            line_number: true,
            ..plain
        };
        let context = SearchOptions {
            line_number: true,
            before: Some(1),
            after: Some(1),
            ..plain
        };
        let inverted = SearchOptions {
            invert: true,
            ..plain
        };
        let limited = SearchOptions {
            max_count: Some(1),
            after: Some(2),
            line_number: true,
            ..plain
        };
        check("b", "a\nb\nc\n", plain, "b\n");
        check("b", "a\nb\nc", numbered, "2:b\n");
        check("c", "a\nb\nc", plain, "c\n");
        check(
            "a",
            "a\nb\na\nc\nd\ne\na\n",
            context,
            "1:a\n2-b\n3:a\n4-c\n--\n6-e\n7:a\n",
        );
        check("a", "a\nb\nc\na\n", inverted, "b\nc\n");
        check("a", "a\na\nb\nc\n", limited, "1:a\n2-a\n3-b\n");
        check("x", "", plain, "");
    }

    #[test]
    fn searcher_counts_without_printing() {
        let count = SearchOptions {
            mode: Mode::Count,
            ..SearchOptions::default()
        };
        let (output, selected, _) = run("a", b"a\nb\na\n", count);
        assert_eq!((output.as_str(), selected), ("", 2));
        let inverted = SearchOptions {
            invert: true,
            ..count
        };
        assert_eq!(run("a", b"a\nb\na\nc\n", inverted).1, 2);
    }

    #[test]
    fn searcher_binary_file_stops_printing() {
        let (output, selected, binary) =
            run("foo", b"foo\0foo\nbar\nfoo\n", SearchOptions::default());
        assert_eq!((output.as_str(), selected, binary), ("", 1, true));
    }

    #[test]
    fn searcher_counts_nul_separated_lines_in_binary_files() {
        let count = SearchOptions {
            mode: Mode::Count,
            ..SearchOptions::default()
        };
        let (_, selected, binary) = run("foo", b"foo\0foo\nbar\nfoo\n", count);
        assert_eq!((selected, binary), (3, false));
    }

    #[test]
    fn searcher_handles_lines_longer_than_a_chunk() {
        let mut input = vec![b'x'; CHUNK_SIZE * 3];
        input.extend_from_slice(b"needle\nshort\n");
        let (output, selected, _) = run("needle", &input, SearchOptions::default());
        assert_eq!(selected, 1);
        assert_eq!(output.len(), input.len() - "short\n".len());
    }

    /// Searches `input` once through `read` and once through memory-mapped windows of each
    /// size, and demands byte-identical output, counts and binary flags.
    fn check_mapped_equals_read(pattern: &str, input: &[u8], options: SearchOptions) {
        use std::io::Write as _;
        let matcher = Matcher::new(&[pattern.as_bytes().to_vec()], MatchOptions::default())
            .expect("test pattern is valid");
        let print_options = PrintOptions {
            line_number: options.line_number,
            invert: options.invert,
            ..PrintOptions::default()
        };
        let mut file = tempfile::tempfile().expect("creating a temporary file");
        file.write_all(input).expect("writing the temporary file");
        let search = |file: Option<&mut File>, window: usize| {
            let mut output = Vec::new();
            let mut printer = Printer::new(&mut output, print_options, &matcher);
            printer.begin_file(None);
            let options = SearchOptions {
                mmap: MmapPolicy { window, min_len: 1 },
                ..options
            };
            let mut searcher = Searcher::new(&matcher, options);
            let summary = match file {
                Some(file) => {
                    file.rewind().expect("rewinding the temporary file");
                    searcher.search_file(file, &mut printer)
                }
                None => searcher.search(&mut &input[..], &mut printer),
            }
            .expect("writing to a Vec cannot fail");
            assert!(summary.read_error.is_none(), "{:?}", summary.read_error);
            printer.finish().expect("writing to a Vec cannot fail");
            (output, summary.selected, summary.binary_matches)
        };
        let expected = search(None, 0);
        let page = page_size();
        for window in [17, 100, page - 1, page, page + 1, 3 * page, 1 << 20] {
            let mapped = search(Some(&mut file), window);
            assert!(
                mapped == expected,
                "window {window}, pattern {pattern:?}, options {options:?}:\n  mapped: {:?}\n  read:   {:?}",
                String::from_utf8_lossy(&mapped.0),
                String::from_utf8_lossy(&expected.0),
            );
        }
    }

    #[test]
    #[cfg_attr(miri, ignore = "Miri cannot map files")]
    fn searcher_mapped_windows_match_read_path() {
        // Lines of varied length (some longer than a page), a final line without a newline.
        let mut text = Vec::new();
        for n in 0..200usize {
            let pad = "y".repeat((n * 37) % 97 + if n % 100 == 7 { 5000 } else { 0 });
            let word = ["alpha", "beta", "", "gamma alpha", "delta"][n % 5];
            text.extend_from_slice(format!("{n} {pad} {word}\n").as_bytes());
        }
        let mut unterminated = text.clone();
        unterminated.extend_from_slice(b"tail alpha");
        // Binary: a NUL first (so every window size sees it in the first round) and more NUL
        // bytes later, which the mapped path must convert again when a window carries them.
        let mut binary = b"\0".to_vec();
        for n in 0..150usize {
            binary
                .extend_from_slice(format!("{n} alpha\0beta\0{}\n", "z".repeat(n % 13)).as_bytes());
        }
        let plain = SearchOptions::default();
        let option_sets = [
            plain,
            SearchOptions {
                line_number: true,
                ..plain
            },
            SearchOptions {
                line_number: true,
                before: Some(3),
                after: Some(2),
                ..plain
            },
            SearchOptions {
                invert: true,
                line_number: true,
                before: Some(1),
                ..plain
            },
            SearchOptions {
                max_count: Some(5),
                after: Some(4),
                line_number: true,
                ..plain
            },
            SearchOptions {
                mode: Mode::Count,
                ..plain
            },
            SearchOptions {
                mode: Mode::Count,
                invert: true,
                ..plain
            },
            SearchOptions {
                mode: Mode::FilesWithMatches,
                ..plain
            },
        ];
        for options in option_sets {
            for pattern in ["alpha", "^1[0-9]7 ", "a$", "zzz"] {
                check_mapped_equals_read(pattern, &text, options);
                check_mapped_equals_read(pattern, &unterminated, options);
            }
            check_mapped_equals_read("alpha", &binary, options);
            check_mapped_equals_read("beta", b"one line without newline beta", options);
        }
    }

    #[test]
    fn searcher_keeps_context_across_chunks() {
        // Lines of 100 bytes; the match sits right after a chunk boundary so its leading context
        // comes from the previous chunk.
        let line = |n: usize| format!("{n:099}\n");
        let mut input = String::new();
        for n in 0..(CHUNK_SIZE / 100 * 2) {
            input.push_str(&line(n));
        }
        let target = CHUNK_SIZE / 100 + 1;
        let pattern = format!("^{target:099}$");
        let options = SearchOptions {
            before: Some(2),
            line_number: true,
            ..SearchOptions::default()
        };
        let (output, _, _) = run(&pattern, input.as_bytes(), options);
        let expected = format!(
            "{}-{}{}-{}{}:{}",
            target - 1,
            line(target - 2),
            target,
            line(target - 1),
            target + 1,
            line(target)
        );
        assert_eq!(output, expected);
    }
}

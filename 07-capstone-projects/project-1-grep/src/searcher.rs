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
//! The control flow deliberately mirrors GNU grep 3.8's `grep`, `grepbuf`, `prtext` and
//! `prpending` functions in `src/grep.c` (<https://git.savannah.gnu.org/cgit/grep.git/tree/src/grep.c?h=v3.8>),
//! because byte-for-byte compatibility lives in their details: when a group separator appears,
//! how trailing context interacts with `-m`, and how a NUL byte switches a file to binary mode.
//!
//! The searcher does no formatting; it hands lines to the [`Printer`].

use std::io::{self, Read, Write};

use crate::matcher::Matcher;
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
        let options = self.options;
        let mut state = State {
            matcher: self.matcher,
            options,
            last_out: None,
            pending: 0,
            out_left: options.max_count.unwrap_or(u64::MAX),
            selected: 0,
            out_quiet: options.out_quiet(),
            done_on_match: options.done_on_match(),
            lines: LineCounter::default(),
        };
        if self.buffer.len() < CHUNK_SIZE + 1 {
            self.buffer.resize(CHUNK_SIZE + 1, 0);
        }
        let mut read_error = None;
        // The number of selected lines when the first NUL byte was seen, if one was.
        let mut selected_at_first_nul: Option<u64> = None;
        // Bytes kept at the front of the buffer from the previous round: leading context and
        // the incomplete last line (`residue`).
        let mut save = 0;
        let mut residue = 0;
        let mut at_eof = false;
        loop {
            // Make room: one chunk of free space after what we kept, plus one spare byte for
            // the newline we may add after an unterminated last line.
            if self.buffer.len() < save + CHUNK_SIZE + 1 {
                let wanted = (self.buffer.len() * 2).max(save + CHUNK_SIZE + 1);
                self.buffer.resize(wanted, 0);
            }
            let read_end = self.buffer.len() - 1;
            let filled = match reader.read(&mut self.buffer[save..read_end]) {
                Ok(filled) => filled,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) => {
                    read_error = Some(error);
                    break;
                }
            };
            let buffer_end = save + filled;
            let fresh = &mut self.buffer[save..buffer_end];
            if selected_at_first_nul.is_none() && memchr::memchr(0, fresh).is_some() {
                // GNU grep's binary-file rule: from here on print nothing, stop at the first
                // selected line, and treat NUL bytes as line ends. `-c` keeps counting.
                if !options.count_matches() {
                    state.done_on_match = true;
                    state.out_quiet = true;
                }
                selected_at_first_nul = Some(state.selected);
            }
            if filled == 0 {
                at_eof = true;
                break;
            }
            if selected_at_first_nul.is_some() {
                for byte in fresh.iter_mut() {
                    if *byte == 0 {
                        *byte = b'\n';
                    }
                }
            }
            let buffer = &self.buffer[..buffer_end];
            // Only complete lines are searched now; the tail after the last newline waits for
            // the next read.
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
            let mut keep_from = line_end;
            for _ in 0..options.before.unwrap_or(0) {
                if keep_from == 0 || Some(keep_from) == state.last_out {
                    break;
                }
                keep_from = line_start_before(buffer, keep_from);
            }
            if Some(keep_from) != state.last_out {
                state.last_out = None;
            }
            save = residue + line_end - keep_from;
            if options.line_number {
                state.lines.rebase(buffer, keep_from);
            }
            self.buffer.copy_within(keep_from..buffer_end, 0);
            if state.last_out.is_some() {
                state.last_out = Some(0);
            }
            printer.flush_chunk()?;
        }
        if at_eof && residue > 0 {
            // The last line has no newline: search it as if it had one, as GNU grep does, so the
            // output gains the newline.
            self.buffer[save] = b'\n';
            let buffer = &self.buffer[..save + 1];
            if state.out_left > 0 {
                state.selected += state.grep_buffer(buffer, save - residue, save + 1, printer);
            }
            if state.pending > 0 {
                state.print_pending(buffer, save + 1, printer);
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

//! GNU grep's output state machine: which lines of a buffer are selected, which are context,
//! where a group separator goes, and when a file is settled.
//!
//! The control flow deliberately mirrors GNU grep 3.8's `grep`, `grepbuf`, `prtext` and
//! `prpending` functions in `src/grep.c` (<https://git.savannah.gnu.org/cgit/grep.git/tree/src/grep.c?h=v3.8>),
//! because byte-for-byte compatibility lives in their details: when a group separator appears,
//! how trailing context interacts with `-m`, and how a NUL byte switches a file to binary mode.
//! It gets its bytes from an [`Input`] and hands lines to a [`Sink`]; it never formats.

use std::io;

use super::input::Input;
use super::lines::{LineCounter, count_newlines, line_start_before, next_line, nul_to_newline};
use super::{BinaryFiles, FileSummary, LineMatcher, Role, SearchOptions, Sink};

/// Searches one input (GNU grep's `grep` function): the loop over buffers.
pub(super) fn search_input<M: LineMatcher + ?Sized, I: Input, S: Sink + ?Sized>(
    matcher: &M,
    options: SearchOptions,
    used: &mut bool,
    mut input: I,
    sink: &mut S,
) -> io::Result<FileSummary> {
    let mut state = State {
        matcher,
        options,
        last_out: None,
        pending: 0,
        // course:solution p1.5 How many selected lines -m still allows.
        out_left: options.max_count.unwrap_or(u64::MAX),
        // course:stub
        // out_left: u64::MAX,
        // course:end
        selected: 0,
        out_quiet: options.out_quiet(),
        done_on_match: options.done_on_match(),
        lines: LineCounter::default(),
        used: *used,
        refused_line: false,
        buffer_start: 0,
        after_last_match: 0,
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
            Ok(next) => {
                state.buffer_start += keep_from as u64;
                next
            }
            Err(error) => {
                read_error = Some(error);
                break;
            }
        };
        let buffer_end = buffer.len();
        let fresh = &buffer[save..];
        // course:solution p1.4 The first NUL byte in the fresh bytes makes the file binary: with -I (and nothing selected yet) it is skipped; otherwise, unless -c, print nothing more and stop at the first selected line. Remember how many lines were selected before.
        if selected_at_first_nul.is_none()
            && options.binary_files != BinaryFiles::Text
            && memchr::memchr(0, fresh).is_some()
        {
            if options.binary_files == BinaryFiles::WithoutMatch && state.selected == 0 {
                // `-I`: a binary file is assumed not to match at all.
                return Ok(FileSummary::default());
            }
            // GNU grep's binary-file rule: from here on print nothing, stop at the first
            // selected line, and treat NUL bytes as line ends. `-c` keeps counting.
            if !options.count_matches() {
                state.done_on_match = true;
                state.out_quiet = true;
            }
            selected_at_first_nul = Some(state.selected);
        }
        // course:stub
        // // Binary files are not detected yet.
        // course:decoy binary-keeps-printing Notices the NUL byte (so the message appears) but keeps printing the selected lines, binary bytes and all.
        // if selected_at_first_nul.is_none()
        //     && options.binary_files != BinaryFiles::Text
        //     && memchr::memchr(0, fresh).is_some()
        // {
        //     if options.binary_files == BinaryFiles::WithoutMatch && state.selected == 0 {
        //         return Ok(FileSummary::default());
        //     }
        //     selected_at_first_nul = Some(state.selected);
        // }
        // course:decoy binary-only-first-buffer Looks for NUL bytes only in the first buffer of a file, as `file` does, so a NUL byte further in goes unnoticed.
        // if selected_at_first_nul.is_none()
        //     && state.buffer_start == 0
        //     && options.binary_files != BinaryFiles::Text
        //     && memchr::memchr(0, fresh).is_some()
        // {
        //     if options.binary_files == BinaryFiles::WithoutMatch && state.selected == 0 {
        //         return Ok(FileSummary::default());
        //     }
        //     if !options.count_matches() {
        //         state.done_on_match = true;
        //         state.out_quiet = true;
        //     }
        //     selected_at_first_nul = Some(state.selected);
        // }
        // course:end
        if fresh.is_empty() {
            at_eof = true;
            break;
        }
        // course:solution p1.4 In a binary file, NUL bytes end lines: rewrite them into newlines before searching the buffer.
        if selected_at_first_nul.is_some() {
            // The whole buffer, not only the fresh bytes: a mapped window shows the carried
            // bytes as they are in the file again, so the `-B` lines it carries could hold NUL
            // bytes once more. (No output depends on that today: the carried incomplete line
            // comes after the last newline, so it holds no NUL, and context lines are never
            // printed in a binary file. Converting keeps "no NUL in the buffer" simply true,
            // and converting twice changes nothing.)
            nul_to_newline(buffer);
        }
        // course:stub
        // // NUL bytes are ordinary bytes for now.
        // course:end
        // course:solution p1.1 Search only complete lines: find the end of the last complete line (`line_end`), where this round starts (`start`, just before the carried unfinished line) and how long the new unfinished tail is (`residue`).
        let buffer = &*buffer;
        // Only complete lines are searched now; the tail after the last newline waits for
        // the next round.
        let line_end = match memchr::memrchr(b'\n', &buffer[save..]) {
            Some(offset) => save + offset + 1,
            None => save - residue,
        };
        let start = save - residue;
        residue = buffer_end - line_end;
        // course:stub
        // let buffer = &*buffer;
        // let (start, line_end): (usize, usize) = todo!();
        // course:end
        if start < line_end {
            if state.out_left > 0 {
                state.selected += state.grep_buffer(buffer, start, line_end, sink);
            }
            if state.pending > 0 {
                state.print_pending(buffer, line_end, sink);
            }
            if (state.out_left == 0 && state.pending == 0)
                || (state.done_on_match && selected_at_first_nul.unwrap_or(0) < state.selected)
            {
                break;
            }
        }
        // Keep the last `-B` lines before `line_end`: a match at the start of the next chunk
        // may need them as leading context.
        // course:solution p1.5 Keep the last -B lines before `line_end` (but not lines already printed) for the next round, besides the unfinished last line.
        keep_from = line_end;
        for _ in 0..options.before.unwrap_or(0) {
            if keep_from == 0 || Some(keep_from) == state.last_out {
                break;
            }
            keep_from = line_start_before(buffer, keep_from);
        }
        // course:stub
        // keep_from = line_end;
        // course:end
        if Some(keep_from) != state.last_out {
            state.last_out = None;
        }
        if options.line_number {
            state.lines.rebase(buffer, keep_from);
        }
        if state.last_out.is_some() {
            state.last_out = Some(0);
        }
        if input.flush_now() {
            sink.chunk_done()?;
        }
    }
    // course:solution p1.1 At the end of the input, a last line without a newline is still searched, as if it had one (the output gains the newline).
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
            state.selected += state.grep_buffer(buffer, end - 1 - residue, end, sink);
        }
        if state.pending > 0 {
            state.print_pending(buffer, end, sink);
        }
    }
    // course:stub
    // todo!("p1.1: the last line without a newline");
    // course:decoy drops-unterminated-last-line Forgets the last line when the input does not end with a newline.
    // let _ = at_eof;
    // course:end
    sink.chunk_done()?;
    *used = state.used;
    let binary_matches = !options.out_quiet()
        && (state.refused_line
            || selected_at_first_nul.is_some_and(|first| first < state.selected));
    Ok(FileSummary {
        selected: state.selected,
        read_error,
        binary_matches,
        stopped_at: (state.out_left == 0).then_some(state.after_last_match),
    })
}

/// Per-input state, named after GNU grep's globals of the same job.
struct State<'m, M: ?Sized> {
    matcher: &'m M,
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
    /// Some group of lines has been output, in this or an earlier input (GNU's `used`).
    used: bool,
    /// The sink refused a line (not valid UTF-8), so the file counts as binary.
    refused_line: bool,
    /// Offset in the input of the current buffer's first byte (for `-b`).
    buffer_start: u64,
    /// Offset just past the last selected line (GNU's `after_last_match`).
    after_last_match: u64,
}

impl<M: LineMatcher + ?Sized> State<'_, M> {
    /// Scans the complete lines in `buffer[start..end]` and outputs the selected ones.
    /// Returns how many lines were selected (GNU's `grepbuf`).
    fn grep_buffer<S: Sink + ?Sized>(
        &mut self,
        buffer: &[u8],
        start: usize,
        end: usize,
        sink: &mut S,
    ) -> u64 {
        // course:solution p1.7 Search the whole buffer, not each line: ask the matcher once for the first matching line at or after `position`, print it (or, with -v, the lines before it), and go on after it.
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
                self.print_text(buffer, from, to, sink);
                if self.out_left == 0 || self.done_on_match {
                    break;
                }
            }
            position = match_end;
        }
        out_left_before - self.out_left
        // course:stub
        // // One line at a time: the matcher is asked about each line separately.
        // let out_left_before = self.out_left;
        // let mut position = start;
        // while position < end {
        //     let line_end = next_line(buffer, position, end);
        //     let matched = self.matcher.find_line(&buffer[..line_end], position).is_some();
        //     if matched != self.options.invert {
        //         self.print_text(buffer, position, line_end, sink);
        //         if self.out_left == 0 || self.done_on_match {
        //             break;
        //         }
        //     }
        //     position = line_end;
        // }
        // out_left_before - self.out_left
        // course:decoy per-line-regex Splits the buffer into lines and runs the matcher on each line by itself.
        // let out_left_before = self.out_left;
        // let lines = buffer[start..end].split_inclusive(|&byte| byte == b'\n');
        // let mut position = start;
        // for line in lines {
        //     let line_end = position + line.len();
        //     let matched = self.matcher.find_line(line, 0).is_some();
        //     if matched != self.options.invert {
        //         self.print_text(buffer, position, line_end, sink);
        //         if self.out_left == 0 || self.done_on_match {
        //             break;
        //         }
        //     }
        //     position = line_end;
        // }
        // out_left_before - self.out_left
        // course:end
    }

    /// Outputs the selected lines `buffer[start..end]` with their context (GNU's `prtext`).
    /// Without `-v` that range is one line; with `-v` it may be many.
    fn print_text<S: Sink + ?Sized>(
        &mut self,
        buffer: &[u8],
        start: usize,
        end: usize,
        sink: &mut S,
    ) {
        if !self.out_quiet && self.pending > 0 {
            self.print_pending(buffer, start, sink);
        }
        // course:solution p1.5 Leading context: back up over up to -B lines (never into lines already printed), print `--` when this group does not touch the previous one, then print the context lines.
        let mut position = start;
        if !self.out_quiet {
            // Back up over the leading context, but not into lines already printed.
            let floor = self.last_out.unwrap_or(0);
            for _ in 0..self.options.before.unwrap_or(0) {
                if position > floor {
                    position = line_start_before(buffer, position);
                }
            }
            if self.options.context_requested() && self.used && Some(position) != self.last_out {
                sink.group_separator();
            }
            while position < start {
                let next = next_line(buffer, position, start);
                self.print_line(buffer, position, next, Role::Context, sink);
                position = next;
            }
        }
        // course:stub
        // // No leading context and no group separators yet.
        // course:decoy context-printed-twice Backs up over -B lines even into lines that were already printed, so overlapping groups repeat lines.
        // let mut position = start;
        // if !self.out_quiet {
        //     // Back up over the leading context, but not into lines already printed.
        //     let floor = 0;
        //     for _ in 0..self.options.before.unwrap_or(0) {
        //         if position > floor {
        //             position = line_start_before(buffer, position);
        //         }
        //     }
        //     if self.options.context_requested() && self.used && Some(position) != self.last_out {
        //         sink.group_separator();
        //     }
        //     while position < start {
        //         let next = next_line(buffer, position, start);
        //         self.print_line(buffer, position, next, Role::Context, sink);
        //         position = next;
        //     }
        // }
        // course:decoy separator-between-touching-groups Prints `--` before every group after the first, even when it directly follows the previous one.
        // let mut position = start;
        // if !self.out_quiet {
        //     // Back up over the leading context, but not into lines already printed.
        //     let floor = self.last_out.unwrap_or(0);
        //     for _ in 0..self.options.before.unwrap_or(0) {
        //         if position > floor {
        //             position = line_start_before(buffer, position);
        //         }
        //     }
        //     if self.options.context_requested() && self.used {
        //         sink.group_separator();
        //     }
        //     while position < start {
        //         let next = next_line(buffer, position, start);
        //         self.print_line(buffer, position, next, Role::Context, sink);
        //         position = next;
        //     }
        // }
        // course:end
        let (printed, printed_end) = if !self.options.invert {
            if !self.out_quiet {
                self.print_line(buffer, start, end, Role::Selected, sink);
            }
            (1, end)
        } else if self.out_quiet {
            // Counting (or -l/-L/-q): the selected lines need not be visited one by one;
            // counting newline bytes is enough, unless `-m` cuts the range short.
            let lines = count_newlines(&buffer[start..end]);
            if lines <= self.out_left {
                (lines, end)
            } else {
                let mut line = start;
                for _ in 0..self.out_left {
                    line = next_line(buffer, line, end);
                }
                (self.out_left, line)
            }
        } else {
            let mut lines = 0;
            let mut line = start;
            while line < end && lines < self.out_left {
                let next = next_line(buffer, line, end);
                self.print_line(buffer, line, next, Role::Selected, sink);
                line = next;
                lines += 1;
            }
            (lines, line)
        };
        self.after_last_match = self.buffer_start + printed_end as u64;
        self.pending = if self.out_quiet {
            0
        } else {
            self.options.after.unwrap_or(0)
        };
        self.used = true;
        self.out_left -= printed;
    }

    /// Prints the trailing context owed before `limit` (GNU's `prpending`).
    fn print_pending<S: Sink + ?Sized>(&mut self, buffer: &[u8], limit: usize, sink: &mut S) {
        // course:solution p1.5 Trailing context: print the owed -A lines from just after the last printed line, up to `limit`.
        let mut last_out = *self.last_out.get_or_insert(0);
        while self.pending > 0 && last_out < limit {
            let next = next_line(buffer, last_out, limit);
            self.print_line(buffer, last_out, next, Role::Context, sink);
            // A line dropped for an encoding error leaves `last_out` where it was, exactly as in
            // GNU grep; the loop then only uses up `pending`.
            last_out = self.last_out.unwrap_or(0);
            self.pending -= 1;
        }
        // course:stub
        // // No trailing context yet.
        // let _ = (buffer, limit, sink);
        // self.pending = 0;
        // course:end
    }

    /// Prints one line and records it as the last output (GNU's `prline`).
    fn print_line<S: Sink + ?Sized>(
        &mut self,
        buffer: &[u8],
        start: usize,
        end: usize,
        role: Role,
        sink: &mut S,
    ) {
        let number = if self.options.line_number {
            self.lines.number_at(buffer, start)
        } else {
            0
        };
        let offset = self.buffer_start + start as u64;
        if sink.line(&buffer[start..end], role, number, offset) {
            self.last_out = Some(end);
        } else {
            self.refused_line = true;
        }
    }
}

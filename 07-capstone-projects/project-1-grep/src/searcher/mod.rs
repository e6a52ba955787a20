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
//! The loop (`gnu.rs`) does not care where its buffer comes from; an `Input` (`input.rs`) hands
//! it "the bytes carried over from the last round, then fresh ones":
//!
//! - `ReadInput` copies chunks with `read(2)` into our own buffer, moving the carried bytes to
//!   its front first. It serves standard input, pipes, small files and files that cannot be
//!   mapped.
//! - `MapInput` maps a large regular file window by window (see `src/mmap.rs`), which avoids
//!   the copy. The next window starts at the page that holds the first carried byte, so the
//!   carried bytes reappear at the front of the new window without being moved.
//!
//! [`MmapPolicy`] decides which one a file gets; mapping is off unless the binary chooses it
//! through the `unsafe` constructor [`MmapPolicy::windows`], whose contract it must uphold.
//!
//! # Three files, three jobs
//!
//! - `input.rs`: where the bytes come from (read or mapped).
//! - `lines.rs`: line arithmetic (line starts, newline counts for `-n`, NUL bytes as line ends).
//! - `gnu.rs`: GNU grep's output state machine (which lines are selected or context, separators,
//!   `-m`, binary files), mirroring `grep.c` of GNU grep 3.8.
//!
//! # The searcher never formats
//!
//! It hands lines to a [`Sink`], a trait with three methods (`line`, `group_separator`,
//! `chunk_done`). The printer implements it, tests implement it with a transcript; the searcher
//! never sees how a line looks, and keeps the state that decides *whether* a separator is due
//! (GNU's `used`) itself. This is ripgrep's split between `grep-searcher` and `grep-printer`.

mod gnu;
mod input;
mod lines;

use std::fs::File;
use std::io::{self, Read};

use crate::matcher::Matcher;
use input::{MapInput, ReadInput};

/// What the searcher needs from a matcher: the first matching line at or after an offset.
///
/// [`Matcher`] is the implementation the program uses; the trait exists so that a test can
/// wrap it (for example in a matcher that counts its calls, which shows that the searcher asks
/// once per buffer and not once per line). [`Searcher`] is generic over it with [`Matcher`] as
/// the default, so the program's searcher is monomorphised for `Matcher` and the call is as
/// direct as before: the seam costs nothing at run time.
pub trait LineMatcher {
    /// The first line in `haystack[start..]` that contains a match, as `(line_start, line_end)`
    /// with `line_end` just past its newline; see [`Matcher::find_line`] for the contract
    /// (`haystack` ends just after a newline, `start` is a line start).
    fn find_line(&self, haystack: &[u8], start: usize) -> Option<(usize, usize)>;
}

impl LineMatcher for Matcher {
    #[inline]
    fn find_line(&self, haystack: &[u8], start: usize) -> Option<(usize, usize)> {
        Matcher::find_line(self, haystack, start)
    }
}

/// The role of a line the searcher hands to its [`Sink`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A selected line (it matched, or with `-v` it did not).
    Selected,
    /// A context line from `-A`, `-B` or `-C`.
    Context,
}

/// Receives the searcher's output: lines in their roles, and group separators.
///
/// The searcher decides *which* lines are shown and when a separator is due; an implementation
/// decides what they look like and where they go. Output may be buffered: the searcher calls
/// [`Sink::chunk_done`] after each buffer it searched, which is the moment to write it out.
pub trait Sink {
    /// Outputs one line (`line` includes its trailing newline); `line_number` is 1-based and
    /// is 0 when line numbers were not requested ([`SearchOptions::line_number`]);
    /// `byte_offset` is the offset of the line's first byte in the input.
    ///
    /// Returns false when the line was refused and nothing was output: GNU grep in a UTF-8
    /// locale does not print a line that is not valid UTF-8, and reports the file as binary
    /// instead (see [`FileSummary::binary_matches`]).
    fn line(&mut self, line: &[u8], role: Role, line_number: u64, byte_offset: u64) -> bool;

    /// Outputs the separator `--` between two groups of lines that are not adjacent.
    fn group_separator(&mut self);

    /// The searcher finished a buffer: buffered output may be written now.
    ///
    /// # Errors
    ///
    /// A write error, which ends the search (and the run).
    fn chunk_done(&mut self) -> io::Result<()>;
}

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

/// `--binary-files=TYPE`: what to do with a file that holds a NUL byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BinaryFiles {
    /// Search it, but print `binary file matches` instead of lines (the default).
    #[default]
    Binary,
    /// `-a`, `--text`: treat it as text and print its lines.
    Text,
    /// `-I`: assume it does not match.
    WithoutMatch,
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
    /// `-a`, `-I`: how a file with a NUL byte is treated.
    pub binary_files: BinaryFiles,
    /// When [`Searcher::search_file`] maps a file instead of reading it.
    pub mmap: MmapPolicy,
}

/// When and how [`Searcher::search_file`] maps regular files into memory.
///
/// The default maps nothing. Mapping is faster on large files (see `src/mmap.rs`) but is only
/// sound while no other process shrinks or rewrites a file we are searching, which no code in
/// this library can check; so the only way to turn it on is the `unsafe` constructor
/// [`MmapPolicy::windows`], and the caller (the binary's `main`) states why it accepts that
/// contract, as ripgrep's `MmapChoice::auto` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MmapPolicy {
    /// Fresh bytes per mapped window; 0 means "never map".
    window: usize,
    /// Smaller files are read: for them the system calls of mapping cost more than the copy.
    min_len: u64,
}

impl MmapPolicy {
    /// Bytes per window of the policy the binary uses: 2 MiB.
    ///
    /// 2 MiB was the fastest window on the 369 MB kernel corpus of `bench/compare.sh` (literal
    /// search, hyperfine, 15 runs): 256 KiB 54 ms, 1 MiB 48 ms, 2 MiB 40 ms, 4 MiB 42 ms,
    /// 8 MiB 48 ms, 16 MiB 58 ms. Smaller windows cost more system calls and page-table work;
    /// larger ones were slower in user time on this machine. It also keeps resident memory near
    /// 5 MiB.
    pub const STANDARD_WINDOW: usize = 2 << 20;

    /// Files smaller than this (1 MiB) are read even when mapping is on.
    pub const STANDARD_MIN_LEN: u64 = 1 << 20;

    /// Never map: every file is read with `read(2)`. The default, and always safe.
    pub const fn never() -> MmapPolicy {
        MmapPolicy {
            window: 0,
            min_len: 0,
        }
    }

    /// Map regular files of at least `min_len` bytes (and more than zero) in windows of
    /// `window` fresh bytes; `window == 0` means never map.
    ///
    /// # Safety
    ///
    /// While [`Searcher::search_file`] searches a mapped file, no other process may truncate
    /// it or write to it. Truncation makes the next access to a page past the new end raise
    /// `SIGBUS`, which kills the process; a concurrent write changes bytes behind a `&mut [u8]`
    /// the searcher holds, which is undefined behaviour in Rust. The caller accepts this for
    /// every file it will search with this policy (a command-line tool usually does so on the
    /// user's behalf, as ripgrep does, and documents the risk).
    #[expect(
        unsafe_code,
        reason = "the contract is about other processes, which no safe code can check"
    )]
    pub const unsafe fn windows(window: usize, min_len: u64) -> MmapPolicy {
        MmapPolicy { window, min_len }
    }
}

impl SearchOptions {
    /// `-c`: selected lines are counted, not printed.
    fn count_matches(&self) -> bool {
        // course:solution p1.5 True for -c.
        self.mode == Mode::Count
        // course:stub
        // false
        // course:end
    }

    /// `-l`, `-L`, `-q`: the first selected line settles the file.
    fn done_on_match(&self) -> bool {
        // course:solution p1.5 True for the modes that settle a file at its first selected line: -l, -L, -q, and an output that is /dev/null.
        matches!(
            self.mode,
            Mode::FilesWithMatches | Mode::FilesWithoutMatch | Mode::Quiet | Mode::Discard
        )
        // course:stub
        // false
        // course:end
    }

    /// No line is printed at all.
    fn out_quiet(&self) -> bool {
        // course:solution p1.5 True when no line is printed at all.
        self.count_matches() || self.done_on_match()
        // course:stub
        // false
        // course:end
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
    /// When `-m` ended the search: the offset just past the last selected line, where GNU grep
    /// leaves a seekable standard input for the next program to read on.
    pub stopped_at: Option<u64>,
}

/// Searches inputs one after another, reusing one buffer.
///
/// `M` is the matcher it asks (see [`LineMatcher`]); the program uses [`Matcher`].
#[derive(Debug)]
pub struct Searcher<'m, M: LineMatcher + ?Sized = Matcher> {
    matcher: &'m M,
    options: SearchOptions,
    buffer: Vec<u8>,
    /// Some group of lines has been output, in this or an earlier input (GNU's `used`): a group
    /// separator goes only between groups, never before the first one, even across files.
    used: bool,
}

impl<'m, M: LineMatcher + ?Sized> Searcher<'m, M> {
    /// Creates a searcher for `matcher` with the given options.
    pub fn new(matcher: &'m M, options: SearchOptions) -> Searcher<'m, M> {
        Searcher {
            matcher,
            options,
            buffer: Vec::new(),
            used: false,
        }
    }

    /// Searches everything `reader` yields, handing the output to `sink`.
    ///
    /// Read errors do not fail the call: they end the search of this input and are returned in
    /// [`FileSummary::read_error`], so the caller can report them and go on with the next file.
    ///
    /// # Errors
    ///
    /// A write error from the sink, which ends the whole run.
    pub fn search<R: Read + ?Sized, S: Sink + ?Sized>(
        &mut self,
        reader: &mut R,
        sink: &mut S,
    ) -> io::Result<FileSummary> {
        let input = ReadInput::new(reader, &mut self.buffer);
        gnu::search_input(self.matcher, self.options, &mut self.used, input, sink)
    }

    /// Searches an open file, mapping it into memory window by window when the
    /// [`MmapPolicy`] allows it for this file, and reading it otherwise.
    ///
    /// The file must be positioned at its start (as a freshly opened file is).
    ///
    /// # Errors
    ///
    /// A write error from the sink, which ends the whole run.
    pub fn search_file<S: Sink + ?Sized>(
        &mut self,
        file: &mut File,
        sink: &mut S,
    ) -> io::Result<FileSummary> {
        // course:solution p1.7 When the policy allows it for this file (a non-empty regular file of at least `min_len` bytes), search it through `MapInput` instead of reading it.
        let policy = self.options.mmap;
        if policy.window > 0
            && let Ok(metadata) = file.metadata()
            // Not regular (a FIFO, a device) or empty (nothing to map, and /proc files claim a
            // size of 0 while having contents): read instead.
            && metadata.is_file()
            && metadata.len() > 0
            && metadata.len() >= policy.min_len
            // The first window is mapped here, so a file system that cannot map at all falls
            // back to reading before anything was searched.
            && let Some(input) = MapInput::start(file, metadata.len(), policy.window, &mut self.buffer)
        {
            return gnu::search_input(self.matcher, self.options, &mut self.used, input, sink);
        }
        // course:stub
        // // Every file is read for now; `MapInput` is not used yet.
        // let _ = MapInput::start;
        // course:end
        self.search(file, sink)
    }
}

#[cfg(test)]
mod tests {
    #![expect(
        unsafe_code,
        reason = "the tests map temporary files that nothing else can touch"
    )]

    use super::*;
    use crate::matcher::{MatchOptions, Syntax};

    /// The options of `-E`: these tests are written in extended syntax.
    fn ere() -> MatchOptions {
        MatchOptions {
            syntax: Syntax::Extended,
            ..MatchOptions::default()
        }
    }
    use crate::mmap::page_size;
    use input::CHUNK_SIZE;
    use std::io::Seek as _;

    /// A sink that writes what the printer would write without file names or colors:
    /// `N:line` or `N-line` (with line numbers), `--` between groups. Like the printer, it
    /// refuses lines that are not valid UTF-8.
    #[derive(Default)]
    struct Transcript {
        output: Vec<u8>,
        line_number: bool,
    }

    impl Sink for Transcript {
        fn line(&mut self, line: &[u8], role: Role, line_number: u64, _offset: u64) -> bool {
            if std::str::from_utf8(line).is_err() {
                return false;
            }
            if self.line_number {
                let separator = if role == Role::Selected { ':' } else { '-' };
                let prefix = format!("{line_number}{separator}");
                self.output.extend_from_slice(prefix.as_bytes());
            }
            self.output.extend_from_slice(line);
            true
        }

        fn group_separator(&mut self) {
            self.output.extend_from_slice(b"--\n");
        }

        fn chunk_done(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn matcher(pattern: &str) -> Matcher {
        Matcher::new(&[pattern.as_bytes().to_vec()], ere()).expect("test pattern is valid")
    }

    /// Runs one search of `input` for `pattern` and returns (output, selected count, binary).
    fn run(pattern: &str, input: &[u8], options: SearchOptions) -> (String, u64, bool) {
        let matcher = matcher(pattern);
        let mut sink = Transcript {
            line_number: options.line_number,
            ..Transcript::default()
        };
        let mut searcher = Searcher::new(&matcher, options);
        let summary = searcher
            .search(&mut &input[..], &mut sink)
            .expect("the transcript never fails");
        (
            String::from_utf8(sink.output).expect("test output is UTF-8"),
            summary.selected,
            summary.binary_matches,
        )
    }

    fn check(pattern: &str, input: &str, options: SearchOptions, expected: &str) {
        let (output, _, _) = run(pattern, input.as_bytes(), options);
        assert_eq!(output, expected, "pattern {pattern:?} options {options:?}");
    }

    #[test]
    fn searcher_selects_lines_with_context_inversion_and_limits() {
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
    fn searcher_binary_file_prints_nothing_and_stops_at_first_match() {
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
        let matcher = matcher(pattern);
        let mut file = tempfile::tempfile().expect("creating a temporary file");
        file.write_all(input).expect("writing the temporary file");
        let search = |file: Option<&mut File>, window: usize| {
            let mut sink = Transcript {
                line_number: options.line_number,
                ..Transcript::default()
            };
            let options = SearchOptions {
                // SAFETY: the temporary file is ours alone; nothing truncates or writes it
                // while it is searched.
                mmap: unsafe { MmapPolicy::windows(window, 1) },
                ..options
            };
            let mut searcher = Searcher::new(&matcher, options);
            let summary = match file {
                Some(file) => {
                    file.rewind().expect("rewinding the temporary file");
                    searcher.search_file(file, &mut sink)
                }
                None => searcher.search(&mut &input[..], &mut sink),
            }
            .expect("the transcript never fails");
            assert!(summary.read_error.is_none(), "{:?}", summary.read_error);
            (sink.output, summary.selected, summary.binary_matches)
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

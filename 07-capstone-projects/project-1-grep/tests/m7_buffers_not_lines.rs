//! Milestone p1.7: speed by design. The searcher asks the matcher about a whole buffer, not
//! about each line, and a large file can be searched through memory-mapped windows instead of
//! being copied by `read`.
//!
//! No test here measures time (the bench script does, `cargo course bench p1`); they check the
//! design through the library's public API: how often the matcher is asked, and whether a
//! mapped search reads the file at all.

#![expect(
    unsafe_code,
    reason = "the mapped-search test turns mapping on for a private temporary file"
)]

use std::cell::Cell;
use std::fs::File;
use std::io::{self, Seek, SeekFrom, Write};

use minigrep::Matcher;
use minigrep::matcher::{MatchOptions, Syntax};
use minigrep::searcher::{LineMatcher, MmapPolicy, Mode, Role, SearchOptions, Searcher, Sink};

/// A matcher that counts how often the searcher asks it.
struct Counting<'m> {
    inner: &'m Matcher,
    calls: Cell<u64>,
}

impl LineMatcher for Counting<'_> {
    fn find_line(&self, haystack: &[u8], start: usize) -> Option<(usize, usize)> {
        self.calls.set(self.calls.get() + 1);
        self.inner.find_line(haystack, start)
    }
}

/// A sink that keeps `N:line` for selected lines and `N-line` for context, `--` between groups.
#[derive(Default)]
struct Transcript(Vec<u8>);

impl Sink for Transcript {
    fn line(&mut self, line: &[u8], role: Role, line_number: u64, _offset: u64) -> bool {
        let separator = if role == Role::Selected { ':' } else { '-' };
        self.0
            .extend_from_slice(format!("{line_number}{separator}").as_bytes());
        self.0.extend_from_slice(line);
        true
    }

    fn group_separator(&mut self) {
        self.0.extend_from_slice(b"--\n");
    }

    fn chunk_done(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn matcher(pattern: &str) -> Matcher {
    let options = MatchOptions {
        syntax: Syntax::Extended,
        ..MatchOptions::default()
    };
    Matcher::new(&[pattern.as_bytes().to_vec()], options).expect("the test pattern is valid")
}

/// About 4 MB of ordinary lines; the word `needle` is on `matches` of them, spread out.
fn haystack(lines: usize, matches: usize) -> Vec<u8> {
    let mut text = Vec::new();
    for n in 0..lines {
        let word = if n % (lines / matches) == lines / matches / 2 {
            "needle"
        } else {
            "hay"
        };
        text.extend_from_slice(
            format!("{n} {} {word} {}\n", "abc ".repeat(n % 9), n % 7).as_bytes(),
        );
    }
    text
}

#[test]
fn the_matcher_is_asked_once_per_match_or_buffer_not_once_per_line() {
    let lines = 150_000;
    let text = haystack(lines, 5);
    let regex = matcher(r"ne+dle [0-9]");
    for (options, selected) in [
        (SearchOptions::default(), 5),
        (
            SearchOptions {
                mode: Mode::Count,
                invert: true,
                ..SearchOptions::default()
            },
            lines as u64 - 5,
        ),
    ] {
        let counting = Counting {
            inner: &regex,
            calls: Cell::new(0),
        };
        let mut sink = Transcript::default();
        let summary = Searcher::new(&counting, options)
            .search(&mut &text[..], &mut sink)
            .expect("the transcript never fails");
        assert_eq!(
            summary.selected, selected,
            "wrong lines selected with {options:?}"
        );
        // One call finds the next match anywhere in a buffer: a few calls per match, plus one
        // per buffer that has no more. A call per line would be 150 000.
        let allowed = 2 * 5 + text.len() as u64 / (16 * 1024);
        let calls = counting.calls.get();
        assert!(
            calls <= allowed,
            "the matcher was asked {calls} times for {lines} lines with 5 matches ({options:?}); \
             search the whole buffer at once (at most {allowed} calls)"
        );
    }
}

/// Searches `file` through `search_file` with the given mmap window (0: never map); returns the
/// transcript and where the file's read position was left.
fn search_file(
    file: &mut File,
    pattern: &Matcher,
    window: usize,
    options: SearchOptions,
) -> (Vec<u8>, u64) {
    file.seek(SeekFrom::Start(0))
        .expect("rewinding the test file");
    // SAFETY: the file is a private temporary file of this test; nothing else truncates or
    // writes it while it is searched.
    let mmap = unsafe { MmapPolicy::windows(window, 1) };
    let options = SearchOptions { mmap, ..options };
    let mut sink = Transcript::default();
    let summary = Searcher::new(pattern, options)
        .search_file(file, &mut sink)
        .expect("the transcript never fails");
    assert!(summary.read_error.is_none(), "{:?}", summary.read_error);
    let position = file.stream_position().expect("asking the file position");
    (sink.0, position)
}

#[test]
fn a_mapped_search_reads_nothing_and_finds_the_same_lines() {
    let mut text = haystack(20_000, 40);
    // A last line without a newline, holding a match.
    text.extend_from_slice(b"the end needle 1");
    let mut file = tempfile::tempfile().expect("creating a temporary file");
    file.write_all(&text).expect("writing the temporary file");
    let pattern = matcher("needle [0-9]");
    for options in [
        SearchOptions {
            line_number: true,
            ..SearchOptions::default()
        },
        SearchOptions {
            line_number: true,
            before: Some(3),
            after: Some(2),
            ..SearchOptions::default()
        },
    ] {
        let (read, _) = search_file(&mut file, &pattern, 0, options);
        assert!(!read.is_empty(), "the read search finds the needles");
        // Windows smaller than a page, a page, and larger: lines straddle every boundary.
        for window in [100, 4096, 10_000, 1 << 20] {
            let (mapped, position) = search_file(&mut file, &pattern, window, options);
            assert_eq!(
                position, 0,
                "with a mapping policy, search_file must map the file rather than read it \
                 (window {window})"
            );
            assert!(
                mapped == read,
                "mapped windows of {window} bytes give different lines than reading ({options:?})"
            );
        }
    }
}

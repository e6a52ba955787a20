//! Milestone p1.1: search one file for a fixed string, print the matching lines, and end with
//! GNU grep's exit status (0 selected, 1 nothing selected, 2 trouble) and its error messages.

mod util;

use util::{expect_run, run_into_dev_full, tree};

const POEM: &[u8] = b"hello world\nfoo bar\n\nthe food\nlast foo";

#[test]
fn matching_lines_are_printed_and_the_status_is_0() {
    let dir = tree(&[("poem.txt", POEM)]);
    // The last line has no newline: it is still searched, and printed with one.
    expect_run(
        dir.path(),
        &["foo", "poem.txt"],
        b"",
        0,
        "foo bar\nthe food\nlast foo\n",
        "",
    );
    expect_run(
        dir.path(),
        &["o w", "poem.txt"],
        b"",
        0,
        "hello world\n",
        "",
    );
}

#[test]
fn no_matching_line_prints_nothing_and_the_status_is_1() {
    let dir = tree(&[("poem.txt", POEM)]);
    expect_run(dir.path(), &["bar foo", "poem.txt"], b"", 1, "", "");
}

#[test]
fn the_last_line_counts_even_without_a_newline() {
    let dir = tree(&[
        ("tail.txt", b"one\ntwo\nthree" as &[u8]),
        ("only.txt", b"three"),
    ]);
    expect_run(dir.path(), &["three", "tail.txt"], b"", 0, "three\n", "");
    expect_run(dir.path(), &["thr", "only.txt"], b"", 0, "three\n", "");
}

#[test]
fn the_empty_pattern_matches_every_line() {
    let dir = tree(&[("poem.txt", POEM)]);
    expect_run(
        dir.path(),
        &["", "poem.txt"],
        b"",
        0,
        "hello world\nfoo bar\n\nthe food\nlast foo\n",
        "",
    );
}

#[test]
fn a_missing_file_is_reported_and_the_status_is_2_even_after_a_match() {
    let dir = tree(&[("poem.txt", POEM)]);
    expect_run(
        dir.path(),
        &["foo", "missing.txt"],
        b"",
        2,
        "",
        "minigrep: missing.txt: No such file or directory\n",
    );
    // The search goes on after the missing file, and trouble wins over a match (-h: no names).
    expect_run(
        dir.path(),
        &["-h", "hello", "missing.txt", "poem.txt"],
        b"",
        2,
        "hello world\n",
        "minigrep: missing.txt: No such file or directory\n",
    );
}

#[test]
fn a_directory_operand_is_reported_and_the_status_is_2() {
    let dir = tree(&[("sub/inner.txt", b"foo\n" as &[u8])]);
    expect_run(
        dir.path(),
        &["foo", "sub"],
        b"",
        2,
        "",
        "minigrep: sub: Is a directory\n",
    );
}

#[test]
fn usage_errors_print_the_usage_lines_and_the_status_is_2() {
    let dir = tree(&[]);
    let usage = "Usage: minigrep [OPTION]... PATTERNS [FILE]...\nTry 'minigrep --help' for more information.\n";
    expect_run(dir.path(), &[], b"", 2, "", usage);
    expect_run(
        dir.path(),
        &["-k", "foo"],
        b"",
        2,
        "",
        &format!("minigrep: invalid option -- 'k'\n{usage}"),
    );
}

#[test]
fn a_failed_write_is_an_error_with_status_2() {
    let dir = tree(&[("poem.txt", POEM)]);
    let (status, stderr) = run_into_dev_full(&["foo", "poem.txt"], dir.path());
    assert_eq!(status, Some(2), "writing to /dev/full must fail the run");
    assert_eq!(stderr, "minigrep: write error: No space left on device\n");
}

#[test]
fn lines_that_straddle_read_chunks_are_found_whole() {
    // About 1 MB of lines of varied length, so line ends fall everywhere relative to the
    // searcher's reads; every 997th line holds the word.
    let mut text = String::new();
    let mut expected = String::new();
    for n in 0..20_000usize {
        let line = if n % 997 == 0 {
            format!("{n} {} needle {}\n", "x".repeat(n % 61), "y".repeat(n % 17))
        } else {
            format!("{n} {}\n", "z".repeat((n * 7) % 89))
        };
        if n % 997 == 0 {
            expected.push_str(&line);
        }
        text.push_str(&line);
    }
    let dir = tree(&[("big.txt", text.as_bytes())]);
    expect_run(dir.path(), &["needle", "big.txt"], b"", 0, expected, "");
}

//! Milestone p1.4: binary files (a NUL byte, or a line that is not UTF-8), `-a` and `-I`, and a
//! reader that closes the pipe.

mod util;

use util::{expect_run, run_into_closed_pipe, tree};

const NUL_FILE: &[u8] = b"text foo\n\0binary\0data foo\nmore bar\n";

#[test]
fn a_nul_byte_makes_the_file_binary() {
    let dir = tree(&[("nul.bin", NUL_FILE)]);
    // The NUL byte is in the first buffer: no line is printed, the match is reported instead.
    expect_run(
        dir.path(),
        &["foo", "nul.bin"],
        b"",
        0,
        "",
        "minigrep: nul.bin: binary file matches\n",
    );
    expect_run(dir.path(), &["zzz", "nul.bin"], b"", 1, "", "");
}

#[test]
fn a_nul_byte_far_into_a_large_file_still_makes_it_binary() {
    // 6 MB of text with a matching line every 100 lines, and one NUL byte near the end: the
    // lines before it may be printed (GNU grep prints those of the buffers it read before), but
    // from the NUL on nothing is, and the file is reported.
    let mut text = Vec::new();
    let mut matching = Vec::new();
    for n in 0..120_000usize {
        let line = if n % 100 == 0 {
            format!("line {n} foo\n")
        } else {
            format!("line {n} {}\n", "z".repeat(n % 60))
        };
        if n % 100 == 0 {
            matching.extend_from_slice(line.as_bytes());
        }
        if n == 119_950 {
            text.push(0);
        }
        text.extend_from_slice(line.as_bytes());
    }
    let dir = tree(&[("late.bin", &text[..])]);
    let outcome = util::minigrep(&["foo", "late.bin"], dir.path(), b"");
    assert_eq!(outcome.status, Some(0));
    assert_eq!(
        String::from_utf8_lossy(&outcome.stderr),
        "minigrep: late.bin: binary file matches\n"
    );
    assert!(
        matching.starts_with(&outcome.stdout) && outcome.stdout.len() < matching.len(),
        "only matching lines from before the NUL byte may be printed, and not all of them \
         (got {} of {} bytes)",
        outcome.stdout.len(),
        matching.len()
    );
}

#[test]
fn text_prints_binary_lines_and_without_match_skips_the_file() {
    let dir = tree(&[("nul.bin", NUL_FILE)]);
    expect_run(
        dir.path(),
        &["-a", "foo", "nul.bin"],
        b"",
        0,
        b"text foo\n\0binary\0data foo\n",
        "",
    );
    expect_run(dir.path(), &["-I", "foo", "nul.bin"], b"", 1, "", "");
    expect_run(
        dir.path(),
        &["--binary-files=without-match", "bar", "nul.bin"],
        b"",
        1,
        "",
        "",
    );
}

#[test]
fn a_line_that_is_not_utf8_is_not_printed() {
    let dir = tree(&[("latin1.txt", b"caf\xe9 foo\nplain foo\nend\n" as &[u8])]);
    expect_run(
        dir.path(),
        &["foo", "latin1.txt"],
        b"",
        0,
        "plain foo\n",
        "minigrep: latin1.txt: binary file matches\n",
    );
    expect_run(
        dir.path(),
        &["-a", "caf"],
        b"caf\xe9 foo\n",
        0,
        b"caf\xe9 foo\n",
        "",
    );
}

#[test]
fn a_closed_pipe_ends_the_run_quietly_with_status_0() {
    let (status, stderr) = run_into_closed_pipe();
    assert_eq!(stderr, "", "a closed pipe is not worth a message");
    assert_eq!(status, Some(0), "a closed pipe is a quiet, successful end");
}

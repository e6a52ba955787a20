//! End-to-end behaviour of the `minigrep` binary that the differential suite cannot compare
//! byte for byte: write errors, a closed pipe, help and version text, error messages that
//! name our program, unreadable files, and bounded memory on a large streamed input.

mod util;

use std::io::Write;
use std::process::{Command, Stdio};

use util::{Corpus, minigrep, minigrep_path, run_into_closed_pipe, run_into_dev_full};

#[test]
fn write_error_to_dev_full_is_reported_with_status_2() {
    let corpus = Corpus::new();
    let (status, stderr) = run_into_dev_full(&["foo", "ascii.txt"], corpus.path());
    assert_eq!(status, Some(2));
    assert_eq!(stderr, "minigrep: write error: No space left on device\n");
}

#[test]
fn closed_pipe_ends_quietly_with_status_0() {
    let (status, stderr) = run_into_closed_pipe();
    assert_eq!(stderr, "", "a closed pipe must not produce a message");
    assert_eq!(status, Some(0));
}

#[test]
fn help_and_version_go_to_stdout_with_status_0() {
    let corpus = Corpus::new();
    let help = minigrep(&["--help"], corpus.path(), b"");
    assert_eq!(help.status, Some(0));
    assert!(
        help.stdout
            .starts_with(b"Usage: minigrep [OPTION]... PATTERNS [FILE]...\n")
    );
    let version = minigrep(&["--version"], corpus.path(), b"");
    assert_eq!(version.status, Some(0));
    assert!(version.stdout.starts_with(b"minigrep "));
}

#[test]
fn bad_input_gives_gnu_style_messages_and_status_2() {
    let corpus = Corpus::new();
    let cases: &[(&[&str], &str)] = &[
        (
            &["-k", "foo"],
            "minigrep: invalid option -- 'k'\nUsage: minigrep [OPTION]... PATTERNS [FILE]...\n\
             Try 'minigrep --help' for more information.\n",
        ),
        (
            &["foo", "missing.txt"],
            "minigrep: missing.txt: No such file or directory\n",
        ),
        (&["foo", "dir"], "minigrep: dir: Is a directory\n"),
        (&["-E", "("], "minigrep: Unmatched ( or \\(\n"),
        (
            &["-E", "-F", "x"],
            "minigrep: conflicting matchers specified\n",
        ),
    ];
    for (args, expected) in cases {
        let outcome = minigrep(args, corpus.path(), b"");
        assert_eq!(outcome.status, Some(2), "status for {args:?}");
        assert_eq!(
            String::from_utf8_lossy(&outcome.stderr),
            *expected,
            "stderr for {args:?}"
        );
    }
}

#[test]
fn invalid_utf8_pattern_in_regex_mode_is_an_error_not_a_panic() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let output = Command::new(minigrep_path())
        .arg(OsStr::from_bytes(b"caf\xe9"))
        .stdin(Stdio::null())
        .output()
        .expect("running minigrep");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).starts_with("minigrep: pattern is not valid UTF-8")
    );
}

#[test]
fn unreadable_file_is_reported_and_search_goes_on() {
    use std::os::unix::fs::PermissionsExt;
    let corpus = Corpus::new();
    let locked = corpus.file("locked.txt");
    std::fs::write(&locked, b"foo\n").expect("writing a file");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000))
        .expect("changing permissions");
    if std::fs::read(&locked).is_ok() {
        eprintln!("SKIPPED: running with privileges that can read a mode-000 file (root?)");
        return;
    }
    let outcome = minigrep(&["foo", "locked.txt", "ascii.txt"], corpus.path(), b"");
    assert_eq!(outcome.status, Some(2));
    assert_eq!(
        String::from_utf8_lossy(&outcome.stderr),
        "minigrep: locked.txt: Permission denied\n"
    );
    assert!(outcome.stdout.starts_with(b"ascii.txt:foo bar baz\n"));
}

/// Reads the peak resident set size ("high water mark") of a running process, in KiB.
fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .expect("reading /proc/PID/status (Linux)");
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM line in /proc/PID/status")
}

#[test]
fn memory_stays_bounded_on_a_large_stream() {
    // 128 MiB through stdin, with a few matches and one 1 MiB line: the buffer must not grow
    // with the input. We read the high-water mark while minigrep waits for the end of input.
    let mut child = Command::new(minigrep_path())
        .args(["-c", "needle"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("running minigrep");
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let block = "an ordinary line of text without the word\n".repeat(25_000);
    let mut sent = 0usize;
    let mut expected = 0;
    while sent < 128 << 20 {
        stdin.write_all(block.as_bytes()).expect("feeding minigrep");
        sent += block.len();
        if sent % (16 << 20) < block.len() {
            stdin
                .write_all(b"a needle here\n")
                .expect("feeding minigrep");
            expected += 1;
        }
    }
    let long_line = vec![b'y'; 1 << 20];
    stdin.write_all(&long_line).expect("feeding minigrep");
    stdin.write_all(b"needle\n").expect("feeding minigrep");
    expected += 1;
    // Give minigrep a moment to consume what is in the pipe before sampling.
    std::thread::sleep(std::time::Duration::from_millis(300));
    let peak = peak_rss_kib(child.id());
    drop(stdin);
    let output = child.wait_with_output().expect("waiting for minigrep");
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        format!("{expected}\n")
    );
    assert!(
        peak < 32 * 1024,
        "peak RSS {peak} KiB after 128 MiB of input; the buffer should stay small"
    );
}

#[test]
fn dev_null_output_settles_each_file_at_first_match_like_gnu_grep() {
    let gnu_version = util::require_gnu_grep();
    // GNU grep checks whether its output is /dev/null: it then stops each file at the first
    // selected line and prints no `binary file matches`. Status and stderr must agree.
    let corpus = Corpus::new();
    let arg_lists: &[&[&str]] = &[
        &["foo", "nul.bin", "latin1.txt"],
        &["foo", "missing.txt", "ascii.txt"],
        &["-c", "foo", "ascii.txt", "missing.txt"],
        &["-L", "zzz", "ascii.txt"],
        &["-q", "foo", "missing.txt", "ascii.txt"],
        &["-m0", "-L", "foo", "ascii.txt"],
    ];
    let run_to_null = |program: &str, name: &str, args: &[&str]| {
        use std::os::unix::process::CommandExt;
        let dev_null = std::fs::File::create("/dev/null").expect("opening /dev/null");
        let output = Command::new(program)
            .arg0(name)
            .args(args)
            .current_dir(corpus.path())
            .env("LC_ALL", "C.UTF-8")
            .stdout(dev_null)
            .stderr(Stdio::piped())
            .output()
            .expect("running a grep");
        (output.status.code(), util::normalize_stderr(&output.stderr))
    };
    for args in arg_lists {
        let ours = run_to_null(minigrep_path(), "minigrep", args);
        let theirs = run_to_null(util::GNU_GREP, "grep", args);
        assert_eq!(
            ours, theirs,
            "args {args:?}, compared against {gnu_version}"
        );
    }
}

#[test]
fn input_that_is_the_output_file_is_refused() {
    let corpus = Corpus::new();
    let output_path = corpus.file("out.txt");
    std::fs::write(&output_path, b"foo one\nfoo two\n").expect("writing a file");
    let appending = std::fs::OpenOptions::new()
        .append(true)
        .open(&output_path)
        .expect("opening the output file");
    let output = Command::new(minigrep_path())
        .args(["foo", "out.txt", "ascii.txt"])
        .current_dir(corpus.path())
        .stdout(appending)
        .stderr(Stdio::piped())
        .output()
        .expect("running minigrep");
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "minigrep: out.txt: input file is also the output\n"
    );
    let written = std::fs::read_to_string(&output_path).expect("reading the output file");
    assert!(
        written.starts_with("foo one\nfoo two\nascii.txt:foo bar baz\n"),
        "{written}"
    );
}

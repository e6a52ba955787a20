//! Shared helpers for the integration tests: running `minigrep` and GNU grep, and building the
//! test corpus in a temporary directory.

#![allow(
    dead_code,
    reason = "each test file uses a different subset of these helpers"
)]

use std::io::Write;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Where the reference implementation lives on Debian.
pub const GNU_GREP: &str = "/usr/bin/grep";

/// What a finished process left behind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The exit status, or `None` if a signal killed the process.
    pub status: Option<i32>,
    /// Everything written to standard output.
    pub stdout: Vec<u8>,
    /// Everything written to standard error.
    pub stderr: Vec<u8>,
}

/// Returns the path of our binary, built by Cargo for the integration tests.
pub fn minigrep_path() -> &'static str {
    env!("CARGO_BIN_EXE_minigrep")
}

/// The major version of GNU grep the differential tests were written against.
pub const GNU_GREP_MAJOR: &str = "3";

/// Returns the first line of `/usr/bin/grep --version` (for example `grep (GNU grep) 3.8`),
/// and fails the calling test when it is not GNU grep 3.x: a differential test that compares
/// against nothing, or against another grep, proves nothing, so it must not pass.
pub fn require_gnu_grep() -> String {
    let output = Command::new(GNU_GREP).arg("--version").output();
    let first_line = output
        .as_ref()
        .map(|output| {
            String::from_utf8_lossy(&output.stdout)
                .lines()
                .next()
                .unwrap_or("")
                .to_owned()
        })
        .unwrap_or_default();
    let version = first_line.strip_prefix("grep (GNU grep) ").unwrap_or("");
    assert!(
        version.split('.').next() == Some(GNU_GREP_MAJOR),
        "the differential tests need GNU grep {GNU_GREP_MAJOR}.x at {GNU_GREP} \
         (Debian/Ubuntu: apt-get install grep); found {:?}",
        if first_line.is_empty() {
            output
                .err()
                .map_or("no version line".to_owned(), |error| error.to_string())
        } else {
            first_line.clone()
        }
    );
    first_line
}

/// Runs `program` with `args` in `dir`, feeding `stdin`, in the C.UTF-8 locale and with no
/// color settings from the environment.
pub fn run(program: &str, args: &[&str], dir: &Path, stdin: &[u8]) -> Outcome {
    run_with_env(program, args, dir, stdin, &[])
}

/// [`run`] with extra environment variables.
pub fn run_with_env(
    program: &str,
    args: &[&str],
    dir: &Path,
    stdin: &[u8],
    env: &[(&str, &str)],
) -> Outcome {
    // GNU grep names itself after argv[0]; calling it plain `grep` keeps its messages in the
    // same form as ours after `normalize_stderr`.
    let name = if program == GNU_GREP {
        "grep"
    } else {
        "minigrep"
    };
    let mut child = Command::new(program)
        .arg0(name)
        .args(args)
        .current_dir(dir)
        .env("LC_ALL", "C.UTF-8")
        .env_remove("GREP_COLORS")
        .env_remove("GREP_COLOR")
        .env_remove("POSIXLY_CORRECT")
        .env_remove("MINIGREP_MMAP_WINDOW")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|error| panic!("cannot start {program}: {error}"));
    let mut child_stdin = child.stdin.take().expect("stdin was requested as a pipe");
    let input = stdin.to_vec();
    // Write from a thread so a large input cannot deadlock against a full stdout pipe.
    let writer = std::thread::spawn(move || {
        // The program may exit without reading everything (`-q`); that is not a test failure.
        let _ = child_stdin.write_all(&input);
    });
    let output = child.wait_with_output().expect("waiting for the child");
    writer.join().expect("stdin writer thread panicked");
    Outcome {
        status: output.status.code(),
        stdout: output.stdout,
        stderr: output.stderr,
    }
}

/// Runs `minigrep`.
pub fn minigrep(args: &[&str], dir: &Path, stdin: &[u8]) -> Outcome {
    run(minigrep_path(), args, dir, stdin)
}

/// `args` with `-E` put in front, unless the case chooses its syntax itself with `-F` or `-G`
/// (GNU grep 3.8 refuses to combine two of them): most cases are written in ERE.
pub fn with_syntax<'a>(args: &[&'a str]) -> Vec<&'a str> {
    let chooses = args.contains(&"-F") || args.contains(&"-G");
    // A case with only standard input and a lone pattern checks the default syntax.
    let mut with_extended = if chooses || args.len() == 2 && args[0] == "-e" {
        vec![]
    } else {
        vec!["-E"]
    };
    with_extended.extend_from_slice(args);
    with_extended
}

/// Runs GNU grep with [`with_syntax`]`(args)`.
pub fn gnu(args: &[&str], dir: &Path, stdin: &[u8]) -> Outcome {
    run(GNU_GREP, &with_syntax(args), dir, stdin)
}

/// Makes our standard error comparable with GNU grep's: the program name differs.
pub fn normalize_stderr(stderr: &[u8]) -> Vec<u8> {
    String::from_utf8_lossy(stderr)
        .replace("minigrep", "grep")
        .into_bytes()
}

/// A short, readable rendering of bytes for failure messages.
pub fn show(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    if text.chars().count() > 600 {
        let start: String = text.chars().take(600).collect();
        format!("{start}… ({} bytes)", bytes.len())
    } else {
        text.into_owned()
    }
}

/// The generated corpus: every awkward kind of input the issue lists.
pub struct Corpus {
    dir: tempfile::TempDir,
}

/// Text files of the corpus that read cleanly (no missing file, no directory).
pub const TEXT_FILES: &[&str] = &[
    "ascii.txt",
    "utf8.txt",
    "crlf.txt",
    "no-newline.txt",
    "empty.txt",
    "nul.bin",
    "latin1.txt",
];

impl Corpus {
    /// Writes the corpus into a fresh temporary directory.
    pub fn new() -> Corpus {
        let dir = tempfile::tempdir().expect("creating a temporary directory");
        let root = dir.path();
        let write = |name: &str, contents: &[u8]| {
            std::fs::write(root.join(name), contents).expect("writing a corpus file");
        };
        write(
            "ascii.txt",
            b"hello world\nHello World\nfoo bar baz\nfoobar\nbar-foo\n  indented foo\n\n\
              the quick brown fox jumps over the lazy dog\nerror: something failed\n\
              warning: be careful\nx=1; y=2;\ntabs\there\nfoo\nFOO\n123 456\nend\n",
        );
        write(
            "utf8.txt",
            "café au lait\nCAFÉ\nnaïve résumé\n日本語のテキスト\nStraße foo\n\
             ΑΒΓ αβγ\nemoji 😀 here\nplain ascii bar\n"
                .as_bytes(),
        );
        write("crlf.txt", b"line one\r\nfoo\r\nbar baz\r\n\r\nend\r\n");
        write(
            "no-newline.txt",
            b"first foo\nlast line without newline bar",
        );
        write("empty.txt", b"");
        write("nul.bin", b"text foo\n\0binary\0data foo\nmore bar\n");
        write("latin1.txt", b"caf\xe9 foo\nplain foo\nna\xefve bar\nend\n");
        let mut long_line = vec![b'x'; 1 << 20];
        long_line[512 * 1024..512 * 1024 + 6].copy_from_slice(b"needle");
        long_line.extend_from_slice(b"\nshort foo line\n");
        write("long-line.txt", &long_line);
        std::fs::create_dir_all(root.join("dir/sub")).expect("creating corpus directories");
        write("dir/inner.txt", b"inner foo\nnothing\n");
        write("dir/sub/deep.txt", b"deep bar\nfoo deep\n");
        // `grep -r` skips symbolic links met inside a tree, but follows one named on the
        // command line.
        std::os::unix::fs::symlink("../ascii.txt", root.join("dir/link.txt"))
            .expect("creating a symbolic link");
        Corpus { dir }
    }

    /// The directory holding the corpus; tests run with it as the working directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The full path of one corpus file.
    pub fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

impl Default for Corpus {
    fn default() -> Self {
        Corpus::new()
    }
}

/// One differential case: arguments (after `-E`, see [`with_syntax`]) and standard input.
pub struct Case<'a> {
    /// Arguments for both programs.
    pub args: Vec<&'a str>,
    /// Bytes fed to standard input.
    pub stdin: &'a [u8],
    /// Whether standard error must match (modulo the program name) too.
    pub compare_stderr: bool,
}

/// Runs every case against both programs and returns a description of each difference.
pub fn differences(corpus: &Corpus, cases: &[Case<'_>]) -> Vec<String> {
    differences_with_env(corpus, cases, &[])
}

/// [`differences`] with extra environment variables for `minigrep` (for example a tiny
/// `MINIGREP_MMAP_WINDOW`, which sends every regular file through the memory-mapped path).
pub fn differences_with_env(
    corpus: &Corpus,
    cases: &[Case<'_>],
    env: &[(&str, &str)],
) -> Vec<String> {
    let mut found = Vec::new();
    for case in cases {
        let args = with_syntax(&case.args);
        let ours = run_with_env(minigrep_path(), &args, corpus.path(), case.stdin, env);
        let theirs = gnu(&case.args, corpus.path(), case.stdin);
        let mut problems = Vec::new();
        if ours.status != theirs.status {
            problems.push(format!(
                "status: minigrep {:?}, GNU grep {:?}",
                ours.status, theirs.status
            ));
        }
        if ours.stdout != theirs.stdout {
            problems.push(format!(
                "stdout:\n  minigrep: {:?}\n  GNU grep: {:?}",
                show(&ours.stdout),
                show(&theirs.stdout)
            ));
        }
        if case.compare_stderr && normalize_stderr(&ours.stderr) != theirs.stderr {
            problems.push(format!(
                "stderr:\n  minigrep: {:?}\n  GNU grep: {:?}",
                show(&ours.stderr),
                show(&theirs.stderr)
            ));
        }
        if !problems.is_empty() {
            found.push(format!("args {:?}: {}", case.args, problems.join("; ")));
        }
    }
    found
}

/// Fails the test with a readable list if there are differences; `gnu_version` (from
/// [`require_gnu_grep`]) names what was compared against.
pub fn assert_no_differences(gnu_version: &str, what: &str, total: usize, differences: &[String]) {
    if !differences.is_empty() {
        let shown: Vec<&String> = differences.iter().take(15).collect();
        panic!(
            "{what}: {} of {total} cases differ from {gnu_version}; first ones:\n{}",
            differences.len(),
            shown
                .iter()
                .map(|line| line.as_str())
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
    eprintln!("{what}: {total} cases, 0 differences from {gnu_version}");
}

/// Writes `files` (paths relative to the directory, parents created) into a fresh temporary
/// directory, for the milestone tests.
pub fn tree(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("creating a temporary directory");
    for (name, contents) in files {
        let path = dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("creating a directory of the tree");
        }
        std::fs::write(&path, contents).expect("writing a file of the tree");
    }
    dir
}

/// Runs `minigrep ARGS` in `dir` with `stdin` and asserts its exit status, standard output and
/// standard error; the failure message shows the command and everything that differs.
pub fn expect_run(
    dir: &Path,
    args: &[&str],
    stdin: &[u8],
    status: i32,
    stdout: impl AsRef<[u8]>,
    stderr: &str,
) {
    let outcome = minigrep(args, dir, stdin);
    let expected = Outcome {
        status: Some(status),
        stdout: stdout.as_ref().to_vec(),
        stderr: stderr.as_bytes().to_vec(),
    };
    assert!(
        outcome == expected,
        "minigrep {args:?}\n  status: got {:?}, want {:?}\n  stdout: got {:?}\n          want {:?}\n  stderr: got {:?}\n          want {:?}",
        outcome.status,
        expected.status,
        show(&outcome.stdout),
        show(&expected.stdout),
        show(&outcome.stderr),
        show(&expected.stderr),
    );
}

/// Runs `minigrep ARGS` in `dir` with standard output on `/dev/full`; returns (status, stderr).
pub fn run_into_dev_full(args: &[&str], dir: &Path) -> (Option<i32>, String) {
    let dev_full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full exists on Linux");
    let output = Command::new(minigrep_path())
        .args(args)
        .current_dir(dir)
        .stdout(dev_full)
        .output()
        .expect("running minigrep");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Runs `minigrep line` on 13 MB of matching lines from standard input and closes its output
/// after the first line, as `| head -1` does; returns (status, stderr).
pub fn run_into_closed_pipe() -> (Option<i32>, String) {
    use std::io::{BufRead, BufReader, Read};
    let mut child = Command::new(minigrep_path())
        .arg("line")
        .env("LC_ALL", "C.UTF-8")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("running minigrep");
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let writer = std::thread::spawn(move || {
        let chunk = "line of text\n".repeat(10_000);
        // 13 MB of matching lines: far more than any pipe buffer holds.
        for _ in 0..100 {
            if stdin.write_all(chunk.as_bytes()).is_err() {
                break;
            }
        }
    });
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
    let mut first = String::new();
    stdout
        .read_line(&mut first)
        .expect("reading the first line");
    assert_eq!(first, "line of text\n");
    // Like `| head -1`: the reader goes away.
    drop(stdout);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("stderr is piped")
        .read_to_string(&mut stderr)
        .expect("reading stderr");
    let status = child.wait().expect("waiting for minigrep");
    writer.join().expect("writer thread");
    (status.code(), stderr)
}

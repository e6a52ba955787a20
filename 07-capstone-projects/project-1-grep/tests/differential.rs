//! Differential tests: `minigrep` and GNU grep (`/usr/bin/grep -E`) run side by side over a
//! generated corpus and a matrix of patterns × flag combinations; standard output and the exit
//! status must be byte-for-byte equal, and so must standard error once the program name is
//! normalised.
//!
//! The corpus (see `util::Corpus`) holds ASCII, UTF-8, CRLF, a file without a final newline, an
//! empty file, NUL bytes, invalid UTF-8, a 1 MiB line, a missing file and a directory.
//! Every test fails when `/usr/bin/grep` is not GNU grep 3.x, and says which version it compared
//! against (on standard error when it passes, in the panic message when it does not).

mod util;

use util::{Case, Corpus, TEXT_FILES, assert_no_differences, differences, differences_with_env};

/// `-E` patterns: literals, classes, alternation, anchors, repetition, Unicode, empty.
const PATTERNS: &[&str] = &[
    "foo",
    "o",
    "^foo",
    "bar$",
    "fo+",
    "b[aeiou]r",
    "(foo|bar)",
    "^$",
    "",
    "[[:digit:]]+",
    "[[:upper:]]",
    r"\bfoo\b",
    "x.*y",
    "caf",
    "é",
    "ΑΒΓ",
    "^.{3}$",
    "[^a-z ]",
    "o{2}",
    "the|fox",
    "zzz",
    "hello world",
    r"\w+",
    r"\s",
    "end",
    "-foo",
    "a|",
    "straße",
    // Required literals inside the pattern: the inner-literal prefilter.
    "[a-z]+ (foo|bar|end)",
];

/// Flag combinations applied to every pattern.
const FLAG_SETS: &[&[&str]] = &[
    &[],
    &["-i"],
    &["-v"],
    &["-c"],
    &["-n"],
    &["-l"],
    &["-L"],
    &["-q"],
    &["-H"],
    &["-h"],
    &["-w"],
    &["-x"],
    &["-o"],
    &["-m1"],
    &["-m2", "-n"],
    &["-A1"],
    &["-B1"],
    &["-C1", "-n"],
    &["-c", "-v"],
    &["-i", "-w"],
    &["-o", "-i"],
    &["-n", "-v"],
    &["--color=always"],
    &["--color=always", "-n", "-i"],
    &["-o", "-n"],
    &["-x", "-i"],
    &["-l", "-v"],
    &["-v", "-A1"],
    &["-m1", "-c"],
    &["-h", "-n", "-C2"],
    &["-w", "-o"],
    &["-v", "-o"],
    &["--color=always", "-v", "-C1"],
    &["-A0"],
    &["-w", "-x", "--color=always"],
    &["-o", "-w", "-x"],
];

/// Runs each argument list (with `stdin foo` on standard input) in both programs over a fresh
/// corpus and fails on any difference; `compare_stderr` says whether messages must match too.
fn check_arg_lists(gnu_version: &str, what: &str, arg_lists: &[&[&str]], compare_stderr: bool) {
    let corpus = Corpus::new();
    let cases: Vec<Case<'_>> = arg_lists
        .iter()
        .map(|args| Case {
            args: args.to_vec(),
            stdin: b"stdin foo\n",
            compare_stderr,
        })
        .collect();
    let found = differences(&corpus, &cases);
    assert_no_differences(gnu_version, what, cases.len(), &found);
}

/// Builds the cases for `patterns` × `flag_sets` over `files` (and standard input when `files`
/// is empty).
fn matrix<'a>(
    patterns: &[&'a str],
    flag_sets: &[&[&'a str]],
    files: &[&'a str],
    stdin: &'a [u8],
) -> Vec<Case<'a>> {
    let mut cases = Vec::new();
    for pattern in patterns {
        for flags in flag_sets {
            let mut args: Vec<&str> = flags.to_vec();
            args.push("-e");
            args.push(pattern);
            args.extend_from_slice(files);
            cases.push(Case {
                args,
                stdin,
                compare_stderr: true,
            });
        }
    }
    cases
}

#[test]
fn differential_patterns_by_flags_match_gnu_over_all_text_files() {
    let gnu_version = util::require_gnu_grep();
    let corpus = Corpus::new();
    let cases = matrix(PATTERNS, FLAG_SETS, TEXT_FILES, b"");
    let found = differences(&corpus, &cases);
    assert_no_differences(
        &gnu_version,
        "patterns × flags over many files",
        cases.len(),
        &found,
    );
}

/// Sends every non-empty regular file through the memory-mapped path, with windows of one
/// page: the whole pattern × flag matrix, the 1 MiB line (256 windows, so the window must grow),
/// and a generated file of about 53 KiB whose lines straddle many window boundaries.
#[test]
fn differential_memory_mapped_windows_match_gnu() {
    let gnu_version = util::require_gnu_grep();
    let corpus = Corpus::new();
    let mut many_lines = String::new();
    for n in 0..1500u32 {
        let word = ["foo", "bar", "the fox", "", "end", "FOO bar"][(n % 6) as usize];
        let pad = "x".repeat((n as usize * 7) % 53);
        many_lines.push_str(&format!("{n} {pad} {word}\n"));
    }
    many_lines.push_str("last line foo without newline");
    std::fs::write(corpus.file("many-lines.txt"), &many_lines).expect("writing the corpus");
    let env = [("MINIGREP_MMAP_WINDOW", "4096")];
    let mut cases = matrix(PATTERNS, FLAG_SETS, TEXT_FILES, b"");
    cases.extend(matrix(
        &["needle", "foo", "^x+needle"],
        &[&[], &["-c"], &["-n"], &["-o"], &["-C1"]],
        &["long-line.txt", "ascii.txt"],
        b"",
    ));
    cases.extend(matrix(
        &["foo", "^1[0-9]*5 ", "end$", "^[0-9]+ $", "zzz", ""],
        &[
            &[],
            &["-n"],
            &["-c"],
            &["-v", "-n"],
            &["-C2", "-n"],
            &["-B3"],
            &["-A2", "-m5"],
            &["-m7", "-c"],
            &["-o", "-n"],
            &["-x", "-v", "-c"],
        ],
        &["many-lines.txt"],
        b"",
    ));
    let found = differences_with_env(&corpus, &cases, &env);
    assert_no_differences(
        &gnu_version,
        "memory-mapped, 4 KiB windows",
        cases.len(),
        &found,
    );
}

#[test]
fn differential_single_file_and_stdin_match_gnu() {
    let gnu_version = util::require_gnu_grep();
    let corpus = Corpus::new();
    let ascii = std::fs::read(corpus.file("ascii.txt")).expect("reading the corpus");
    let patterns = &["foo", "o", "^$", "(foo|bar)", "[[:upper:]]", "zzz", ""];
    let mut cases = matrix(patterns, FLAG_SETS, &["ascii.txt"], b"");
    cases.extend(matrix(patterns, FLAG_SETS, &[], &ascii));
    cases.extend(matrix(
        patterns,
        &[&[], &["-H"], &["-c"]],
        &["-", "utf8.txt"],
        &ascii,
    ));
    let found = differences(&corpus, &cases);
    assert_no_differences(&gnu_version, "single file and stdin", cases.len(), &found);
}

#[test]
fn differential_fixed_strings_match_gnu() {
    let gnu_version = util::require_gnu_grep();
    let corpus = Corpus::new();
    let patterns = &["a.b", "foo", "x=1;", "(foo", "[", "é", "FOO", ""];
    let flag_sets: &[&[&str]] = &[
        &["-F"],
        &["-F", "-i"],
        &["-F", "-w"],
        &["-F", "-x"],
        &["-F", "-o"],
        &["-F", "-c", "-v"],
        &["-F", "-n", "--color=always"],
    ];
    let cases = matrix(patterns, flag_sets, TEXT_FILES, b"");
    let found = differences(&corpus, &cases);
    assert_no_differences(&gnu_version, "fixed strings", cases.len(), &found);
}

#[test]
fn differential_long_line_and_context_across_files_match_gnu() {
    let gnu_version = util::require_gnu_grep();
    let corpus = Corpus::new();
    let patterns = &["needle", "foo", "^x+needle", "zzz"];
    let flag_sets: &[&[&str]] = &[&[], &["-c"], &["-n"], &["-v", "-c"], &["-o"], &["-C1"]];
    let mut cases = matrix(
        patterns,
        flag_sets,
        &["long-line.txt", "ascii.txt", "crlf.txt"],
        b"",
    );
    // A second pattern list, and multiple -e options.
    cases.extend(matrix(
        &["foo"],
        &[
            &["-e", "bar", "-n"],
            &["-e", "end", "-c"],
            &["-e", "hello", "-o"],
        ],
        &["ascii.txt", "no-newline.txt"],
        b"",
    ));
    let found = differences(&corpus, &cases);
    assert_no_differences(
        &gnu_version,
        "long line and multi-pattern",
        cases.len(),
        &found,
    );
}

#[test]
fn differential_errors_directories_and_recursion_match_gnu() {
    let gnu_version = util::require_gnu_grep();
    let arg_lists: &[&[&str]] = &[
        &["foo", "missing.txt", "ascii.txt"],
        &["-s", "foo", "missing.txt", "ascii.txt"],
        &["foo", "dir"],
        &["-c", "foo", "dir", "ascii.txt"],
        &["-L", "foo", "dir", "ascii.txt"],
        &["-l", "foo", "dir", "missing.txt", "ascii.txt"],
        &["-q", "foo", "missing.txt", "ascii.txt"],
        &["-q", "zzz", "missing.txt", "ascii.txt"],
        &["-s", "-q", "zzz", "missing.txt"],
        &["zzz", "missing.txt"],
        // Readable by nobody, not even root: reading it at offset 0 fails with EIO.
        &["foo", "/proc/self/mem", "ascii.txt"],
        &["-c", "foo", "/proc/self/mem"],
        &["-r", "foo", "dir"],
        &["-r", "foo", "dir/"],
        &["-r", "-n", "foo"],
        &["-r", "-c", "bar", "dir", "ascii.txt"],
        &["-r", "-l", "foo", "."],
        &["-r", "-h", "foo", "dir"],
        &["-r", "foo", "ascii.txt"],
        &["-r", "foo", "missing.txt"],
        &["-r", "-c", "foo", "dir/link.txt"],
        &["foo", "nul.bin", "latin1.txt"],
        &["-n", "foo", "latin1.txt"],
        &["-o", "foo", "latin1.txt"],
        &["-A1", "plain", "latin1.txt"],
        // -w next to a byte that is not UTF-8: GNU grep counts the byte as a non-word character.
        &["-c", "-w", "caf", "latin1.txt"],
        &["-o", "-w", "-e", "caf", "-e", "na", "latin1.txt"],
        &["-v", "text", "nul.bin"],
        &["-c", "foo", "nul.bin"],
        &["-m0", "foo", "ascii.txt"],
        &["-m0", "-L", "foo", "ascii.txt"],
        &["-m", "-1", "foo", "ascii.txt"],
        &["-f", "empty.txt", "ascii.txt"],
        &["-v", "-f", "empty.txt", "ascii.txt"],
        &["-v", "-c", "-e", "", "-e", "", "ascii.txt"],
        &[
            "-o",
            "-e",
            "int",
            "-e",
            "integer",
            "-e",
            "foo|foobar",
            "ascii.txt",
        ],
        &["-f", "missing.txt", "ascii.txt"],
        &["-f", "crlf.txt", "ascii.txt"],
        &["-e", "foo", "-f", "empty.txt", "ascii.txt"],
        &["-k", "foo"],
        &[],
        &["-e"],
        &["--regexp"],
        &["--bogus", "foo"],
        &["--count=3", "foo"],
        &["-A", "x", "foo"],
        &["-C", "-1", "foo"],
        &["-m", "x", "foo"],
        &["-5", "-n", "end", "ascii.txt"],
        &["--line-n", "foo", "ascii.txt"],
        &["--context", "1", "baz", "ascii.txt"],
        &["-nH", "-efoo", "ascii.txt"],
        &["foo", "ascii.txt", "-n"],
        &["--", "-foo", "ascii.txt"],
        &["-y", "hello", "ascii.txt"],
        &["-i", "--no-ignore-case", "hello", "ascii.txt"],
    ];
    check_arg_lists(&gnu_version, "errors and recursion", arg_lists, true);
}

#[test]
fn differential_invalid_patterns_exit_2() {
    let gnu_version = util::require_gnu_grep();
    // Our messages come from the regex crate, so only the status and stdout are compared here.
    let arg_lists: &[&[&str]] = &[
        &["(", "ascii.txt"],
        &["[a", "ascii.txt"],
        &["a)(", "ascii.txt"],
    ];
    check_arg_lists(&gnu_version, "invalid patterns", arg_lists, false);
}

/// Basic syntax (`-G`, GNU grep's default): backslashed operators, the characters that are
/// ordinary in BRE, position-dependent `*`, `^` and `$`, intervals, and back-references (which
/// go to the backtracking engine).
const BASIC_PATTERNS: &[&str] = &[
    r"\(fo\)\1",
    r"\(o\)\1",
    r"\([a-z]\)\1",
    r"\(.\)\1",
    r"fo\+",
    r"o\{2\}",
    r"x\{,2\}",
    "a|b",
    "(foo)",
    "*foo",
    r"foo\|bar",
    "^foo$",
    "b[a-z]r",
    "a+",
    "o?",
    r"[\w]",
    "a^b$c",
    r"\(^foo\|bar$\)",
    r"\<the\>",
    "{1}",
];

#[test]
fn differential_basic_syntax_and_backreferences_match_gnu() {
    let gnu_version = util::require_gnu_grep();
    let corpus = Corpus::new();
    let flag_sets: &[&[&str]] = &[
        &["-G"],
        &["-G", "-i"],
        &["-G", "-v", "-c"],
        &["-G", "-n"],
        &["-G", "-w"],
        &["-G", "-x"],
        &["-G", "-o"],
        &["-G", "--color=always"],
        &["-G", "-o", "-i"],
        &["-G", "-l"],
    ];
    let mut cases = matrix(BASIC_PATTERNS, flag_sets, TEXT_FILES, b"");
    // No syntax option at all: BRE is the default.
    cases.extend(matrix(
        &[r"\(o\)\1", "a|b", r"fo\+"],
        &[&[]],
        &[],
        b"foo\na|b\n",
    ));
    let found = differences(&corpus, &cases);
    assert_no_differences(&gnu_version, "basic syntax", cases.len(), &found);
}

#[test]
fn differential_output_and_file_selection_options_match_gnu() {
    let gnu_version = util::require_gnu_grep();
    let arg_lists: &[&[&str]] = &[
        &["-a", "foo", "nul.bin", "latin1.txt"],
        &["-a", "-c", "foo", "nul.bin"],
        &["--binary-files=text", "-n", "data", "nul.bin"],
        &["-I", "foo", "nul.bin", "ascii.txt"],
        &["-I", "-c", "foo", "nul.bin", "ascii.txt"],
        &[
            "--binary-files=without-match",
            "-l",
            "foo",
            "nul.bin",
            "ascii.txt",
        ],
        &["-b", "foo", "ascii.txt", "crlf.txt"],
        &["-b", "-o", "o", "ascii.txt"],
        &["-b", "-n", "-C1", "bar", "ascii.txt"],
        &["-Z", "foo", "ascii.txt", "crlf.txt"],
        &["-Z", "-l", "foo", "ascii.txt", "crlf.txt"],
        &["-Z", "-c", "foo", "ascii.txt", "crlf.txt"],
        &["--label=IN", "-H", "foo", "-"],
        &["--label=IN", "-c", "foo", "-", "ascii.txt"],
        &["--line-buffered", "-n", "foo", "ascii.txt"],
        &["-U", "foo", "crlf.txt"],
        &["-C1", "--group-separator=::", "foo", "ascii.txt"],
        &["-A0", "--no-group-separator", "foo", "ascii.txt"],
        &["-r", "--include=*.txt", "foo", "dir"],
        &["-r", "--exclude=inner*", "foo", "dir"],
        &["-r", "--exclude-dir=sub", "foo", "dir"],
        &["-r", "--exclude-dir=sub", "--include=deep*", "foo", "dir"],
        &[
            "-r",
            "--exclude=x",
            "--include=d*",
            "--exclude=d*",
            "foo",
            "dir",
        ],
        &["-r", "--include=inner*", "--exclude=*.txt", "foo", "dir"],
        &["-r", "--exclude-dir=sub/", "foo", "dir"],
        &["--exclude=*.txt", "foo", "ascii.txt", "nul.bin"],
        &["--include=*.bin", "foo", "ascii.txt", "nul.bin"],
        &["-d", "skip", "foo", "dir", "ascii.txt"],
        &["--directories=recurse", "-c", "foo", "dir"],
        &["-d", "read", "foo", "dir"],
        &["-D", "skip", "foo", "-"],
        &["-R", "-c", "foo", "dir"],
        &["--binary-files=bogus", "foo", "ascii.txt"],
        &["-T", "foo", "ascii.txt", "crlf.txt"],
        &["-Tn", "-b", "foo", "ascii.txt"],
        &["-T", "-n", "-o", "o", "ascii.txt"],
        &["-Tn", "foo", "-"],
        &["-T", "^", "empty.txt", "no-newline.txt"],
    ];
    check_arg_lists(&gnu_version, "output and file options", arg_lists, true);
}

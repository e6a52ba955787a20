//! Milestone p1.2: several files, standard input, `-v`, and the prefixes GNU grep puts before a
//! line (`file:`, `N:` with `-n`, `B:` with `-b`, `-H`/`-h`, `-Z`, `-T`).

mod util;

use util::{expect_run, tree};

const A: &[u8] = b"alpha\nfoo one\nbeta\nfoo two\n";
const B: &[u8] = b"foo three\n";

#[test]
fn several_files_prefix_each_line_with_its_file_name() {
    let dir = tree(&[("a.txt", A), ("b.txt", B)]);
    expect_run(
        dir.path(),
        &["foo", "a.txt", "b.txt"],
        b"",
        0,
        "a.txt:foo one\na.txt:foo two\nb.txt:foo three\n",
        "",
    );
}

#[test]
fn with_filename_and_no_filename_force_the_choice() {
    let dir = tree(&[("a.txt", A), ("b.txt", B)]);
    expect_run(
        dir.path(),
        &["-H", "three", "b.txt"],
        b"",
        0,
        "b.txt:foo three\n",
        "",
    );
    expect_run(
        dir.path(),
        &["-h", "foo", "a.txt", "b.txt"],
        b"",
        0,
        "foo one\nfoo two\nfoo three\n",
        "",
    );
    expect_run(
        dir.path(),
        &["-HZ", "three", "b.txt"],
        b"",
        0,
        b"b.txt\0foo three\n",
        "",
    );
}

#[test]
fn line_numbers_and_byte_offsets_follow_the_file_name() {
    let dir = tree(&[("a.txt", A), ("b.txt", B)]);
    expect_run(
        dir.path(),
        &["-n", "foo", "a.txt"],
        b"",
        0,
        "2:foo one\n4:foo two\n",
        "",
    );
    expect_run(
        dir.path(),
        &["-b", "foo", "a.txt"],
        b"",
        0,
        "6:foo one\n19:foo two\n",
        "",
    );
    expect_run(
        dir.path(),
        &["-nb", "foo", "a.txt", "b.txt"],
        b"",
        0,
        "a.txt:2:6:foo one\na.txt:4:19:foo two\nb.txt:1:0:foo three\n",
        "",
    );
    expect_run(
        dir.path(),
        &["-T", "-n", "foo", "a.txt"],
        b"",
        0,
        " 2:\tfoo one\n 4:\tfoo two\n",
        "",
    );
}

#[test]
fn standard_input_is_searched_without_operands_or_for_a_dash() {
    let dir = tree(&[("a.txt", A)]);
    expect_run(dir.path(), &["foo"], b"x foo\ny\n", 0, "x foo\n", "");
    expect_run(
        dir.path(),
        &["-H", "foo"],
        b"x foo\ny\n",
        0,
        "(standard input):x foo\n",
        "",
    );
    expect_run(
        dir.path(),
        &["--label=in", "-n", "foo", "-", "a.txt"],
        b"x foo\ny\n",
        0,
        "in:1:x foo\na.txt:2:foo one\na.txt:4:foo two\n",
        "",
    );
    expect_run(dir.path(), &["zzz", "-"], b"x foo\n", 1, "", "");
}

#[test]
fn invert_selects_the_lines_that_do_not_match() {
    let dir = tree(&[("a.txt", A)]);
    expect_run(
        dir.path(),
        &["-v", "foo", "a.txt"],
        b"",
        0,
        "alpha\nbeta\n",
        "",
    );
    expect_run(
        dir.path(),
        &["-vn", "a", "a.txt"],
        b"",
        0,
        "2:foo one\n4:foo two\n",
        "",
    );
    expect_run(dir.path(), &["-v", ""], b"one\ntwo\n", 1, "", "");
    // No patterns at all (an empty pattern file) select nothing; inverted, everything.
    expect_run(dir.path(), &["-f", "/dev/null", "a.txt"], b"", 1, "", "");
    expect_run(
        dir.path(),
        &["-v", "-f", "/dev/null", "a.txt"],
        b"",
        0,
        A,
        "",
    );
}

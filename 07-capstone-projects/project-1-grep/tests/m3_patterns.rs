//! Milestone p1.3: patterns. Basic regular expressions by default, `-E` extended ones, `-F`
//! fixed strings, several patterns, `-i`, `-w`, `-x`, `-o`, invalid patterns, and matches that
//! never run across a line end.

mod util;

use util::{expect_run, tree};

const REGEX_LINES: &[u8] = b"ac\nabbc\nab+c\na+\nabab\nxy\n";

#[test]
fn patterns_are_basic_regular_expressions_by_default() {
    let dir = tree(&[("r.txt", REGEX_LINES)]);
    expect_run(dir.path(), &["ab*c", "r.txt"], b"", 0, "ac\nabbc\n", "");
    // In a BRE, `+` is an ordinary character; `\(…\)\1` is a group and a back-reference.
    expect_run(dir.path(), &["a+", "r.txt"], b"", 0, "a+\n", "");
    expect_run(dir.path(), &[r"\(ab\)\1", "r.txt"], b"", 0, "abab\n", "");
}

#[test]
fn extended_regular_expressions_with_e() {
    let dir = tree(&[("r.txt", REGEX_LINES)]);
    expect_run(
        dir.path(),
        &["-E", "(ab)+c|xy", "r.txt"],
        b"",
        0,
        "xy\n",
        "",
    );
    expect_run(dir.path(), &["-E", "b{2}", "r.txt"], b"", 0, "abbc\n", "");
    expect_run(dir.path(), &["-E", "^a.$", "r.txt"], b"", 0, "ac\na+\n", "");
}

#[test]
fn fixed_strings_and_several_patterns() {
    let input = b"a.b\naxb\nx*\nxx\n";
    let dir = tree(&[]);
    expect_run(
        dir.path(),
        &["-F", "-e", "a.b", "-e", "x*"],
        input,
        0,
        "a.b\nx*\n",
        "",
    );
    // A pattern argument with a newline in it is two patterns.
    expect_run(dir.path(), &["-F", "xx\naxb"], input, 0, "axb\nxx\n", "");
}

#[test]
fn ignore_case_folds_unicode_too() {
    let dir = tree(&[]);
    expect_run(
        dir.path(),
        &["-i", "-e", "foo", "-e", "café"],
        "FOO\nfoo\nFoO\nbar\nCAFÉ\n".as_bytes(),
        0,
        "FOO\nfoo\nFoO\nCAFÉ\n",
        "",
    );
}

#[test]
fn word_and_line_matches() {
    let dir = tree(&[]);
    // -w: nothing but non-word characters (or the line's ends) around the match, even when
    // the pattern itself starts with a non-word character.
    expect_run(
        dir.path(),
        &["-w", "-e", "foo", "-e", "-x"],
        b"foo bar\nfoobar\nbar-foo\na -x b\na-xb\n",
        0,
        "foo bar\nbar-foo\na -x b\n",
        "",
    );
    expect_run(
        dir.path(),
        &["-x", "-e", "foo", "-e", "b.r"],
        b"foo\nfoo bar\nbar\n",
        0,
        "foo\nbar\n",
        "",
    );
}

#[test]
fn only_matching_prints_each_longest_match_on_its_own_line() {
    let dir = tree(&[]);
    expect_run(
        dir.path(),
        &["-o", "-E", "[0-9]+"],
        b"a1b22\nnone\n333\n",
        0,
        "1\n22\n333\n",
        "",
    );
    // POSIX leftmost-longest, as GNU grep: `integer`, not the first alternative `int`.
    expect_run(
        dir.path(),
        &["-oE", "int|integer"],
        b"integer\n",
        0,
        "integer\n",
        "",
    );
}

#[test]
fn a_match_never_runs_across_a_line_end() {
    let dir = tree(&[("lines.txt", b"a\nb\na b\n" as &[u8])]);
    expect_run(
        dir.path(),
        &["-E", r"a\sb", "lines.txt"],
        b"",
        0,
        "a b\n",
        "",
    );
    expect_run(dir.path(), &["-E", "a[^x]b"], b"a\nb\n", 1, "", "");
}

#[test]
fn an_invalid_pattern_is_an_error_with_status_2() {
    let dir = tree(&[("r.txt", REGEX_LINES)]);
    expect_run(
        dir.path(),
        &["-E", "a(", "r.txt"],
        b"",
        2,
        "",
        "minigrep: Unmatched ( or \\(\n",
    );
}

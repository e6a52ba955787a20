//! Milestone p1.5: context lines (`-A`, `-B`, `-C`) with GNU grep's `--` separators, and the
//! modes that print no lines or stop early: `-c`, `-l`, `-L`, `-q`, `-m`.

mod util;

use util::{expect_run, tree};

const TEN: &[u8] = b"one\ntwo match\nthree\nfour\nfive match\nsix\nseven\neight\nnine\nten match\n";

#[test]
fn context_lines_and_group_separators() {
    let dir = tree(&[("c.txt", TEN)]);
    // Groups that touch are not separated; a gap gets `--`; context lines use `-`.
    expect_run(
        dir.path(),
        &["-n", "-C1", "match", "c.txt"],
        b"",
        0,
        "1-one\n2:two match\n3-three\n4-four\n5:five match\n6-six\n--\n9-nine\n10:ten match\n",
        "",
    );
    expect_run(
        dir.path(),
        &["-n", "-A1", "match", "c.txt"],
        b"",
        0,
        "2:two match\n3-three\n--\n5:five match\n6-six\n--\n10:ten match\n",
        "",
    );
    // Leading context never repeats a line that was already printed.
    expect_run(
        dir.path(),
        &["-B3", "match", "c.txt"],
        b"",
        0,
        "one\ntwo match\nthree\nfour\nfive match\n--\nseven\neight\nnine\nten match\n",
        "",
    );
    // A selected line right after the trailing context of another: one group.
    expect_run(
        dir.path(),
        &["-n", "-A1", "-e", "four", "-e", "five"],
        TEN,
        0,
        "4:four\n5:five match\n6-six\n",
        "",
    );
    expect_run(
        dir.path(),
        &[
            "-C1",
            "--group-separator=XX",
            "-e",
            "two",
            "-e",
            "ten",
            "c.txt",
        ],
        b"",
        0,
        "one\ntwo match\nthree\nXX\nnine\nten match\n",
        "",
    );
    expect_run(
        dir.path(),
        &[
            "-C1",
            "--no-group-separator",
            "-e",
            "two",
            "-e",
            "ten",
            "c.txt",
        ],
        b"",
        0,
        "one\ntwo match\nthree\nnine\nten match\n",
        "",
    );
}

#[test]
fn leading_context_survives_the_end_of_a_read_chunk() {
    // Lines of 100 bytes; wherever the searcher's reads end, the two lines before the match
    // must still be at hand when the match is found.
    let line = |n: usize| format!("{n:099}\n");
    let text: String = (0..6000).map(line).collect();
    let dir = tree(&[("lines.txt", text.as_bytes())]);
    for target in [2622usize, 2623, 5243, 5244] {
        let pattern = format!("{target:099}");
        let expected = format!(
            "{}-{}{}-{}{}:{}",
            target - 1,
            line(target - 2),
            target,
            line(target - 1),
            target + 1,
            line(target)
        );
        expect_run(
            dir.path(),
            &["-n", "-B2", "-x", &pattern, "lines.txt"],
            b"",
            0,
            expected,
            "",
        );
    }
}

#[test]
fn count_prints_the_number_of_selected_lines_per_file() {
    let dir = tree(&[("c.txt", TEN), ("a.txt", b"nothing\n" as &[u8])]);
    expect_run(
        dir.path(),
        &["-c", "match", "c.txt", "a.txt"],
        b"",
        0,
        "c.txt:3\na.txt:0\n",
        "",
    );
    expect_run(dir.path(), &["-cv", "match", "c.txt"], b"", 0, "7\n", "");
    expect_run(dir.path(), &["-c", "zzz", "c.txt"], b"", 1, "0\n", "");
}

#[test]
fn files_with_and_without_matches() {
    let dir = tree(&[
        ("a.txt", b"foo\n" as &[u8]),
        ("b.txt", b"bar\n"),
        ("c.txt", b"foo\nfoo\n"),
    ]);
    expect_run(
        dir.path(),
        &["-l", "foo", "a.txt", "b.txt", "c.txt"],
        b"",
        0,
        "a.txt\nc.txt\n",
        "",
    );
    expect_run(
        dir.path(),
        &["-L", "foo", "a.txt", "b.txt", "c.txt"],
        b"",
        0,
        "b.txt\n",
        "",
    );
    expect_run(dir.path(), &["-lZ", "foo", "c.txt"], b"", 0, b"c.txt\0", "");
}

#[test]
fn quiet_prints_nothing_and_a_match_wins_over_errors() {
    let dir = tree(&[("c.txt", TEN)]);
    expect_run(
        dir.path(),
        &["-q", "match", "missing.txt", "c.txt"],
        b"",
        0,
        "",
        "minigrep: missing.txt: No such file or directory\n",
    );
    expect_run(dir.path(), &["-q", "zzz", "c.txt"], b"", 1, "", "");
}

#[test]
fn max_count_stops_after_n_selected_lines_but_prints_their_context() {
    let dir = tree(&[("c.txt", TEN)]);
    expect_run(
        dir.path(),
        &["-m1", "-A2", "-n", "match", "c.txt"],
        b"",
        0,
        "2:two match\n3-three\n4-four\n",
        "",
    );
    expect_run(
        dir.path(),
        &["-m2", "-c", "match", "c.txt"],
        b"",
        0,
        "2\n",
        "",
    );
    expect_run(
        dir.path(),
        &["-m1", "-v", "match", "c.txt"],
        b"",
        0,
        "one\n",
        "",
    );
}

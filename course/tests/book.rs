//! The book builder on the fixture course: it assembles chapters from the manifest, builds with
//! mdBook (when installed), replaces linked exercise files by their stubs, and fails on broken
//! links and anchors with `file:line`.

mod util;

use util::Course;

fn mdbook_installed() -> bool {
    std::process::Command::new("mdbook")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn book_builds_and_links_exercises_as_stubs() {
    let course = Course::new();
    let note = course.read("01-basics/notes/01-moves.md")
        + "\nThe exercise is [longest word](../exercises/01-longest-word.rs).\n";
    course.write("01-basics/notes/01-moves.md", &note);
    // A target folder of its own: `book-src` lives there, and tests run in parallel.
    let target = course.root().join("target");
    let run = util::run_with_target(course.root(), &["book"], &target);
    if !mdbook_installed() {
        assert!(
            run.stderr.contains("cargo install mdbook --locked"),
            "{run:?}"
        );
        return;
    }
    assert!(run.success, "{run:?}");
    let source = target.join("book-src/src");
    let summary = std::fs::read_to_string(source.join("SUMMARY.md")).unwrap();
    assert!(
        summary.contains("- [01 Basics](01-basics/README.md)"),
        "{summary}"
    );
    assert!(summary.contains("  - [Moves](01-basics/notes/01-moves.md)"));
    assert!(summary.contains("  - [Exercises](01-basics/exercises.md)"));
    let exercises = std::fs::read_to_string(source.join("01-basics/exercises.md")).unwrap();
    assert!(exercises.contains("| 01.2 | Moved value | fix |"));
    assert!(
        !exercises.contains("Clone it"),
        "hints stay out of the book"
    );
    let linked =
        std::fs::read_to_string(source.join("01-basics/exercises/01-longest-word.rs")).unwrap();
    assert!(linked.contains("todo!()") && !linked.contains("split_whitespace"));
    assert!(
        course
            .root()
            .join("book/01-basics/notes/01-moves.html")
            .is_file()
    );
}

#[test]
fn book_reports_broken_links_with_file_and_line() {
    let course = Course::new();
    course.write(
        "docs/guide.md",
        "# Guide\n\nSee [nothing](missing.md).\nAnd [a bad anchor](../01-basics/notes/01-moves.md#no-such-heading).\n",
    );
    let target = course.root().join("target");
    let run = util::run_with_target(course.root(), &["book"], &target);
    assert!(!run.success);
    assert!(
        run.stdout
            .contains("docs/guide.md:3: `missing.md` does not exist"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("docs/guide.md:4:"), "{}", run.stdout);
    assert!(run.stdout.contains("#no-such-heading"));
    assert!(run.stderr.contains("2 broken link(s)"), "{}", run.stderr);
}

#[test]
fn book_adds_linked_pages_and_rejects_folder_links() {
    let course = Course::new();
    course.write(
        "01-basics/EXTRA.md",
        "# Extra page\n\nBack to [the module](README.md).\n",
    );
    course.write(
        "docs/guide.md",
        "# Guide\n\nSee [extra](../01-basics/EXTRA.md) and [the lib](../01-basics/src/lib.rs).\n",
    );
    let target = course.root().join("target");
    let run = util::run_with_target(course.root(), &["book"], &target);
    if mdbook_installed() {
        assert!(run.success, "{run:?}");
        let source = target.join("book-src/src");
        let summary = std::fs::read_to_string(source.join("SUMMARY.md")).unwrap();
        assert!(summary.contains("# More pages"), "{summary}");
        assert!(summary.contains("- [Extra page](01-basics/EXTRA.md)"));
        assert!(
            source.join("01-basics/src/lib.rs").is_file(),
            "linked files are copied"
        );
    }
    course.write(
        "docs/guide.md",
        "# Guide\n\nSee [the module](../01-basics/).\n",
    );
    let run = util::run_with_target(course.root(), &["book"], &target);
    assert!(!run.success);
    assert!(
        run.stdout
            .contains("docs/guide.md:3: `../01-basics/` is a folder"),
        "{}",
        run.stdout
    );
}

#[test]
fn book_has_each_capstone_guide_and_milestones_page() {
    let course = Course::new();
    let target = course.root().join("target");
    let run = util::run_with_target(course.root(), &["book"], &target);
    if mdbook_installed() {
        assert!(run.success, "{run:?}");
        let source = target.join("book-src/src");
        let summary = std::fs::read_to_string(source.join("SUMMARY.md")).unwrap();
        let guide = summary.find("- [p1 A capstone](capstone/GUIDE.md)");
        let milestones = summary.find("  - [Milestones](capstone/milestones.md)");
        let readme = summary.find("  - [A capstone](capstone/README.md)");
        assert!(
            guide < milestones && milestones < readme && guide.is_some(),
            "{summary}"
        );
        let page = std::fs::read_to_string(source.join("capstone/milestones.md")).unwrap();
        assert!(
            page.contains("| p1.2 | Words | 20 | [m2_words](tests/m2_words.rs) |"),
            "{page}"
        );
        assert!(page.contains("`capstone words` prints"), "the spec: {page}");
        assert!(!page.contains("split_whitespace"), "no hints: {page}");
        // The guide links the reference's library: copied without markers or decoys.
        let lib = std::fs::read_to_string(source.join("capstone/src/lib.rs")).unwrap();
        assert!(lib.contains("text.lines().count()"), "{lib}");
        assert!(
            !lib.contains("course:") && !lib.contains("matches('\\n')"),
            "{lib}"
        );
    }
    let guide = course.read("capstone/GUIDE.md") + "\nSee [the searcher](src/searcher.rs).\n";
    course.write("capstone/GUIDE.md", &guide);
    let run = util::run_with_target(course.root(), &["book"], &target);
    assert!(!run.success);
    assert!(
        run.stdout
            .contains("capstone/GUIDE.md:17: `src/searcher.rs` does not exist"),
        "{}",
        run.stdout
    );
}

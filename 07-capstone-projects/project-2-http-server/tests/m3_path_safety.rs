//! Milestone p2.3: no request path leaves the served root.
//!
//! Every spelling of `..`, encoded separators, backslashes, NUL bytes, absolute-URI targets,
//! symlinks that point out of the root and a sibling directory whose name starts with the
//! root's are refused; encoded names, symlinks that stay inside, directories and their
//! `index.html` are served.

mod util;

use std::fs;
use std::os::unix::fs::symlink;

use util::{HELLO, HttpResponse, SECRET, TestServer};

fn get(server: &TestServer, target: &str) -> HttpResponse {
    server.send(format!("GET {target} HTTP/1.0\r\n\r\n").as_bytes())
}

/// Asserts that `target` is answered with `status` and never with the secret.
fn check_refused(server: &TestServer, target: &str, status: u16) {
    let response = get(server, target);
    assert!(
        !response.text().contains(SECRET),
        "{target:?} returned the file outside the root"
    );
    assert_eq!(response.status, status, "{target:?}");
}

#[test]
fn dot_dot_in_every_spelling_is_refused() {
    let server = TestServer::start(|_| {});
    for target in [
        "/../secret.txt",
        "/docs/../../secret.txt",
        "/..",
        "/%2e%2e/secret.txt",
        "/%2E%2E/secret.txt",
        "/.%2e/secret.txt",
        "/%2e./secret.txt",
        "/docs/%2e%2e/%2e%2e/secret.txt",
    ] {
        check_refused(&server, target, 403);
    }
}

#[test]
fn encoded_separators_backslashes_nul_and_absolute_targets_are_refused() {
    let server = TestServer::start(|_| {});
    for target in [
        "/..%2fsecret.txt",
        "/..%2Fsecret.txt",
        "/%2e%2e%2fsecret.txt",
        "/..%5csecret.txt",
        "/..\\secret.txt",
        "/docs\\..\\..\\secret.txt",
        "/hello.txt%00.html",
    ] {
        check_refused(&server, target, 403);
    }
    // Targets that are not a path match no route.
    for target in [
        "http://localhost/../secret.txt",
        "http://localhost/hello.txt",
        "*",
    ] {
        check_refused(&server, target, 404);
    }
    for target in ["/%zz", "/hello%2"] {
        check_refused(&server, target, 400);
    }
}

#[test]
fn symlinks_out_of_the_root_are_refused_and_symlinks_inside_served() {
    let server = TestServer::start(|_| {});
    for target in ["/escape", "/escape-dir/secret.txt", "/escape-dir/"] {
        check_refused(&server, target, 403);
    }
    symlink("hello.txt", server.root.join("inside")).expect("symlink");
    let response = get(&server, "/inside");
    assert_eq!(response.status, 200);
    assert_eq!(response.text(), HELLO);
}

#[test]
fn a_sibling_directory_whose_name_starts_with_the_roots_is_outside() {
    let server = TestServer::start(|_| {});
    // outside/root-old/secret.txt, reached from the root by root/old -> ../root-old.
    let parent = server.root.parent().expect("the root has a parent");
    let sibling = parent.join(format!(
        "{}-old",
        server.root.file_name().expect("named").to_string_lossy()
    ));
    fs::create_dir(&sibling).expect("mkdir");
    fs::write(sibling.join("secret.txt"), SECRET).expect("write");
    symlink(&sibling, server.root.join("old")).expect("symlink");
    check_refused(&server, "/old/secret.txt", 403);
}

#[test]
fn percent_encoded_names_are_decoded_segment_by_segment() {
    let server = TestServer::start(|_| {});
    fs::write(server.root.join("a b.txt"), "spaced\n").expect("write");
    fs::write(server.root.join("docs/100%.txt"), "full\n").expect("write");
    for (target, body) in [
        ("/a%20b.txt", "spaced\n"),
        ("/%68ello.txt", HELLO),
        ("/docs/100%25.txt", "full\n"),
        ("/./hello.txt", HELLO),
        ("//hello.txt", HELLO),
    ] {
        let response = get(&server, target);
        assert_eq!(response.status, 200, "{target:?}");
        assert_eq!(response.text(), body, "{target:?}");
    }
}

#[test]
fn directories_redirect_serve_their_index_or_are_forbidden() {
    let server = TestServer::start(|_| {});
    let moved = get(&server, "/docs");
    assert_eq!(moved.status, 301);
    assert_eq!(moved.header("location"), Some("/docs/"));
    assert_eq!(
        get(&server, "/docs?page=2").header("location"),
        Some("/docs/?page=2")
    );
    assert_eq!(get(&server, "/docs/").text(), "<h1>docs</h1>\n");
    assert_eq!(get(&server, "/").text(), "<h1>home</h1>\n");
    assert_eq!(get(&server, "/empty/").status, 403);
}

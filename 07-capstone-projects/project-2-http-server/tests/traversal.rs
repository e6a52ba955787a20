//! Scenario: an attacker tries every known way to read a file outside the served root, sending
//! each request line byte for byte over a raw socket (so no client library "fixes" the path
//! first). The fixture keeps a secret file next to the root and two symlinks pointing at it.
//! Every attempt must be refused, and the secret must never appear in a response.

mod util;

use util::{SECRET, TestServer};

/// (request target, expected status)
const ATTEMPTS: &[(&str, u16)] = &[
    // Plain dot-dot segments, at every depth and after normalisation tricks.
    ("/../secret.txt", 403),
    ("/../../../../../../etc/passwd", 403),
    ("/docs/../../secret.txt", 403),
    ("/./../secret.txt", 403),
    ("//../secret.txt", 403),
    ("/..", 403),
    // Percent-encoded dots, in every case mix.
    ("/%2e%2e/secret.txt", 403),
    ("/%2E%2E/secret.txt", 403),
    ("/.%2e/secret.txt", 403),
    ("/%2e./secret.txt", 403),
    ("/docs/%2e%2e/%2e%2e/secret.txt", 403),
    // Encoded separators: slash and backslash.
    ("/..%2fsecret.txt", 403),
    ("/..%2Fsecret.txt", 403),
    ("/%2e%2e%2f%2e%2e%2fetc%2fpasswd", 403),
    ("/..%5csecret.txt", 403),
    ("/..%5Csecret.txt", 403),
    // Raw backslashes (Windows-style separators).
    ("/..\\secret.txt", 403),
    ("/docs\\..\\..\\secret.txt", 403),
    // NUL bytes, encoded (a raw NUL is tested below).
    ("/hello.txt%00", 403),
    ("/%00../secret.txt", 403),
    // Double encoding decodes once, to a literal name that does not exist.
    ("/%252e%252e/secret.txt", 404),
    ("/..%252fsecret.txt", 404),
    // Absolute-URI request targets never reach the file handler.
    ("http://127.0.0.1/../secret.txt", 404),
    ("http://127.0.0.1/escape", 404),
    ("file:///etc/passwd", 404),
    // Symlinks that point outside the root, decided on the canonical path.
    ("/escape", 403),
    ("/escape-dir/", 403),
    ("/escape-dir/secret.txt", 403),
    ("/escape-dir/../secret.txt", 403),
];

#[test]
fn traversal_attempts_are_refused() {
    let server = TestServer::start(|_| {});
    for &(target, expected) in ATTEMPTS {
        for method in ["GET", "HEAD"] {
            let response = server.send(format!("{method} {target} HTTP/1.0\r\n\r\n").as_bytes());
            assert_eq!(response.status, expected, "{method} {target}");
            assert!(
                !response.text().contains(SECRET),
                "{method} {target} leaked the secret"
            );
        }
    }
}

#[test]
fn traversal_with_raw_nul_byte_is_bad_request() {
    let server = TestServer::start(|_| {});
    let response = server.send(b"GET /hello.txt\0/../../secret.txt HTTP/1.0\r\n\r\n");
    assert_eq!(response.status, 400);
    assert!(!response.text().contains(SECRET));
}

#[test]
fn traversal_with_listing_on_is_still_refused() {
    let server = TestServer::start_listing(webserver::static_files::Listing::On, |_| {});
    for target in ["/../", "/%2e%2e/", "/escape-dir/"] {
        let response = server.send(format!("GET {target} HTTP/1.0\r\n\r\n").as_bytes());
        assert_eq!(response.status, 403, "{target}");
        assert!(
            !response.text().contains("secret.txt"),
            "{target} listed the outside"
        );
    }
}

#[test]
fn symlink_that_leads_back_inside_is_served() {
    // `escape-dir -> ..` leaves the root, but `escape-dir/root/hello.txt` canonicalizes to a
    // file inside it. The decision is taken on the canonical path, so this one is served:
    // the rule is "never outside the root", not "never through a symlink".
    let server = TestServer::start(|_| {});
    let response = server.send(b"GET /escape-dir/root/hello.txt HTTP/1.0\r\n\r\n");
    assert_eq!(response.status, 200);
    assert_eq!(response.text(), util::HELLO);
}

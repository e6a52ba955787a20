//! Milestone p2.2: request parsing and status codes.
//!
//! Malformed heads get 400, other HTTP versions 505, oversized heads 414 and 431, methods the
//! route does not allow 405 (or 501 when unknown) with `Allow`; `HEAD` gets the head of a `GET`;
//! `If-Modified-Since` gives 304 and `Range` gives 206 or 416.

mod util;

use std::time::{Duration, SystemTime};

use util::{HELLO, TestServer, big_byte};

fn status_of(server: &TestServer, raw: &str) -> u16 {
    server.send(raw.as_bytes()).status
}

#[test]
fn malformed_request_lines_and_header_fields_are_400() {
    let server = TestServer::start(|_| {});
    let malformed = [
        "GET  /hello.txt HTTP/1.1\r\n\r\n",
        "GET /hello.txt  HTTP/1.1\r\n\r\n",
        "GET /hello.txt\r\n\r\n",
        "GET /hello.txt HTTP/1.1 extra\r\n\r\n",
        "G(T /hello.txt HTTP/1.1\r\n\r\n",
        "GET /a\tb HTTP/1.1\r\n\r\n",
        "GET /hello.txt http/1.1\r\n\r\n",
        "GET /hello.txt HTTP/1\r\n\r\n",
        "GET /hello.txt HTTP/1.1\r\nNoColon\r\n\r\n",
        "GET /hello.txt HTTP/1.1\r\nName : value\r\n\r\n",
        "GET /hello.txt HTTP/1.1\r\nA: b\r\n folded\r\n\r\n",
    ];
    for raw in malformed {
        assert_eq!(status_of(&server, raw), 400, "{raw:?}");
    }
}

#[test]
fn other_http_versions_are_505() {
    let server = TestServer::start(|_| {});
    for raw in [
        "GET /hello.txt HTTP/2.0\r\n\r\n",
        "GET /hello.txt HTTP/0.9\r\n\r\n",
    ] {
        assert_eq!(status_of(&server, raw), 505, "{raw:?}");
    }
    // Any later 1.x is served as 1.1 (RFC 9110 section 6.2).
    assert_eq!(
        status_of(
            &server,
            "GET /hello.txt HTTP/1.7\r\nConnection: close\r\n\r\n"
        ),
        200
    );
}

#[test]
fn oversized_request_lines_are_414_and_oversized_heads_431() {
    let server = TestServer::start(|_| {});
    let long_line = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(9 * 1024));
    assert_eq!(status_of(&server, &long_line), 414);
    let many_fields = format!(
        "GET /hello.txt HTTP/1.1\r\n{}\r\n",
        "X-Field: value\r\n".repeat(65)
    );
    assert_eq!(status_of(&server, &many_fields), 431);
    let huge_field = format!(
        "GET /hello.txt HTTP/1.1\r\nX-Big: {}\r\n\r\n",
        "b".repeat(17 * 1024)
    );
    assert_eq!(status_of(&server, &huge_field), 431);
}

#[test]
fn methods_the_route_does_not_allow_are_405_or_501_with_allow() {
    let server = TestServer::start(|_| {});
    for (method, status) in [("POST", 405), ("DELETE", 405), ("BREW", 501)] {
        let response = server.send(format!("{method} /hello.txt HTTP/1.0\r\n\r\n").as_bytes());
        assert_eq!(response.status, status, "{method}");
        assert_eq!(response.header("allow"), Some("GET, HEAD"), "{method}");
    }
}

#[test]
fn head_gets_the_head_of_get_and_no_body() {
    let server = TestServer::start(|_| {});
    let response = server.send(b"HEAD /hello.txt HTTP/1.0\r\n\r\n");
    assert_eq!(response.status, 200);
    assert_eq!(
        response.header("content-length"),
        Some(HELLO.len().to_string().as_str())
    );
    assert!(
        response.body.is_empty(),
        "HEAD got a body of {} bytes",
        response.body.len()
    );
}

#[test]
fn if_modified_since_gives_304_for_an_unchanged_file() {
    let server = TestServer::start(|_| {});
    let first = server.get("/hello.txt");
    let modified = first
        .header("last-modified")
        .expect("a Last-Modified field")
        .to_owned();
    let conditional = |since: &str| {
        server.send(
            format!("GET /hello.txt HTTP/1.0\r\nIf-Modified-Since: {since}\r\n\r\n").as_bytes(),
        )
    };
    let unchanged = conditional(&modified);
    assert_eq!(unchanged.status, 304);
    assert!(unchanged.body.is_empty());
    assert_eq!(unchanged.header("content-length"), None);
    let long_ago = httpdate::fmt_http_date(SystemTime::UNIX_EPOCH + Duration::from_secs(86_400));
    assert_eq!(conditional(&long_ago).status, 200);
    assert_eq!(conditional("not a date").status, 200);
}

#[test]
fn ranges_give_206_with_content_range_or_416() {
    let server = TestServer::start(|_| {});
    let ranged = |path: &str, range: &str| {
        server.send(format!("GET {path} HTTP/1.0\r\nRange: {range}\r\n\r\n").as_bytes())
    };
    let cases = [
        ("bytes=0-4", "hello", "bytes 0-4/13"),
        ("bytes=7-", "world\n", "bytes 7-12/13"),
        ("bytes=-6", "world\n", "bytes 7-12/13"),
        ("bytes=7-500", "world\n", "bytes 7-12/13"),
    ];
    for (range, body, content_range) in cases {
        let response = ranged("/hello.txt", range);
        assert_eq!(response.status, 206, "{range}");
        assert_eq!(response.text(), body, "{range}");
        assert_eq!(
            response.header("content-range"),
            Some(content_range),
            "{range}"
        );
    }
    for range in ["bytes=13-", "bytes=20-30"] {
        let response = ranged("/hello.txt", range);
        assert_eq!(response.status, 416, "{range}");
        assert_eq!(
            response.header("content-range"),
            Some("bytes */13"),
            "{range}"
        );
    }
    // A range of a streamed file starts at the right byte.
    let response = ranged("/big.bin", "bytes=100000-199999");
    assert_eq!(response.status, 206);
    assert_eq!(response.body.len(), 100_000);
    assert!(
        response
            .body
            .iter()
            .enumerate()
            .all(|(i, &byte)| byte == big_byte(100_000 + i)),
        "the range holds the wrong bytes"
    );
}

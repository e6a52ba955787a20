//! Milestone p2.1: one thread serving one file.
//!
//! A request head is read (in one piece or several, with CRLF or bare LF line ends), the end
//! of the head is found, and the file is sent back with a correct status line, the required
//! header fields and every byte of the body.

mod util;

use std::io::{Read, Write};
use std::thread;
use std::time::Duration;

use util::{BIG_LEN, HELLO, HttpResponse, Running, TestServer, fixture, is_big_file};

#[test]
fn a_file_is_served_with_its_status_line_and_header_fields() {
    let server = TestServer::start(|_| {});
    let response = server.get("/hello.txt");
    assert_eq!(response.status_line, "HTTP/1.0 200 OK");
    assert_eq!(response.text(), HELLO);
    assert_eq!(
        response.header("content-length"),
        Some(HELLO.len().to_string().as_str())
    );
    assert_eq!(
        response.header("content-type"),
        Some("text/plain; charset=utf-8")
    );
    assert_eq!(response.header("server"), Some("webserver"));
    assert_eq!(response.header("connection"), Some("close"));
    let date = response.header("date").expect("a Date field");
    assert!(
        httpdate::parse_http_date(date).is_ok(),
        "Date {date:?} is not an HTTP date"
    );
}

#[test]
fn a_missing_file_is_404_with_a_short_page() {
    let server = TestServer::start(|_| {});
    let response = server.get("/no-such-file.txt");
    assert_eq!(response.status_line, "HTTP/1.0 404 Not Found");
    assert_eq!(response.text(), "404 Not Found\n");
    assert_eq!(response.header("content-length"), Some("14"));
}

#[test]
fn a_large_binary_file_arrives_byte_for_byte() {
    let server = TestServer::start(|_| {});
    let response = server.get("/big.bin");
    assert_eq!(response.status, 200);
    assert_eq!(
        response.header("content-length"),
        Some(BIG_LEN.to_string().as_str())
    );
    assert_eq!(response.body.len(), BIG_LEN, "wrong body length");
    assert!(
        is_big_file(&response.body),
        "the body's bytes differ from the file's"
    );
}

#[test]
fn a_head_in_pieces_or_with_bare_newlines_is_answered() {
    let server = TestServer::start(|_| {});
    // The head arrives in four writes; the server must keep reading until its end.
    let mut stream = server.connect();
    stream.set_nodelay(true).expect("nodelay");
    for piece in ["GET /hel", "lo.txt HTTP/1.0\r", "\nHost: x\r\n", "\r\n"] {
        stream.write_all(piece.as_bytes()).expect("write a piece");
        thread::sleep(Duration::from_millis(30));
    }
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).expect("read the response");
    let response = HttpResponse::parse(&bytes);
    assert_eq!(response.status, 200);
    assert_eq!(response.text(), HELLO);
    // RFC 9112 section 2.2 lets a server accept a bare LF as a line end; this one does.
    let response = server.send(b"GET /hello.txt HTTP/1.0\nHost: x\n\n");
    assert_eq!(response.status, 200);
    assert_eq!(response.text(), HELLO);
}

#[test]
fn the_binary_announces_its_address_and_serves_files() {
    let (_guard, root) = fixture();
    let server = Running::start(&["--root", root.to_str().expect("utf-8"), "--quiet"]);
    let response = server.get("/hello.txt");
    assert_eq!(response.status, 200);
    assert_eq!(response.text(), HELLO);
    assert_eq!(server.get("/nothing-here").status, 404);
}

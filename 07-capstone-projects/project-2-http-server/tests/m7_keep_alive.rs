//! Milestone p2.7: keep-alive and pipelining.
//!
//! HTTP/1.1 connections stay open unless the client says `close`, HTTP/1.0 ones only when it
//! says `keep-alive`; pipelined requests are answered in order; and idle kept-alive
//! connections wait in the reader stage, not on a worker.

mod util;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use util::{BIG_LEN, HELLO, TestServer, is_big_file, read_one_response};

fn ask(stream: &mut TcpStream, raw: &str) -> util::HttpResponse {
    stream.write_all(raw.as_bytes()).expect("write");
    read_one_response(stream, raw.starts_with("HEAD"))
}

#[test]
fn http11_connections_serve_several_requests_until_close() {
    let server = TestServer::start(|_| {});
    let mut stream = server.connect();
    for _ in 0..3 {
        let response = ask(&mut stream, "GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n");
        assert_eq!(response.header("connection"), Some("keep-alive"));
        assert_eq!(response.text(), HELLO);
    }
    let head = ask(&mut stream, "HEAD /big.bin HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(head.status, 200);
    let big = ask(&mut stream, "GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n");
    assert!(is_big_file(&big.body));
    let last = ask(
        &mut stream,
        "GET /hello.txt HTTP/1.1\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(last.header("connection"), Some("close"));
    let mut rest = Vec::new();
    stream.read_to_end(&mut rest).expect("closed after close");
    assert!(rest.is_empty());
}

#[test]
fn http10_keeps_the_connection_only_when_asked() {
    let server = TestServer::start(|_| {});
    let mut stream = server.connect();
    let first = ask(
        &mut stream,
        "GET /hello.txt HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n",
    );
    assert_eq!(first.header("connection"), Some("keep-alive"));
    let second = ask(&mut stream, "GET /hello.txt HTTP/1.0\r\n\r\n");
    assert_eq!(second.header("connection"), Some("close"));
    assert_eq!(second.text(), HELLO);
    let mut rest = Vec::new();
    stream
        .read_to_end(&mut rest)
        .expect("closed after a plain 1.0 request");
    assert!(rest.is_empty());
}

#[test]
fn pipelined_requests_are_answered_in_order() {
    let server = TestServer::start(|_| {});
    let mut stream = server.connect();
    stream
        .write_all(
            b"GET /hello.txt HTTP/1.1\r\n\r\n\
              GET /big.bin HTTP/1.1\r\n\r\n\
              GET /docs/ HTTP/1.1\r\n\r\n\
              GET /missing HTTP/1.1\r\nConnection: close\r\n\r\n",
        )
        .expect("write");
    assert_eq!(read_one_response(&mut stream, false).text(), HELLO);
    let big = read_one_response(&mut stream, false);
    assert_eq!(big.body.len(), BIG_LEN);
    assert!(is_big_file(&big.body));
    assert_eq!(
        read_one_response(&mut stream, false).text(),
        "<h1>docs</h1>\n"
    );
    assert_eq!(read_one_response(&mut stream, false).status, 404);
}

#[test]
fn idle_kept_alive_connections_hold_no_worker() {
    let server = TestServer::start(|config| {
        config.threads = 2;
        config.idle_timeout = Duration::from_secs(30);
    });
    // Sixteen clients make one request each and then stay connected, idle.
    let mut idle: Vec<TcpStream> = (0..16)
        .map(|_| {
            let mut stream = server.connect();
            stream
                .set_read_timeout(Some(Duration::from_secs(5)))
                .expect("timeout");
            let response = ask(&mut stream, "GET /hello.txt HTTP/1.1\r\n\r\n");
            assert_eq!(response.header("connection"), Some("keep-alive"));
            stream
        })
        .collect();
    let mut fresh = server.connect();
    fresh
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    assert_eq!(
        ask(&mut fresh, "GET /hello.txt HTTP/1.1\r\n\r\n").text(),
        HELLO
    );
    // Every idle connection still works.
    for stream in &mut idle {
        assert_eq!(ask(stream, "GET /hello.txt HTTP/1.1\r\n\r\n").text(), HELLO);
    }
}

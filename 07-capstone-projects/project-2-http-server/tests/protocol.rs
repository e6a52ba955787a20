//! Scenario: a client speaks HTTP over a raw TCP socket to a server on `127.0.0.1:0`, and every
//! status code the server can send is provoked at least once, along with the header fields
//! RFC 1945 / RFC 9110 require (Date, Server, Content-Type, Content-Length, Last-Modified).

mod util;

use std::io::Write;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, SystemTime};

use util::{BIG_LEN, HELLO, HttpResponse, TestServer, big_byte, is_big_file, read_one_response};
use webserver::request::{Method, Request};
use webserver::response::{Response, StatusCode};
use webserver::router::Router;
use webserver::static_files::Listing;

#[test]
fn get_file_is_ok_with_required_headers() {
    let server = TestServer::start(|_| {});
    let response = server.get("/hello.txt");
    assert_eq!(response.status_line, "HTTP/1.0 200 OK");
    assert_eq!(response.text(), HELLO);
    assert_eq!(
        response.header("content-type"),
        Some("text/plain; charset=utf-8")
    );
    assert_eq!(response.header("content-length"), Some("13"));
    assert_eq!(response.header("server"), Some("webserver"));
    assert_eq!(response.header("connection"), Some("close"));
    let date =
        httpdate::parse_http_date(response.header("date").expect("Date")).expect("valid Date");
    assert!(SystemTime::now().duration_since(date).expect("not future") < Duration::from_secs(60));
    let modified = std::fs::metadata(server.root.join("hello.txt"))
        .and_then(|metadata| metadata.modified())
        .expect("mtime");
    assert_eq!(
        response.header("last-modified"),
        Some(httpdate::fmt_http_date(modified).as_str())
    );
}

#[test]
fn get_query_string_is_ignored_for_files() {
    let server = TestServer::start(|_| {});
    assert_eq!(server.get("/hello.txt?version=2&x").text(), HELLO);
}

#[test]
fn get_root_serves_index_html() {
    let server = TestServer::start(|_| {});
    let response = server.get("/");
    assert_eq!(response.status, 200);
    assert_eq!(response.text(), "<h1>home</h1>\n");
    assert_eq!(
        response.header("content-type"),
        Some("text/html; charset=utf-8")
    );
}

#[test]
fn get_large_file_is_streamed_intact() {
    let server = TestServer::start(|_| {});
    let response = server.get("/big.bin");
    assert_eq!(response.status, 200);
    assert_eq!(response.body.len(), BIG_LEN);
    assert!(is_big_file(&response.body));
}

#[test]
fn head_has_get_headers_and_no_body() {
    let server = TestServer::start(|_| {});
    let head = server.send(b"HEAD /big.bin HTTP/1.0\r\n\r\n");
    assert_eq!(head.status, 200);
    assert_eq!(
        head.header("content-length"),
        Some(BIG_LEN.to_string().as_str())
    );
    assert!(
        head.body.is_empty(),
        "HEAD returned {} body bytes",
        head.body.len()
    );
}

#[test]
fn directory_without_slash_is_moved_permanently() {
    let server = TestServer::start(|_| {});
    let response = server.get("/docs?lang=en");
    assert_eq!(response.status, 301);
    assert_eq!(response.header("location"), Some("/docs/?lang=en"));
    let response = server.get("/docs/");
    assert_eq!(response.status, 200);
    assert_eq!(response.text(), "<h1>docs</h1>\n");
}

#[test]
fn directory_without_index_is_forbidden_unless_listing() {
    let server = TestServer::start(|_| {});
    assert_eq!(server.get("/empty/").status, 403);
    assert_eq!(server.get("/list/").status, 403);

    let listing = TestServer::start_listing(Listing::On, |_| {});
    let response = listing.get("/list/");
    assert_eq!(response.status, 200);
    let page = response.text();
    assert!(page.contains("&lt;b&gt;&amp;&quot;x&quot;.txt"), "{page}");
    assert!(page.contains("href=\"%3Cb%3E%26%22x%22.txt\""), "{page}");
    assert!(page.contains("href=\"sub/\""), "{page}");
    assert!(!page.contains("<b>"), "{page}");
}

#[test]
fn if_modified_since_gives_not_modified() {
    let server = TestServer::start(|_| {});
    let last_modified = server
        .get("/hello.txt")
        .header("last-modified")
        .expect("Last-Modified")
        .to_owned();
    let request = format!("GET /hello.txt HTTP/1.0\r\nIf-Modified-Since: {last_modified}\r\n\r\n");
    let response = server.send(request.as_bytes());
    assert_eq!(response.status_line, "HTTP/1.0 304 Not Modified");
    assert!(response.body.is_empty());
    assert_eq!(response.header("content-length"), None);

    let old = "GET /hello.txt HTTP/1.0\r\nIf-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n";
    assert_eq!(server.send(old.as_bytes()).status, 200);
    let garbage = "GET /hello.txt HTTP/1.0\r\nIf-Modified-Since: yesterday\r\n\r\n";
    assert_eq!(server.send(garbage.as_bytes()).status, 200);
}

#[test]
fn range_gives_partial_content() {
    let server = TestServer::start(|_| {});
    let response = server.send(b"GET /big.bin HTTP/1.0\r\nRange: bytes=1000-1999\r\n\r\n");
    assert_eq!(response.status_line, "HTTP/1.0 206 Partial Content");
    assert_eq!(
        response.header("content-range"),
        Some(format!("bytes 1000-1999/{BIG_LEN}").as_str())
    );
    assert_eq!(response.body.len(), 1000);
    assert!(
        response
            .body
            .iter()
            .enumerate()
            .all(|(i, &b)| b == big_byte(1000 + i))
    );

    // A suffix range larger than the inline limit is streamed from an offset.
    let response = server.send(b"GET /big.bin HTTP/1.0\r\nRange: bytes=-100000\r\n\r\n");
    assert_eq!(response.status, 206);
    assert_eq!(response.body.len(), 100_000);
    let start = BIG_LEN - 100_000;
    assert!(
        response
            .body
            .iter()
            .enumerate()
            .all(|(i, &b)| b == big_byte(start + i))
    );
}

#[test]
fn unsatisfiable_range_is_416() {
    let server = TestServer::start(|_| {});
    let response = server.send(b"GET /hello.txt HTTP/1.0\r\nRange: bytes=500-\r\n\r\n");
    assert_eq!(response.status, 416);
    assert_eq!(response.header("content-range"), Some("bytes */13"));
}

#[test]
fn malformed_requests_are_400() {
    let server = TestServer::start(|_| {});
    let table: [&[u8]; 6] = [
        b"GET /\r\n\r\n",
        b"GET  / HTTP/1.0\r\n\r\n",
        b"GET / HTTP/1.0\r\nno colon here\r\n\r\n",
        b"GET / HTTP/1.0\r\nHost: a\r\n folded\r\n\r\n",
        b"GET / HTTP/one\r\n\r\n",
        b"GET /%zz HTTP/1.0\r\n\r\n",
    ];
    for raw in table {
        let response = server.send(raw);
        assert_eq!(response.status, 400, "{:?}", String::from_utf8_lossy(raw));
        assert_eq!(response.header("connection"), Some("close"));
    }
}

#[test]
fn missing_file_is_404() {
    let server = TestServer::start(|_| {});
    let response = server.get("/no/such/file.txt");
    assert_eq!(response.status_line, "HTTP/1.0 404 Not Found");
    assert_eq!(response.text(), "404 Not Found\n");
}

#[test]
fn unreadable_file_is_403() {
    let server = TestServer::start(|_| {});
    // Root ignores file permissions, so this case can only be observed as another user.
    if std::fs::File::open(server.root.join("unreadable.txt")).is_ok() {
        eprintln!(
            "skipping unreadable_file_is_403: running as a user who can read mode-000 files (root)"
        );
        return;
    }
    assert_eq!(server.get("/unreadable.txt").status, 403);
}

#[test]
fn other_methods_are_405_or_501_with_allow() {
    let server = TestServer::start(|_| {});
    for method in ["POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE"] {
        let response = server.send(format!("{method} /hello.txt HTTP/1.0\r\n\r\n").as_bytes());
        assert_eq!(response.status, 405, "{method}");
        assert_eq!(response.header("allow"), Some("GET, HEAD"), "{method}");
    }
    let response = server.send(b"BREW /pot HTTP/1.0\r\n\r\n");
    assert_eq!(response.status, 501);
    assert_eq!(response.header("allow"), Some("GET, HEAD"));
    // A body the server does not read must not be taken for a second request.
    let response = server
        .send(b"POST / HTTP/1.1\r\nContent-Length: 28\r\n\r\nGET /hello.txt HTTP/1.1\r\n\r\n");
    assert_eq!(response.status, 405);
    assert_eq!(response.header("connection"), Some("close"));
}

#[test]
fn oversized_request_line_is_414() {
    let server = TestServer::start(|_| {});
    let request = format!("GET /{} HTTP/1.0\r\n\r\n", "a".repeat(10_000));
    assert_eq!(server.send(request.as_bytes()).status, 414);
}

#[test]
fn oversized_or_too_many_headers_are_431() {
    let server = TestServer::start(|_| {});
    let huge = format!("GET / HTTP/1.0\r\nCookie: {}\r\n\r\n", "c".repeat(20_000));
    assert_eq!(server.send(huge.as_bytes()).status, 431);
    let many = format!("GET / HTTP/1.0\r\n{}\r\n", "X-A: b\r\n".repeat(100));
    assert_eq!(server.send(many.as_bytes()).status, 431);
}

#[test]
fn unsupported_version_is_505() {
    let server = TestServer::start(|_| {});
    assert_eq!(server.send(b"GET / HTTP/2.0\r\n\r\n").status, 505);
    assert_eq!(server.send(b"GET / HTTP/3.0\r\n\r\n").status, 505);
}

#[test]
fn incomplete_head_times_out_with_408() {
    let server = TestServer::start(|config| config.header_timeout = Duration::from_millis(300));
    let response = server.send(b"GET /hello.txt HTTP/1.0\r\nHost: x\r\n");
    assert_eq!(response.status, 408);
}

#[test]
fn health_endpoint_answers_ok() {
    let server = TestServer::start(|_| {});
    let response = server.get("/healthz");
    assert_eq!(response.status, 200);
    assert_eq!(response.text(), "ok\n");
    assert_eq!(server.send(b"POST /healthz HTTP/1.0\r\n\r\n").status, 405);
}

#[test]
fn keep_alive_serves_several_requests_on_one_connection() {
    let server = TestServer::start(|_| {});
    // HTTP/1.1: persistent by default.
    let mut stream = server.connect();
    for _ in 0..3 {
        stream
            .write_all(b"GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n")
            .expect("write");
        let response = read_one_response(&mut stream, false);
        assert_eq!(response.text(), HELLO);
        assert_eq!(response.header("connection"), Some("keep-alive"));
    }
    // Pipelined: three requests in one write, three responses in order.
    stream
        .write_all(b"GET /hello.txt HTTP/1.1\r\n\r\nHEAD /big.bin HTTP/1.1\r\n\r\nGET /healthz HTTP/1.1\r\n\r\n")
        .expect("write");
    assert_eq!(read_one_response(&mut stream, false).text(), HELLO);
    assert_eq!(read_one_response(&mut stream, true).status, 200);
    assert_eq!(read_one_response(&mut stream, false).text(), "ok\n");

    // HTTP/1.0 with Connection: keep-alive.
    let mut stream = server.connect();
    for _ in 0..2 {
        stream
            .write_all(b"GET /hello.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            .expect("write");
        let response = read_one_response(&mut stream, false);
        assert_eq!(response.header("connection"), Some("keep-alive"));
    }
    // ...and `Connection: close` ends it.
    stream
        .write_all(b"GET /hello.txt HTTP/1.1\r\nConnection: close\r\n\r\n")
        .expect("write");
    let response = read_one_response(&mut stream, false);
    assert_eq!(response.header("connection"), Some("close"));
    let mut rest = Vec::new();
    std::io::Read::read_to_end(&mut stream, &mut rest).expect("server closes");
    assert!(rest.is_empty());
}

/// Builds a router whose `/block` handler waits until the test releases it, so the test can
/// fill the pool deliberately.
fn blocking_router() -> (Router, mpsc::Sender<()>, mpsc::Receiver<()>) {
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let (entered_tx, entered_rx) = mpsc::channel::<()>();
    let release_rx = std::sync::Mutex::new(release_rx);
    let router = Router::new().route(&[Method::Get], "/block", move |_: &Request<'_>| {
        entered_tx.send(()).expect("test listens");
        let _ = release_rx
            .lock()
            .expect("not poisoned")
            .recv_timeout(Duration::from_secs(10));
        Response::text(StatusCode::OK, "released\n")
    });
    (router, release_tx, entered_rx)
}

#[test]
fn full_queue_is_503() {
    let (router, release, entered) = blocking_router();
    let server = TestServer::start_with_router(router, |config| {
        config.threads = 1;
        config.queue_capacity = 1;
    });
    let addr = server.addr;
    let first = thread::spawn(move || {
        let mut stream = std::net::TcpStream::connect(addr).expect("connect");
        stream
            .write_all(b"GET /block HTTP/1.0\r\n\r\n")
            .expect("write");
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut stream, &mut bytes).expect("read");
        HttpResponse::parse(&bytes)
    });
    entered
        .recv_timeout(Duration::from_secs(10))
        .expect("worker busy");
    // The only worker is busy; this request takes the only queue slot...
    let mut queued = server.connect();
    queued
        .write_all(b"GET /block HTTP/1.0\r\n\r\n")
        .expect("write");
    thread::sleep(Duration::from_millis(200));
    // ...so the next one is refused.
    let refused = server.send(b"GET /block HTTP/1.0\r\n\r\n");
    assert_eq!(refused.status, 503);
    assert_eq!(refused.header("retry-after"), Some("1"));
    release.send(()).expect("release first");
    release.send(()).expect("release queued");
    assert_eq!(first.join().expect("first").status, 200);
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut queued, &mut bytes).expect("read");
    assert_eq!(HttpResponse::parse(&bytes).status, 200);
}

#[test]
fn too_many_connections_is_503() {
    let server = TestServer::start(|config| config.max_connections = 1);
    let mut holder = server.connect();
    holder.write_all(b"GET /hel").expect("write"); // holds the only slot
    thread::sleep(Duration::from_millis(200));
    assert_eq!(server.get("/hello.txt").status, 503);
    holder.write_all(b"lo.txt HTTP/1.0\r\n\r\n").expect("write");
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut holder, &mut bytes).expect("read");
    assert_eq!(HttpResponse::parse(&bytes).text(), HELLO);
}

#[test]
fn idle_keep_alive_connection_is_closed_after_idle_timeout() {
    let server = TestServer::start(|config| config.idle_timeout = Duration::from_millis(300));
    let mut stream = server.connect();
    stream
        .write_all(b"GET /hello.txt HTTP/1.1\r\n\r\n")
        .expect("write");
    assert_eq!(read_one_response(&mut stream, false).text(), HELLO);
    // Send nothing more: the server closes the idle connection quietly (no 408, no bytes).
    let mut rest = Vec::new();
    std::io::Read::read_to_end(&mut stream, &mut rest).expect("closed by the server");
    assert!(rest.is_empty(), "{:?}", String::from_utf8_lossy(&rest));
}

//! Milestone p2.6: slow clients, the reader stage and deadlines.
//!
//! Clients that send their heads slowly (or never finish them) hold no worker: a normal
//! request is answered beside them on a two-worker server. A head that is not complete by the
//! header deadline, counted from the connection's start however the bytes trickle in, gets 408.

mod util;

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use util::{HELLO, HttpResponse, TestServer};

#[test]
fn slow_clients_do_not_starve_a_normal_request() {
    let server = TestServer::start(|config| {
        config.threads = 2;
        config.header_timeout = Duration::from_secs(30);
    });
    // Sixteen clients start a head and never finish it.
    let slow: Vec<TcpStream> = (0..16)
        .map(|_| {
            let mut stream = server.connect();
            stream
                .write_all(b"GET /hello.txt HTTP/1.1\r\nX-Slow: ")
                .expect("write");
            stream
        })
        .collect();
    let normal = server.get_within("/hello.txt", Duration::from_secs(5));
    assert_eq!(normal.text(), HELLO);
    // The slow clients are still waiting: nothing was sent to them and they were not closed.
    for mut stream in slow {
        stream.set_nonblocking(true).expect("nonblocking");
        let mut byte = [0; 1];
        let outcome = stream.read(&mut byte);
        assert!(
            matches!(&outcome, Err(error) if error.kind() == ErrorKind::WouldBlock),
            "a slow client was answered or closed early: {outcome:?}"
        );
    }
}

#[test]
fn a_head_that_never_completes_gets_408_at_the_deadline() {
    let server = TestServer::start(|config| config.header_timeout = Duration::from_secs(1));
    let mut stream = server.connect();
    stream
        .write_all(b"GET /hello.txt HTTP/1.1\r\nHost: x\r\n")
        .expect("write");
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).expect("read");
    assert!(!bytes.is_empty(), "closed without an answer");
    let response = HttpResponse::parse(&bytes);
    assert_eq!(response.status, 408);
    assert_eq!(response.header("connection"), Some("close"));
}

#[test]
fn a_client_dribbling_bytes_is_cut_off_at_the_deadline_not_after_its_last_byte() {
    let server = TestServer::start(|config| config.header_timeout = Duration::from_secs(1));
    let mut stream = server.connect();
    stream
        .set_read_timeout(Some(Duration::from_millis(100)))
        .expect("timeout");
    stream
        .write_all(b"GET /hello.txt HTTP/1.1\r\nX-Slow: ")
        .expect("write");
    // One byte every ~100 ms for up to 6 s: the deadline (1 s) passes long before.
    let mut answer = Vec::new();
    for _ in 0..60 {
        if stream.write_all(b"a").is_err() {
            break;
        }
        let mut buffer = [0; 1024];
        match stream.read(&mut buffer) {
            Ok(0) => break,
            Ok(read) => {
                answer.extend_from_slice(&buffer[..read]);
                stream
                    .set_read_timeout(Some(Duration::from_secs(5)))
                    .expect("timeout");
                let _ = stream.read_to_end(&mut answer);
                break;
            }
            Err(error) if matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(_) => break,
        }
    }
    assert!(
        !answer.is_empty(),
        "the dribbling client was never answered (or closed without 408)"
    );
    assert_eq!(HttpResponse::parse(&answer).status, 408);
}

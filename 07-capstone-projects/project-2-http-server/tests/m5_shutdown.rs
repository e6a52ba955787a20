//! Milestone p2.5: graceful shutdown.
//!
//! Shutting the pool down runs every job already queued and joins the workers; `serve` returns
//! only after the requests it accepted are answered; SIGTERM lets a download finish, then the
//! binary exits with status 0.

mod util;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use util::{HttpResponse, Running, TestServer, fixture, read_head, sparse_file};
use webserver::pool::ThreadPool;
use webserver::request::{Method, Request};
use webserver::response::{Response, StatusCode};
use webserver::router::Router;

/// A gate that opens by itself after `delay`, from a thread of its own: shutdown never waits
/// for it, so a shutdown that returns early finds it still closed.
fn gate_opening_after(delay: Duration) -> Arc<AtomicBool> {
    let gate = Arc::new(AtomicBool::new(false));
    let opener = Arc::clone(&gate);
    thread::spawn(move || {
        thread::sleep(delay);
        opener.store(true, Ordering::SeqCst);
    });
    gate
}

/// Waits (at most 10 s) for the gate to open.
fn wait_for(gate: &AtomicBool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !gate.load(Ordering::SeqCst) && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(2));
    }
}

#[test]
fn pool_shutdown_runs_every_queued_job_and_joins_the_workers() {
    let pool = ThreadPool::new(1).expect("a pool of 1");
    let gate = gate_opening_after(Duration::from_millis(300));
    let finished = Arc::new(AtomicUsize::new(0));
    for _ in 0..5 {
        let (gate, finished) = (Arc::clone(&gate), Arc::clone(&finished));
        pool.execute(move || {
            wait_for(&gate);
            finished.fetch_add(1, Ordering::SeqCst);
        })
        .expect("the pool takes the job");
    }
    // One job runs, four wait in the queue; all five must be done when shutdown returns.
    pool.shutdown();
    assert_eq!(
        finished.load(Ordering::SeqCst),
        5,
        "shutdown returned before every queued job had run"
    );
}

#[test]
fn serve_returns_only_after_the_request_in_flight_is_answered() {
    let entered = Arc::new(AtomicUsize::new(0));
    let answered = Arc::new(AtomicBool::new(false));
    // The handler receives its gate once the test knows the request is inside it.
    let (gate_tx, gate_rx) = mpsc::channel::<Arc<AtomicBool>>();
    let router = {
        let (entered, answered) = (Arc::clone(&entered), Arc::clone(&answered));
        let gate_rx = std::sync::Mutex::new(gate_rx);
        Router::new().route(&[Method::Get], "/slow", move |_: &Request<'_>| {
            entered.fetch_add(1, Ordering::SeqCst);
            let gate = gate_rx
                .lock()
                .expect("not poisoned")
                .recv_timeout(Duration::from_secs(10))
                .expect("the test sends the gate");
            wait_for(&gate);
            answered.store(true, Ordering::SeqCst);
            Response::text(StatusCode::OK, "done\n")
        })
    };
    let server = TestServer::start_with_router(router, |config| config.threads = 2);
    let addr = server.addr;
    let client = thread::spawn(move || {
        let mut stream = TcpStream::connect(addr).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        stream
            .write_all(b"GET /slow HTTP/1.0\r\n\r\n")
            .expect("write");
        let mut bytes = Vec::new();
        stream.read_to_end(&mut bytes).expect("read");
        HttpResponse::parse(&bytes)
    });
    let deadline = Instant::now() + Duration::from_secs(10);
    while entered.load(Ordering::SeqCst) == 0 && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(2));
    }
    assert_eq!(
        entered.load(Ordering::SeqCst),
        1,
        "the request never arrived"
    );
    // The handler now waits for a gate that opens 300 ms from now, on its own.
    gate_tx
        .send(gate_opening_after(Duration::from_millis(300)))
        .expect("the handler waits for it");
    server.stop().expect("serve returns Ok");
    assert!(
        answered.load(Ordering::SeqCst),
        "serve returned while a request was still being answered"
    );
    let response = client.join().expect("client thread");
    assert_eq!(response.status, 200);
    assert_eq!(response.text(), "done\n");
    assert!(
        TcpStream::connect(addr).is_err(),
        "still accepting connections after serve returned"
    );
}

#[test]
fn sigterm_lets_a_download_finish_then_the_binary_exits_cleanly() {
    const LEN: usize = 64 << 20;
    let (_guard, root) = fixture();
    sparse_file(&root.join("huge.bin"), LEN as u64);
    let server = Running::start(&["--root", root.to_str().expect("utf-8"), "--quiet"]);
    let mut stream = TcpStream::connect(server.addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    stream
        .write_all(b"GET /huge.bin HTTP/1.0\r\n\r\n")
        .expect("write");
    let head = read_head(&mut stream);
    assert_eq!(head.status, 200);
    // The download is in flight (64 MiB do not fit in the socket buffers) when SIGTERM comes.
    server.send_sigterm();
    thread::sleep(Duration::from_millis(300));
    let mut body = head.body;
    stream.read_to_end(&mut body).expect("read the rest");
    assert_eq!(body.len(), LEN, "the download was cut short by shutdown");
    let (status, rest) = server.wait_exit();
    assert!(status.success(), "exit status {status:?}");
    assert!(rest.contains("Shut down cleanly"), "{rest:?}");
}

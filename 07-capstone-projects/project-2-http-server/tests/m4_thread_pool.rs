//! Milestone p2.4: the hand-built thread pool, with panic recovery.
//!
//! `ThreadPool::execute` returns at once and the job runs on a worker; a pool of N runs N jobs
//! at the same time; a full queue hands the job back; a panicking job does not shrink the pool; and the server's thread count
//! stays at the pool size however many requests are in flight.

mod util;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use util::{
    HELLO, HttpResponse, Running, TestServer, fixture, panicking_router, proc_status, read_head,
    sparse_file,
};
use webserver::pool::{Job, Rejected, ThreadPool};

/// Waits (at most 5 s) until `count` reaches `target`; returns whether it did.
fn reaches(count: &AtomicUsize, target: usize) -> bool {
    let deadline = Instant::now() + Duration::from_secs(5);
    while count.load(Ordering::SeqCst) < target && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(2));
    }
    count.load(Ordering::SeqCst) >= target
}

#[test]
fn jobs_run_on_worker_threads_at_the_same_time() {
    let pool = ThreadPool::new(4).expect("a pool of 4");
    let (gate_tx, gate_rx) = mpsc::channel::<()>();
    let (done_tx, done_rx) = mpsc::channel();
    pool.execute(move || {
        let _ = gate_rx.recv_timeout(Duration::from_secs(5));
        let _ = done_tx.send(thread::current().id());
    })
    .expect("the pool takes the job");
    // `execute` has returned while the job still waits for the gate: it runs elsewhere.
    assert!(
        done_rx.try_recv().is_err(),
        "execute ran the job on the caller's thread"
    );
    gate_tx.send(()).expect("the job holds the receiver");
    let worker = done_rx
        .recv_timeout(Duration::from_secs(10))
        .expect("the job ran");
    assert_ne!(worker, thread::current().id());

    // Four jobs that each wait until all four are running at once.
    let inside = Arc::new(AtomicUsize::new(0));
    let (met_tx, met_rx) = mpsc::channel();
    for _ in 0..4 {
        let (inside, met_tx) = (Arc::clone(&inside), met_tx.clone());
        pool.execute(move || {
            inside.fetch_add(1, Ordering::SeqCst);
            let _ = met_tx.send(reaches(&inside, 4));
        })
        .expect("the pool takes the job");
    }
    for _ in 0..4 {
        assert_eq!(
            met_rx.recv_timeout(Duration::from_secs(10)),
            Ok(true),
            "a pool of 4 did not run 4 jobs at once"
        );
    }
    pool.shutdown();
}

#[test]
fn a_full_queue_hands_the_job_back_instead_of_blocking() {
    let pool = ThreadPool::with_capacity(1, 1).expect("one worker, one queue slot");
    let (gate_tx, gate_rx) = mpsc::channel::<()>();
    let started = Arc::new(AtomicUsize::new(0));
    let flag = Arc::clone(&started);
    pool.execute(move || {
        flag.fetch_add(1, Ordering::SeqCst);
        let _ = gate_rx.recv_timeout(Duration::from_secs(5));
    })
    .expect("the first job is taken");
    assert!(reaches(&started, 1), "the worker never took the first job");
    pool.execute(|| {}).expect("one job may wait");
    let ran = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&ran);
    match pool.execute(move || {
        counter.fetch_add(1, Ordering::SeqCst);
    }) {
        Err(Rejected::Full(job)) => {
            // The job comes back unrun, and the caller may still run it.
            assert_eq!(ran.load(Ordering::SeqCst), 0);
            job.run();
            assert_eq!(ran.load(Ordering::SeqCst), 1);
        }
        other => panic!("a full queue must hand the job back, got {other:?}"),
    }
    gate_tx.send(()).expect("the first job waits for the gate");
    pool.shutdown();
}

#[test]
fn panicking_requests_do_not_shrink_the_pool() {
    let server = TestServer::start_with_router(panicking_router(), |config| config.threads = 2);
    // As many panics as workers: without replacements no worker would be left.
    for _ in 0..2 {
        let mut stream = server.connect();
        stream
            .write_all(b"GET /panic HTTP/1.0\r\n\r\n")
            .expect("write");
        let mut bytes = Vec::new();
        let _ = stream.read_to_end(&mut bytes); // closed without an answer
    }
    let meet = |addr| {
        thread::spawn(move || {
            let mut stream = TcpStream::connect(addr).expect("connect");
            stream
                .set_read_timeout(Some(Duration::from_secs(8)))
                .expect("timeout");
            stream
                .write_all(b"GET /meet HTTP/1.0\r\n\r\n")
                .expect("write");
            let mut bytes = Vec::new();
            stream
                .read_to_end(&mut bytes)
                .expect("an answer within 8 s (are the workers all gone?)");
            HttpResponse::parse(&bytes).text()
        })
    };
    let (first, second) = (meet(server.addr), meet(server.addr));
    assert_eq!(first.join().expect("first client"), "met\n");
    assert_eq!(second.join().expect("second client"), "met\n");
}

#[test]
fn the_thread_count_stays_at_the_pool_size_under_stalled_downloads() {
    const WORKERS: u64 = 20;
    const STALLED: usize = 16;
    let (_guard, root) = fixture();
    sparse_file(&root.join("huge.bin"), 64 << 20);
    let server = Running::start(&[
        "--root",
        root.to_str().expect("utf-8"),
        "--quiet",
        "--threads",
        &WORKERS.to_string(),
    ]);
    // Each client asks for 64 MiB, reads the response head and stops reading, so a worker
    // stays busy writing to it.
    let stalled: Vec<TcpStream> = (0..STALLED)
        .map(|_| {
            let mut stream = TcpStream::connect(server.addr).expect("connect");
            stream
                .set_read_timeout(Some(Duration::from_secs(5)))
                .expect("timeout");
            stream
                .write_all(b"GET /huge.bin HTTP/1.0\r\n\r\n")
                .expect("write");
            assert_eq!(read_head(&mut stream).status, 200);
            stream
        })
        .collect();
    // Every download is in flight now. The reader stage (the main thread) and the workers are
    // all the threads there may be; a thread per connection would add one per download.
    if let Some(threads) = proc_status(server.child.id(), "Threads") {
        assert!(
            threads <= WORKERS + 2,
            "{threads} threads for a pool of {WORKERS} with {STALLED} downloads in flight"
        );
    } else {
        eprintln!("skipping the thread count: /proc is not available");
    }
    // The workers left over still answer.
    assert_eq!(server.get("/hello.txt").text(), HELLO);
    drop(stalled);
}

//! # Tokio patterns: bounded concurrency, timeouts, a cancel-safe `select!` loop, graceful shutdown, blocking work
//!
//! - **Goal:** write three small pieces of a service with Tokio: `fetch_all` runs many requests with at most `limit` in flight and a timeout per request; `run_session` decodes a byte stream into messages inside a `select!` loop that also sends heartbeats and stops on a shutdown signal without losing a byte; `checksum_all` runs CPU-heavy work off the async worker thread.
//! - **Concepts:** `Semaphore` and owned permits; `JoinSet`; `tokio::time::timeout`; `mpsc` and `watch` channels; `select!` and cancel safety (a branch's future is dropped when another branch wins); `interval` vs a `sleep` re-created in a loop; `spawn_blocking`; paused time in tests.
//! - **Read first:** `notes/05-tokio-internals.md` (sections "Channels", "`select!` and cancel safety", "Timers", "Blocking" and "Graceful shutdown") and `notes/04-state-machines.md` (section "Cancellation is drop").
//! - **Run:** `cargo run --bin m03-tokio-patterns` inside `learn/` (reference solution: `cargo run -p async-ecosystem --bin m03-tokio-patterns`)
//! - **Test:** `cargo course verify 03.3` (reference solution: `cargo test -p async-ecosystem --bin m03-tokio-patterns`)
//! - **Done when:** every test passes. The tests run on Tokio's paused clock: a 10-second test takes microseconds, and every run sees the same order of events.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::ThreadId;
use std::time::Duration;
use tokio::sync::{Semaphore, mpsc, watch};
use tokio::task::JoinSet;
use tokio::time::{Instant, interval_at, sleep, timeout};

// ------------------------------------------------------------------------------------------
// Part 1: bounded concurrency with a timeout per request.

/// A pretend remote service: each request takes a known time, and the backend records how many
/// requests were in flight at once.
#[derive(Debug, Default)]
struct Backend {
    /// How long the request for each id takes (100 ms when absent).
    latency: HashMap<u32, Duration>,
    /// Requests in flight now.
    in_flight: AtomicUsize,
    /// The most requests ever in flight at once.
    max_in_flight: AtomicUsize,
}

impl Backend {
    /// Serves the request for `id`, taking its latency.
    async fn fetch(&self, id: u32) -> String {
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.max_in_flight.fetch_max(now, Ordering::SeqCst);
        // The guard lowers the count even if this future is cancelled (dropped) mid-sleep,
        // as it is when a timeout fires.
        let _in_flight = InFlight(&self.in_flight);
        let latency = self
            .latency
            .get(&id)
            .copied()
            .unwrap_or(Duration::from_millis(100));
        sleep(latency).await;
        format!("item {id}")
    }
}

/// Decrements a counter when dropped.
struct InFlight<'a>(&'a AtomicUsize);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The outcome of one request.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Fetched {
    /// The backend answered in time.
    Ok(String),
    /// The request took longer than the per-request timeout and was cancelled.
    TimedOut,
}

/// Fetches every id from `backend`, with at most `limit` requests in flight at any moment,
/// each request cancelled after `per_request`. Returns one outcome per id, in the order of `ids`.
/// Requests start as soon as a slot is free (not in fixed batches).
async fn fetch_all(
    backend: Arc<Backend>,
    ids: &[u32],
    limit: usize,
    per_request: Duration,
) -> Vec<(u32, Fetched)> {
    // course:solution Spawn one task per id into a JoinSet; each holds an owned Semaphore permit while it runs, under its own timeout. Collect and sort back into input order.
    let slots = Arc::new(Semaphore::new(limit));
    let mut tasks = JoinSet::new();
    for (position, &id) in ids.iter().enumerate() {
        let (slots, backend) = (Arc::clone(&slots), Arc::clone(&backend));
        tasks.spawn(async move {
            // Held until the end of the task; `acquire_owned` because the permit moves into a
            // `'static` task. The semaphore is never closed, so acquiring cannot fail.
            let _permit = slots
                .acquire_owned()
                .await
                .expect("the semaphore is never closed");
            let outcome = match timeout(per_request, backend.fetch(id)).await {
                Ok(body) => Fetched::Ok(body),
                Err(_elapsed) => Fetched::TimedOut,
            };
            (position, id, outcome)
        });
    }
    let mut results = Vec::with_capacity(ids.len());
    while let Some(joined) = tasks.join_next().await {
        // A task can only fail by panicking; pass the panic on rather than hide it.
        let (position, id, outcome) =
            joined.unwrap_or_else(|error| std::panic::resume_unwind(error.into_panic()));
        results.push((position, id, outcome));
    }
    results.sort_by_key(|&(position, _, _)| position);
    results
        .into_iter()
        .map(|(_, id, outcome)| (id, outcome))
        .collect()
    // course:decoy unbounded Spawns every request at once and never limits how many run.
    // let mut tasks = JoinSet::new();
    // for (position, &id) in ids.iter().enumerate() {
    //     let backend = Arc::clone(&backend);
    //     tasks.spawn(async move {
    //         let outcome = match timeout(per_request, backend.fetch(id)).await {
    //             Ok(body) => Fetched::Ok(body),
    //             Err(_) => Fetched::TimedOut,
    //         };
    //         (position, id, outcome)
    //     });
    // }
    // let _ = limit;
    // let mut results = tasks.join_all().await;
    // results.sort_by_key(|&(position, _, _)| position);
    // results.into_iter().map(|(_, id, outcome)| (id, outcome)).collect()
    // course:decoy permit-dropped-at-once Writes `let _ = ...acquire_owned().await`, which drops the permit immediately.
    // let slots = Arc::new(Semaphore::new(limit));
    // let mut tasks = JoinSet::new();
    // for (position, &id) in ids.iter().enumerate() {
    //     let (slots, backend) = (Arc::clone(&slots), Arc::clone(&backend));
    //     tasks.spawn(async move {
    //         let _ = slots.acquire_owned().await.expect("never closed");
    //         let outcome = match timeout(per_request, backend.fetch(id)).await {
    //             Ok(body) => Fetched::Ok(body),
    //             Err(_) => Fetched::TimedOut,
    //         };
    //         (position, id, outcome)
    //     });
    // }
    // let mut results = tasks.join_all().await;
    // results.sort_by_key(|&(position, _, _)| position);
    // results.into_iter().map(|(_, id, outcome)| (id, outcome)).collect()
    // course:decoy one-at-a-time Awaits each request in turn: never more than one in flight, so it is slow.
    // let _ = limit;
    // let mut results = Vec::new();
    // for &id in ids {
    //     let outcome = match timeout(per_request, backend.fetch(id)).await {
    //         Ok(body) => Fetched::Ok(body),
    //         Err(_) => Fetched::TimedOut,
    //     };
    //     results.push((id, outcome));
    // }
    // results
    // course:decoy fixed-batches Runs `limit` requests, waits for the whole batch, then starts the next batch.
    // let mut results = Vec::new();
    // for batch in ids.chunks(limit.max(1)) {
    //     let mut tasks = JoinSet::new();
    //     for (position, &id) in batch.iter().enumerate() {
    //         let backend = Arc::clone(&backend);
    //         tasks.spawn(async move {
    //             let outcome = match timeout(per_request, backend.fetch(id)).await {
    //                 Ok(body) => Fetched::Ok(body),
    //                 Err(_) => Fetched::TimedOut,
    //             };
    //             (position, id, outcome)
    //         });
    //     }
    //     let mut batch_results = tasks.join_all().await;
    //     batch_results.sort_by_key(|&(position, _, _)| position);
    //     results.extend(batch_results.into_iter().map(|(_, id, outcome)| (id, outcome)));
    // }
    // results
    // course:decoy timeout-includes-queueing Starts each request's timeout before waiting for a permit, so time spent queueing counts against the request.
    // let slots = Arc::new(Semaphore::new(limit));
    // let mut tasks = JoinSet::new();
    // for (position, &id) in ids.iter().enumerate() {
    //     let (slots, backend) = (Arc::clone(&slots), Arc::clone(&backend));
    //     tasks.spawn(async move {
    //         let request = async {
    //             let _permit = slots.acquire_owned().await.expect("never closed");
    //             backend.fetch(id).await
    //         };
    //         let outcome = match timeout(per_request, request).await {
    //             Ok(body) => Fetched::Ok(body),
    //             Err(_) => Fetched::TimedOut,
    //         };
    //         (position, id, outcome)
    //     });
    // }
    // let mut results = tasks.join_all().await;
    // results.sort_by_key(|&(position, _, _)| position);
    // results.into_iter().map(|(_, id, outcome)| (id, outcome)).collect()
    // course:decoy completion-order Returns the outcomes in the order the requests finished.
    // let slots = Arc::new(Semaphore::new(limit));
    // let mut tasks = JoinSet::new();
    // for &id in ids {
    //     let (slots, backend) = (Arc::clone(&slots), Arc::clone(&backend));
    //     tasks.spawn(async move {
    //         let _permit = slots.acquire_owned().await.expect("never closed");
    //         match timeout(per_request, backend.fetch(id)).await {
    //             Ok(body) => (id, Fetched::Ok(body)),
    //             Err(_) => (id, Fetched::TimedOut),
    //         }
    //     });
    // }
    // let mut results = Vec::new();
    // while let Some(Ok(result)) = tasks.join_next().await {
    //     results.push(result);
    // }
    // results
    // course:end
}

// ------------------------------------------------------------------------------------------
// Part 2: a session loop with `select!`.

/// What a session reports to its consumer.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Event {
    /// One complete message (the payload, without its length byte).
    Message(Vec<u8>),
    /// The session is alive; sent once per heartbeat period.
    Heartbeat,
}

/// How a session ended.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Summary {
    /// Complete messages delivered.
    messages: usize,
    /// Heartbeats sent.
    heartbeats: usize,
    /// Bytes of an incomplete message that were pending when the session stopped.
    unfinished_bytes: usize,
}

/// Splits every complete message off the front of `buffer` (a length byte `n`, then `n` bytes)
/// and returns their payloads; an incomplete message stays in `buffer`.
fn take_messages(buffer: &mut Vec<u8>) -> Vec<Vec<u8>> {
    let mut messages = Vec::new();
    while let Some(&len) = buffer.first() {
        let end = 1 + usize::from(len);
        if buffer.len() < end {
            break;
        }
        messages.push(buffer[1..end].to_vec());
        buffer.drain(..end);
    }
    messages
}

/// Runs one session until `shutdown` becomes `true` (or its sender is dropped) or `chunks` is
/// closed, whichever comes first.
///
/// - `chunks` delivers a byte stream in arbitrary pieces: a message may be split across chunks,
///   and a chunk may hold several messages. Each complete message is sent as `Event::Message`.
/// - Every `heartbeat` (the first one `heartbeat` after the start), an `Event::Heartbeat` is
///   sent, at a steady rhythm however often chunks arrive.
/// - On shutdown it stops at once and reports, in `unfinished_bytes`, how many bytes of a
///   partly received message it was holding. No byte that arrived may be lost.
///
/// If `events` is closed the session stops too (nobody is listening).
async fn run_session(
    mut chunks: mpsc::Receiver<Vec<u8>>,
    mut shutdown: watch::Receiver<bool>,
    events: mpsc::Sender<Event>,
    heartbeat: Duration,
) -> Summary {
    // course:solution Keep the byte buffer and the interval outside the loop; in `select!` use only cancel-safe operations (`recv`, `tick`, `changed`).
    let mut buffer = Vec::new();
    let mut summary = Summary {
        messages: 0,
        heartbeats: 0,
        unfinished_bytes: 0,
    };
    let mut ticks = interval_at(Instant::now() + heartbeat, heartbeat);
    loop {
        tokio::select! {
            // `recv` is cancel safe: if another branch wins, no chunk has been taken.
            chunk = chunks.recv() => {
                let Some(chunk) = chunk else { break };
                buffer.extend_from_slice(&chunk);
                for message in take_messages(&mut buffer) {
                    if events.send(Event::Message(message)).await.is_err() {
                        summary.unfinished_bytes = buffer.len();
                        return summary;
                    }
                    summary.messages += 1;
                }
            }
            _ = ticks.tick() => {
                if events.send(Event::Heartbeat).await.is_err() {
                    break;
                }
                summary.heartbeats += 1;
            }
            changed = shutdown.changed() => {
                // An error means the sender is gone, which we also treat as a shutdown.
                if changed.is_err() || *shutdown.borrow_and_update() {
                    break;
                }
            }
        }
    }
    summary.unfinished_bytes = buffer.len();
    summary
    // course:decoy half-read-message Reads a whole message inside one select! branch; when a heartbeat wins mid-message, the bytes read so far are dropped with the branch's future.
    // async fn read_message(chunks: &mut mpsc::Receiver<Vec<u8>>, pending: &mut Vec<u8>) -> Option<Vec<u8>> {
    //     let mut local = std::mem::take(pending);
    //     loop {
    //         if let Some(&len) = local.first()
    //             && local.len() > usize::from(len)
    //         {
    //             let end = 1 + usize::from(len);
    //             let message = local[1..end].to_vec();
    //             *pending = local.split_off(end);
    //             return Some(message);
    //         }
    //         local.extend_from_slice(&chunks.recv().await?);
    //     }
    // }
    // let mut pending = Vec::new();
    // let mut summary = Summary { messages: 0, heartbeats: 0, unfinished_bytes: 0 };
    // let mut ticks = interval_at(Instant::now() + heartbeat, heartbeat);
    // loop {
    //     tokio::select! {
    //         message = read_message(&mut chunks, &mut pending) => {
    //             let Some(message) = message else { break };
    //             if events.send(Event::Message(message)).await.is_err() {
    //                 break;
    //             }
    //             summary.messages += 1;
    //         }
    //         _ = ticks.tick() => {
    //             if events.send(Event::Heartbeat).await.is_err() {
    //                 break;
    //             }
    //             summary.heartbeats += 1;
    //         }
    //         changed = shutdown.changed() => {
    //             if changed.is_err() || *shutdown.borrow_and_update() {
    //                 break;
    //             }
    //         }
    //     }
    // }
    // summary.unfinished_bytes = pending.len();
    // summary
    // course:decoy sleep-in-loop Uses a `sleep(heartbeat)` created anew on every loop iteration, so each chunk restarts the heartbeat timer.
    // let mut buffer = Vec::new();
    // let mut summary = Summary { messages: 0, heartbeats: 0, unfinished_bytes: 0 };
    // loop {
    //     tokio::select! {
    //         chunk = chunks.recv() => {
    //             let Some(chunk) = chunk else { break };
    //             buffer.extend_from_slice(&chunk);
    //             for message in take_messages(&mut buffer) {
    //                 if events.send(Event::Message(message)).await.is_err() {
    //                     break;
    //                 }
    //                 summary.messages += 1;
    //             }
    //         }
    //         _ = sleep(heartbeat) => {
    //             if events.send(Event::Heartbeat).await.is_err() {
    //                 break;
    //             }
    //             summary.heartbeats += 1;
    //         }
    //         changed = shutdown.changed() => {
    //             if changed.is_err() || *shutdown.borrow_and_update() {
    //                 break;
    //             }
    //         }
    //     }
    // }
    // summary.unfinished_bytes = buffer.len();
    // summary
    // course:decoy drains-before-stopping Ignores the shutdown signal and keeps reading until the input is closed.
    // let _ = &mut shutdown;
    // let mut buffer = Vec::new();
    // let mut summary = Summary { messages: 0, heartbeats: 0, unfinished_bytes: 0 };
    // let mut ticks = interval_at(Instant::now() + heartbeat, heartbeat);
    // loop {
    //     tokio::select! {
    //         chunk = chunks.recv() => {
    //             let Some(chunk) = chunk else { break };
    //             buffer.extend_from_slice(&chunk);
    //             for message in take_messages(&mut buffer) {
    //                 if events.send(Event::Message(message)).await.is_err() {
    //                     break;
    //                 }
    //                 summary.messages += 1;
    //             }
    //         }
    //         _ = ticks.tick() => {
    //             if events.send(Event::Heartbeat).await.is_err() {
    //                 break;
    //             }
    //             summary.heartbeats += 1;
    //         }
    //     }
    // }
    // summary.unfinished_bytes = buffer.len();
    // summary
    // course:end
}

// ------------------------------------------------------------------------------------------
// Part 3: blocking work.

/// Where `checksum` ran, for the tests: one entry per call.
type Places = Arc<Mutex<Vec<ThreadId>>>;

/// A CPU-heavy, blocking computation (a stand-in for hashing a large file or compressing).
/// It records the thread it ran on in `places`.
fn checksum(data: &[u8], places: &Places) -> u32 {
    places
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(std::thread::current().id());
    data.iter().fold(2166136261u32, |hash, &byte| {
        (hash ^ u32::from(byte)).wrapping_mul(16777619)
    })
}

/// Checksums every blob without blocking the async worker thread that calls it: the heavy
/// work runs on Tokio's blocking pool. Returns the checksums in the order of `blobs`.
async fn checksum_all(blobs: Vec<Vec<u8>>, places: Places) -> Vec<u32> {
    // course:solution Hand each blob to `spawn_blocking` and await the handles in order.
    let handles: Vec<_> = blobs
        .into_iter()
        .map(|blob| {
            let places = Arc::clone(&places);
            tokio::task::spawn_blocking(move || checksum(&blob, &places))
        })
        .collect();
    let mut sums = Vec::with_capacity(handles.len());
    for handle in handles {
        // A blocking task only fails if `checksum` panicked: pass the panic on.
        sums.push(
            handle
                .await
                .unwrap_or_else(|error| std::panic::resume_unwind(error.into_panic())),
        );
    }
    sums
    // course:decoy blocking-in-async Calls the blocking function directly inside the async fn, stalling the worker thread.
    // blobs.iter().map(|blob| checksum(blob, &places)).collect()
    // course:end
}

// The paused clock (feature `test-util`) makes the demonstration instant; times below are virtual.
#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let backend = Arc::new(Backend {
        latency: HashMap::from([(3, Duration::from_millis(900))]),
        ..Backend::default()
    });
    let start = Instant::now();
    let fetched = fetch_all(
        Arc::clone(&backend),
        &[1, 2, 3, 4, 5],
        2,
        Duration::from_millis(500),
    )
    .await;
    println!(
        "{fetched:?} in {:?}, at most {} in flight",
        start.elapsed(),
        backend.max_in_flight.load(Ordering::SeqCst)
    );

    let (chunk_sender, chunks) = mpsc::channel(8);
    let (stop, shutdown) = watch::channel(false);
    let (events, mut received) = mpsc::channel(8);
    let session = tokio::spawn(run_session(
        chunks,
        shutdown,
        events,
        Duration::from_millis(50),
    ));
    for chunk in [vec![3, b'a'], vec![b'b', b'c', 1], vec![b'!']] {
        chunk_sender
            .send(chunk)
            .await
            .expect("the session is running");
        sleep(Duration::from_millis(30)).await;
    }
    stop.send_replace(true);
    let summary = session.await.expect("the session does not panic");
    while let Ok(event) = received.try_recv() {
        println!("{event:?}");
    }
    println!("{summary:?}");

    let sums = checksum_all(vec![b"abc".to_vec(), vec![0; 1 << 20]], Places::default()).await;
    println!("checksums: {sums:x?}");
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every test body runs under this bound on (virtual) time, so a wrong solution that hangs
    /// fails instead of blocking the test run.
    const LIMIT: Duration = Duration::from_secs(600);

    fn backend(latency: &[(u32, u64)]) -> Arc<Backend> {
        Arc::new(Backend {
            latency: latency
                .iter()
                .map(|&(id, ms)| (id, Duration::from_millis(ms)))
                .collect(),
            ..Backend::default()
        })
    }

    #[tokio::test(start_paused = true)]
    async fn fetch_all_never_exceeds_the_limit() {
        let backend = backend(&[]);
        let ids: Vec<u32> = (0..10).collect();
        let results = timeout(
            LIMIT,
            fetch_all(Arc::clone(&backend), &ids, 3, Duration::from_secs(5)),
        )
        .await
        .unwrap();
        assert_eq!(results.len(), 10);
        assert_eq!(
            backend.max_in_flight.load(Ordering::SeqCst),
            3,
            "the limit was not used, or exceeded"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn fetch_all_starts_a_request_as_soon_as_a_slot_frees_up() {
        // Limit 2: id 0 takes 1 s, ids 1..=4 take 100 ms each. Refilling slots as they free up
        // finishes everything in 1 s; waiting for whole batches or one at a time takes longer.
        let backend = backend(&[(0, 1000)]);
        let start = Instant::now();
        timeout(
            LIMIT,
            fetch_all(backend, &[0, 1, 2, 3, 4], 2, Duration::from_secs(5)),
        )
        .await
        .unwrap();
        assert_eq!(start.elapsed(), Duration::from_millis(1000));
    }

    #[tokio::test(start_paused = true)]
    async fn fetch_all_returns_outcomes_in_the_order_of_the_ids() {
        let backend = backend(&[(7, 300), (8, 200), (9, 100)]);
        let results = timeout(
            LIMIT,
            fetch_all(backend, &[7, 8, 9], 3, Duration::from_secs(5)),
        )
        .await
        .unwrap();
        let expected: Vec<(u32, Fetched)> = [7, 8, 9]
            .iter()
            .map(|&id| (id, Fetched::Ok(format!("item {id}"))))
            .collect();
        assert_eq!(results, expected);
    }

    #[tokio::test(start_paused = true)]
    async fn each_request_has_its_own_timeout() {
        let backend = backend(&[(2, 700)]);
        let start = Instant::now();
        let results = timeout(
            LIMIT,
            fetch_all(
                Arc::clone(&backend),
                &[1, 2, 3],
                3,
                Duration::from_millis(500),
            ),
        )
        .await
        .unwrap();
        assert_eq!(
            results,
            [
                (1, Fetched::Ok("item 1".into())),
                (2, Fetched::TimedOut),
                (3, Fetched::Ok("item 3".into()))
            ]
        );
        assert_eq!(start.elapsed(), Duration::from_millis(500));
        assert_eq!(
            backend.in_flight.load(Ordering::SeqCst),
            0,
            "a timed-out request was not cancelled"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn time_spent_waiting_for_a_slot_does_not_count_against_the_timeout() {
        let backend = backend(&[(1, 400), (2, 400), (3, 400)]);
        let results = timeout(
            LIMIT,
            fetch_all(backend, &[1, 2, 3], 1, Duration::from_millis(500)),
        )
        .await
        .unwrap();
        assert!(
            results
                .iter()
                .all(|(_, outcome)| matches!(outcome, Fetched::Ok(_))),
            "a request timed out while it was only queued: {results:?}"
        );
    }

    /// Starts a session with a 1 s heartbeat; returns its handles.
    fn start_session() -> (
        mpsc::Sender<Vec<u8>>,
        watch::Sender<bool>,
        mpsc::Receiver<Event>,
        tokio::task::JoinHandle<Summary>,
    ) {
        let (chunk_sender, chunks) = mpsc::channel(16);
        let (stop, shutdown) = watch::channel(false);
        let (events, received) = mpsc::channel(64);
        let session = tokio::spawn(run_session(
            chunks,
            shutdown,
            events,
            Duration::from_secs(1),
        ));
        (chunk_sender, stop, received, session)
    }

    fn drain(received: &mut mpsc::Receiver<Event>) -> Vec<Event> {
        std::iter::from_fn(|| received.try_recv().ok()).collect()
    }

    fn messages(events: &[Event]) -> Vec<Vec<u8>> {
        events
            .iter()
            .filter_map(|event| match event {
                Event::Message(payload) => Some(payload.clone()),
                Event::Heartbeat => None,
            })
            .collect()
    }

    #[tokio::test(start_paused = true)]
    async fn a_message_split_around_a_heartbeat_arrives_whole() {
        let (chunks, _stop, mut received, session) = start_session();
        timeout(LIMIT, async {
            chunks.send(vec![4, b'r', b'u']).await.unwrap();
            // A heartbeat fires at 1 s, between the two halves of the message.
            sleep(Duration::from_millis(1500)).await;
            chunks.send(vec![b's', b't', 2, b'o', b'k']).await.unwrap();
            sleep(Duration::from_millis(100)).await;
            drop(chunks);
            let summary = session.await.unwrap();
            let events = drain(&mut received);
            assert_eq!(
                messages(&events),
                [b"rust".to_vec(), b"ok".to_vec()],
                "bytes were lost"
            );
            assert_eq!(summary.messages, 2);
            assert_eq!(summary.heartbeats, 1);
        })
        .await
        .unwrap();
    }

    #[tokio::test(start_paused = true)]
    async fn heartbeats_keep_their_rhythm_while_chunks_keep_arriving() {
        let (chunks, stop, mut received, session) = start_session();
        timeout(LIMIT, async {
            // A chunk every 400 ms for 5.2 s: the 1 s heartbeat must still fire 5 times.
            for _ in 0..13 {
                chunks.send(vec![0]).await.unwrap();
                sleep(Duration::from_millis(400)).await;
            }
            stop.send_replace(true);
            let summary = session.await.unwrap();
            let heartbeats = drain(&mut received)
                .iter()
                .filter(|event| **event == Event::Heartbeat)
                .count();
            assert_eq!(heartbeats, 5);
            assert_eq!(summary.heartbeats, 5);
            assert_eq!(summary.messages, 13);
        })
        .await
        .unwrap();
    }

    #[tokio::test(start_paused = true)]
    async fn shutdown_stops_promptly_and_reports_the_unfinished_message() {
        let (chunks, stop, mut received, session) = start_session();
        timeout(LIMIT, async {
            chunks.send(vec![1, b'x', 5, b'h', b'e']).await.unwrap();
            sleep(Duration::from_millis(200)).await;
            let start = Instant::now();
            stop.send_replace(true);
            let summary = session.await.unwrap();
            assert!(
                start.elapsed() < Duration::from_millis(10),
                "the session did not stop at once"
            );
            assert_eq!(messages(&drain(&mut received)), [b"x".to_vec()]);
            assert_eq!(
                summary,
                Summary {
                    messages: 1,
                    heartbeats: 0,
                    unfinished_bytes: 3
                }
            );
            // `chunks` is still open here: the session stopped because of the signal alone.
            drop(chunks);
        })
        .await
        .unwrap();
    }

    #[tokio::test(start_paused = true)]
    async fn a_session_ends_when_its_input_closes() {
        let (chunks, _stop, _received, session) = start_session();
        drop(chunks);
        let summary = timeout(LIMIT, session).await.unwrap().unwrap();
        assert_eq!(summary.messages, 0);
    }

    #[tokio::test]
    async fn checksums_run_off_the_async_worker_thread() {
        let places = Places::default();
        let sums = timeout(
            Duration::from_secs(60),
            checksum_all(vec![b"a".to_vec(), b"ab".to_vec()], Arc::clone(&places)),
        )
        .await
        .unwrap();
        assert_eq!(sums, [0xe40c292c, 0x4d2505ca]);
        let runtime_thread = std::thread::current().id();
        let places = places.lock().unwrap();
        assert_eq!(places.len(), 2);
        assert!(
            places.iter().all(|&place| place != runtime_thread),
            "blocking work ran on the runtime's worker thread"
        );
    }
}

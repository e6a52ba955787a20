//! The socket side of the server: accepting connections, collecting request heads, and handing
//! complete requests to the thread pool.
//!
//! # Two stages
//!
//! A plain "one connection per pool job" server lets a client that sends one byte per second
//! occupy a worker for as long as it likes; a few dozen such clients starve the pool
//! (slowloris). So the work is split:
//!
//! 1. **The reader stage** is the thread that calls [`serve`]. It owns the listener and every
//!    connection whose request head has not fully arrived, all non-blocking, and waits on them
//!    with one `epoll(7)` set. It only reads and buffers bytes, enforces the size limits and the
//!    header deadline, and never blocks on a single client. A connection reaches the pool only
//!    once its head is complete.
//! 2. **The workers** (see `pool`) parse the head, route it, and write the response. Writes wait
//!    at most `write_timeout` for the client to make progress. A keep-alive connection whose
//!    next request has not arrived yet goes *back* to the reader stage through a channel, so an
//!    idle client never holds a worker either.
//!
//! A slow client therefore costs one buffer (at most `MAX_HEAD` bytes) and one poller entry, not a
//! thread. See ARCHITECTURE.md for the full argument.

use std::io::{self, Read, Write};
use std::net::TcpListener;
use std::os::unix::net::UnixStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread;
use std::time::{Duration, Instant};

use crate::connection::{Connection, ReadOutcome};
use crate::pool::{Job, PoolError, ThreadPool};
use crate::request::{self, Method};
use crate::response::{Body, Response, StatusCode};
use crate::router::Router;
use crate::sys;

/// Why [`serve`] could not start or had to stop.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    /// The worker pool could not be started.
    #[error(transparent)]
    Pool(#[from] PoolError),
    /// The listener, the wake-up pipe or the event loop failed.
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// Whether each response is logged to stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessLog {
    /// One line per response: method, target, status, body bytes, milliseconds.
    On,
    /// Nothing is logged (`--quiet`).
    Off,
}

/// How [`serve`] runs: pool size, limits and timeouts. What is served is the router's business.
#[derive(Debug, Clone)]
pub struct Config {
    /// Worker threads in the pool (default: 8 per core, between 8 and 128).
    pub threads: usize,
    /// Complete requests that may wait for a worker; beyond that new requests get `503`.
    pub queue_capacity: usize,
    /// Connections the reader stage holds at once (heads arriving, idle keep-alives);
    /// beyond that new connections get `503`.
    pub max_connections: usize,
    /// Time a client has to send a complete request head, counted from its first byte
    /// (or from the accept); after it, `408` and close.
    pub header_timeout: Duration,
    /// Time an idle keep-alive connection is kept open waiting for the next request.
    pub idle_timeout: Duration,
    /// Time a client may leave a response write without making progress before it is dropped.
    pub write_timeout: Duration,
    /// Whether responses are logged to stdout.
    pub access_log: AccessLog,
}

impl Default for Config {
    fn default() -> Config {
        let cores = thread::available_parallelism().map_or(2, usize::from);
        Config {
            // Workers block while a large response drains into a slow network, so there are
            // more of them than cores; bench/compare.sh measured 8 per core as a good point.
            threads: (cores * 8).clamp(8, 128),
            queue_capacity: 1024,
            max_connections: 4096,
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(15),
            write_timeout: Duration::from_secs(15),
            access_log: AccessLog::On,
        }
    }
}

/// Answers requests on `listener` with `router` until `shutdown` becomes true, then stops
/// accepting, finishes the requests already taken, joins the workers and returns.
///
/// The caller binds the listener and builds the router (for the file server,
/// [`default_router`](crate::default_router) over a [`Root`](crate::root::Root) opened once), so
/// tests can bind `127.0.0.1:0` and add handlers of their own, and `main` can report a bad root
/// or a port in use before anything starts.
///
/// # Errors
///
/// [`ServeError::Pool`] if the pool cannot start, [`ServeError::Io`] if the listener or the
/// event loop fails.
pub fn serve(
    listener: TcpListener,
    router: Router,
    config: Config,
    shutdown: &AtomicBool,
) -> Result<(), ServeError> {
    listener.set_nonblocking(true)?;
    let (wake_receiver, wake_sender) = UnixStream::pair()?;
    wake_receiver.set_nonblocking(true)?;
    wake_sender.set_nonblocking(true)?;
    let (return_sender, returned) = mpsc::channel();
    let pool = ThreadPool::with_capacity(config.threads, config.queue_capacity)?;
    let shared = Arc::new(Shared {
        router,
        config,
        closing: AtomicBool::new(false),
        wake_pending: AtomicBool::new(false),
        return_sender,
        wake_sender,
    });
    let mut reader = ReaderStage {
        listener,
        wake_receiver,
        returned,
        slots: Vec::new(),
        free_slots: Vec::new(),
        poller: sys::Poller::new(EVENT_BATCH)?,
        next_sweep: Instant::now() + TICK,
        pool,
        shared,
    };
    let outcome = reader.run(shutdown);
    reader.stop();
    outcome
}

/// State every worker needs; shared through an `Arc`.
struct Shared {
    router: Router,
    config: Config,
    /// Set when shutdown begins, so workers stop offering keep-alive.
    closing: AtomicBool,
    /// Where workers send connections back to the reader stage: idle keep-alives, and
    /// connections to drain after an error answer.
    return_sender: Sender<(Connection, Returned)>,
    /// One byte written here wakes the reader stage's `epoll_wait`.
    wake_sender: UnixStream,
    /// Set by the worker that writes a wake-up byte, cleared by the reader stage just before it
    /// empties the channel: while it is set, a wake-up is on its way and another byte (another
    /// system call) would add nothing.
    wake_pending: AtomicBool,
}

/// What the reader stage is waiting for on a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Bytes of a request head. When the deadline passes: `408`.
    Head,
    /// A keep-alive connection between requests. When the deadline passes: close quietly.
    Idle,
    /// An answered connection being closed politely: the server has shut down its side and
    /// discards whatever the client still sends, so the kernel does not reset the connection
    /// (and destroy the unread response) as it would if we closed with bytes unread.
    Draining,
}

/// Why a worker hands a connection back to the reader stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Returned {
    /// The response kept the connection open: wait for the next request.
    KeepAlive,
    /// An error answer was sent and the write side shut: discard input until the client
    /// closes (see [`Phase::Draining`]).
    Drain,
}

/// A connection held by the reader stage, with what it is waiting for and until when.
#[derive(Debug)]
struct Pending {
    connection: Connection,
    phase: Phase,
    deadline: Instant,
    /// Whether the socket may already be in the poller's set: false only for a connection
    /// accepted this round, which saves a failing system call when it is first armed.
    polled: bool,
}

/// Longest wait for events, so the shutdown flag is noticed promptly; also how often deadlines
/// are checked, so a timeout fires at most this much late.
const TICK: Duration = Duration::from_millis(50);
/// How long a draining connection may keep sending before it is closed anyway.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(2);
/// Most connections accepted per round, so a connection flood cannot starve the others.
const ACCEPT_BATCH: usize = 256;
/// Most ready sockets taken from the poller per round.
const EVENT_BATCH: usize = 256;
/// Poller token of the listener; connection tokens are their slot numbers.
const LISTENER_TOKEN: u64 = u64::MAX;
/// Poller token of the wake-up pipe.
const WAKE_TOKEN: u64 = u64::MAX - 1;

struct ReaderStage {
    listener: TcpListener,
    wake_receiver: UnixStream,
    returned: Receiver<(Connection, Returned)>,
    /// The connections the reader stage holds, by slot; a slot number is the connection's
    /// poller token. Freed slots are reused, so the table never grows past the peak.
    slots: Vec<Option<Pending>>,
    free_slots: Vec<usize>,
    poller: sys::Poller,
    /// When deadlines are next checked.
    next_sweep: Instant,
    pool: ThreadPool,
    shared: Arc<Shared>,
}

impl ReaderStage {
    fn run(&mut self, shutdown: &AtomicBool) -> Result<(), ServeError> {
        // course:solution p2.6 The event loop: watch the listener and the wake-up pipe, wait at most TICK, service every ready connection, take returned ones, accept new ones, and expire deadlines once per tick, until `shutdown` is set.
        self.poller.watch(&self.listener, LISTENER_TOKEN)?;
        self.poller.watch(&self.wake_receiver, WAKE_TOKEN)?;
        let mut ready = Vec::with_capacity(EVENT_BATCH);
        while !shutdown.load(Ordering::SeqCst) {
            let timeout = self
                .next_sweep
                .saturating_duration_since(Instant::now())
                .min(TICK);
            ready.clear();
            ready.extend(self.poller.wait(timeout)?);

            // Connections first; then returned and new connections, so that no slot freed and
            // refilled in this round can receive an event meant for its previous occupant.
            let now = Instant::now();
            let (mut accept, mut wake) = (false, false);
            for &token in &ready {
                match token {
                    LISTENER_TOKEN => accept = true,
                    WAKE_TOKEN => wake = true,
                    // Slot numbers come from `usize`, so they convert back.
                    slot => self.service(usize::try_from(slot).unwrap_or(usize::MAX), true, now),
                }
            }
            if wake {
                self.take_returned(now);
            }
            if accept {
                self.accept_new(now);
            }
            if self.next_sweep <= now {
                self.expire(now);
                self.next_sweep = now + TICK;
            }
        }
        Ok(())
        // course:stub
        // // A simple reader until p2.6: one connection at a time, its head read on this thread with
        // // blocking reads, so one slow client holds up every other. At the header deadline the
        // // connection is simply dropped.
        // while !shutdown.load(Ordering::SeqCst) {
        //     self.take_returned(Instant::now());
        //     let stream = match self.listener.accept() {
        //         Ok((stream, _)) => stream,
        //         Err(error) if error.kind() == io::ErrorKind::WouldBlock => {
        //             thread::sleep(Duration::from_millis(5));
        //             continue;
        //         }
        //         Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
        //         Err(error) => return Err(error.into()),
        //     };
        //     let deadline = Instant::now() + self.shared.config.header_timeout;
        //     stream.set_nonblocking(false)?;
        //     stream.set_read_timeout(Some(Duration::from_millis(100)))?;
        //     let mut connection = Connection::new(stream);
        //     loop {
        //         if connection.head_len().is_some() {
        //             connection.stream().set_nonblocking(true)?;
        //             self.dispatch(connection);
        //             break;
        //         }
        //         if let Err(error) = request::check_incomplete_head(connection.buffer()) {
        //             self.refuse(connection, error.status(), Instant::now());
        //             break;
        //         }
        //         if shutdown.load(Ordering::SeqCst) || Instant::now() >= deadline {
        //             break;
        //         }
        //         if connection.read_some() == ReadOutcome::Closed {
        //             break;
        //         }
        //     }
        // }
        // Ok(())
        // course:end
    }

    /// Connections the reader stage holds right now.
    fn held(&self) -> usize {
        self.slots.len() - self.free_slots.len()
    }

    /// Takes a connection into the table; returns its slot.
    fn insert(&mut self, pending: Pending) -> usize {
        match self.free_slots.pop() {
            Some(slot) => {
                self.slots[slot] = Some(pending);
                slot
            }
            None => {
                self.slots.push(Some(pending));
                self.slots.len() - 1
            }
        }
    }

    /// Takes a connection out of the table (to dispatch, refuse or close it).
    fn remove(&mut self, slot: usize) -> Option<Pending> {
        let pending = self.slots.get_mut(slot)?.take()?;
        self.free_slots.push(slot);
        self.poller.forget(pending.connection.stream());
        Some(pending)
    }

    /// Asks the poller for the next event on the connection in `slot`; a connection that
    /// cannot be watched is closed.
    fn arm(&mut self, slot: usize) {
        // course:solution p2.6 Arm the connection in `slot` for one report (`Poller::arm_once`); close it if it cannot be watched.
        let Some(pending) = self.slots.get(slot).and_then(Option::as_ref) else {
            return;
        };
        let known = pending.polled;
        if self
            .poller
            .arm_once(pending.connection.stream(), slot as u64, known)
            .is_err()
        {
            self.remove(slot);
        } else if let Some(pending) = self.slots[slot].as_mut() {
            pending.polled = true;
        }
        // course:end
    }

    /// Expires every connection whose deadline has passed. A linear scan, but one per tick
    /// rather than one per event.
    fn expire(&mut self, now: Instant) {
        // course:solution p2.6 Once per tick: service every held connection whose deadline has passed.
        for slot in 0..self.slots.len() {
            if self.slots[slot]
                .as_ref()
                .is_some_and(|pending| pending.deadline <= now)
            {
                self.service(slot, false, now);
            }
        }
        // course:end
    }

    /// Reads from (or expires) the connection in `slot` and moves it on if its head is
    /// complete. `ready` says the poller reported it, which also means it must be armed again
    /// if it stays.
    fn service(&mut self, slot: usize, ready: bool, now: Instant) {
        // course:solution p2.6 Read once if the poller reported the socket, then act on (phase, outcome): close, keep draining, start the next head's deadline on an idle connection, check a head, 408 at the header deadline, or arm again.
        let Some(pending) = self.slots.get_mut(slot).and_then(Option::as_mut) else {
            return;
        };
        let outcome = if ready {
            pending.connection.read_some()
        } else {
            ReadOutcome::Nothing
        };
        let expired = pending.deadline <= now;
        match (pending.phase, outcome) {
            (_, ReadOutcome::Closed) => {
                self.remove(slot);
            }
            (Phase::Draining, _) => {
                // Throw away what was read; close once the drain deadline passes.
                pending.connection.discard_buffer();
                if expired {
                    self.remove(slot);
                } else if ready {
                    self.arm(slot);
                }
            }
            (Phase::Idle, ReadOutcome::Progress) => {
                // The next request has begun: its head gets the full header deadline.
                pending.phase = Phase::Head;
                pending.deadline = now + self.shared.config.header_timeout;
                self.after_read(slot);
            }
            (Phase::Head, ReadOutcome::Progress) => self.after_read(slot),
            (Phase::Idle, ReadOutcome::Nothing) if expired => {
                self.remove(slot);
            }
            (Phase::Head, ReadOutcome::Nothing) if expired => {
                if let Some(pending) = self.remove(slot) {
                    self.refuse(pending.connection, StatusCode::REQUEST_TIMEOUT, now);
                }
            }
            (Phase::Idle | Phase::Head, ReadOutcome::Nothing) => {
                if ready {
                    self.arm(slot);
                }
            }
        }
        // course:decoy deadline-reset Restarts the header deadline whenever a byte arrives, so a client that dribbles a byte at a time is never cut off.
        // let Some(pending) = self.slots.get_mut(slot).and_then(Option::as_mut) else {
        //     return;
        // };
        // let outcome = if ready {
        //     pending.connection.read_some()
        // } else {
        //     ReadOutcome::Nothing
        // };
        // let expired = pending.deadline <= now;
        // match (pending.phase, outcome) {
        //     (_, ReadOutcome::Closed) => {
        //         self.remove(slot);
        //     }
        //     (Phase::Draining, _) => {
        //         pending.connection.discard_buffer();
        //         if expired {
        //             self.remove(slot);
        //         } else if ready {
        //             self.arm(slot);
        //         }
        //     }
        //     (Phase::Idle | Phase::Head, ReadOutcome::Progress) => {
        //         pending.phase = Phase::Head;
        //         pending.deadline = now + self.shared.config.header_timeout;
        //         self.after_read(slot);
        //     }
        //     (Phase::Idle, ReadOutcome::Nothing) if expired => {
        //         self.remove(slot);
        //     }
        //     (Phase::Head, ReadOutcome::Nothing) if expired => {
        //         if let Some(pending) = self.remove(slot) {
        //             self.refuse(pending.connection, StatusCode::REQUEST_TIMEOUT, now);
        //         }
        //     }
        //     (Phase::Idle | Phase::Head, ReadOutcome::Nothing) => {
        //         if ready {
        //             self.arm(slot);
        //         }
        //     }
        // }
        // course:end
    }

    /// After new bytes: dispatch a complete head, refuse an oversized one, or keep waiting.
    fn after_read(&mut self, slot: usize) {
        // course:solution p2.6 After new bytes: a complete head goes to `dispatch`, a head over a limit is refused with its status, anything else waits (armed again).
        let Some(pending) = self.slots.get_mut(slot).and_then(Option::as_mut) else {
            return;
        };
        let connection = &mut pending.connection;
        if connection.head_len().is_some() {
            if let Some(pending) = self.remove(slot) {
                self.dispatch(pending.connection);
            }
        } else if let Err(error) = request::check_incomplete_head(connection.buffer()) {
            if let Some(pending) = self.remove(slot) {
                self.refuse(pending.connection, error.status(), Instant::now());
            }
        } else {
            self.arm(slot);
        }
        // course:end
    }

    /// Hands a connection with a complete head to the pool, or answers `503` if the queue is
    /// full.
    fn dispatch(&mut self, connection: Connection) {
        let job = ConnectionJob {
            connection,
            shared: Arc::clone(&self.shared),
        };
        if let Err(rejected) = self.pool.execute(job) {
            let job = rejected.into_job();
            self.refuse(
                job.connection,
                StatusCode::SERVICE_UNAVAILABLE,
                Instant::now(),
            );
        }
    }

    /// Sends a short error response from the reader thread, without ever blocking on the
    /// client: one non-blocking write of a few hundred bytes into an empty socket buffer, which
    /// succeeds unless the client is already gone. Then drains the connection.
    fn refuse(&mut self, connection: Connection, status: StatusCode, now: Instant) {
        let mut response = Response::error(status);
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response = response.with_header("Retry-After", "1");
        }
        let mut bytes = Vec::new();
        response.write_head(false, &mut bytes);
        let body_len = response.body().len();
        if let Body::Bytes(body) = response.take_body() {
            bytes.extend_from_slice(&body);
        }
        connection.write_best_effort(&bytes);
        if self.shared.config.access_log == AccessLog::On {
            log_line("-", "-", status, body_len, Duration::ZERO);
        }
        self.start_draining(connection, now);
    }

    fn start_draining(&mut self, mut connection: Connection, now: Instant) {
        // course:solution p2.6 Shut the write side and hold the connection in Phase::Draining until DRAIN_TIMEOUT, unless the table already holds twice max_connections.
        // Draining connections may exceed `max_connections` (they are what refusing it
        // produces), but only up to twice that: politeness is not worth unbounded memory.
        if self.held() >= 2 * self.shared.config.max_connections {
            return; // Dropping it closes it.
        }
        connection.shutdown_write();
        connection.discard_buffer();
        let slot = self.insert(Pending {
            connection,
            phase: Phase::Draining,
            deadline: now + DRAIN_TIMEOUT,
            polled: true,
        });
        self.arm(slot);
        // course:stub
        // // Until p2.6: wait on this thread (at most DRAIN_TIMEOUT) for the client to close, discarding
        // // what it sends, so the kernel does not reset the connection and destroy the answer.
        // connection.shutdown_write();
        // let _ = connection.stream().set_nonblocking(false);
        // let _ = connection
        //     .stream()
        //     .set_read_timeout(Some(Duration::from_millis(100)));
        // while Instant::now() < now + DRAIN_TIMEOUT && connection.read_some() != ReadOutcome::Closed {
        //     connection.discard_buffer();
        // }
        // course:end
    }

    /// Takes back keep-alive connections from the workers.
    fn take_returned(&mut self, now: Instant) {
        // course:solution p2.7 Empty the wake-up pipe, clear `wake_pending`, then take every returned connection into the table (Idle, Head if bytes are already buffered, or Draining) and arm it, within max_connections.
        // Empty the wake pipe (the bytes only mean "look at the channel"), then clear the flag,
        // then look. In this order a worker that finds the flag clear writes a byte that stays
        // in the pipe, and one that finds it set sent its connection before this look (see
        // `hand_back`). Clearing before emptying would lose wake-ups: a byte written between
        // the two would be swallowed while its flag stayed set.
        let mut scratch = [0; 64];
        while matches!((&self.wake_receiver).read(&mut scratch), Ok(read) if read > 0) {}
        self.shared.wake_pending.store(false, Ordering::SeqCst);
        while let Ok((connection, returned)) = self.returned.try_recv() {
            let config = &self.shared.config;
            let (phase, deadline) = if returned == Returned::Drain {
                (Phase::Draining, now + DRAIN_TIMEOUT)
            } else if connection.buffer().is_empty() {
                (Phase::Idle, now + config.idle_timeout)
            } else {
                (Phase::Head, now + config.header_timeout)
            };
            // Over the limit the connection is closed; its client reconnects if it wants more.
            if self.held() < config.max_connections {
                let slot = self.insert(Pending {
                    connection,
                    phase,
                    deadline,
                    polled: true,
                });
                self.arm(slot);
            }
        }
        // course:stub
        // // Until p2.7 no connection comes back (see `hand_back`).
        // let _ = now;
        // while self.returned.try_recv().is_ok() {}
        // course:end
    }

    fn accept_new(&mut self, now: Instant) {
        // course:solution p2.6 Accept up to ACCEPT_BATCH non-blocking connections: 503 beyond max_connections, else a Phase::Head slot with the header deadline and one read at once (`service`).
        for _ in 0..ACCEPT_BATCH {
            // Non-blocking from birth: a blocking socket would let one client stall the whole
            // reader stage.
            match sys::accept_nonblocking(&self.listener) {
                Ok(stream) => {
                    let connection = Connection::new(stream);
                    if self.held() >= self.shared.config.max_connections {
                        self.refuse(connection, StatusCode::SERVICE_UNAVAILABLE, now);
                    } else {
                        let slot = self.insert(Pending {
                            connection,
                            phase: Phase::Head,
                            deadline: now + self.shared.config.header_timeout,
                            polled: false,
                        });
                        // Clients usually send the request right behind the handshake, so it
                        // is often already here: try one read now. A complete head goes
                        // straight to the pool and the socket never enters the poller.
                        self.service(slot, true, now);
                    }
                }
                Err(error) if error.kind() == io::ErrorKind::WouldBlock => return,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) => {
                    // Typically EMFILE (out of file descriptors). The listener stays readable,
                    // so pause briefly instead of spinning on the same error.
                    eprintln!("webserver: accept failed: {error}");
                    thread::sleep(Duration::from_millis(10));
                    return;
                }
            }
        }
        // course:end
    }

    /// Shutdown: stop accepting, drop connections that have no request in progress, let the
    /// pool finish what it has, and join the workers.
    fn stop(self) {
        // course:solution p2.5 Mark the server closing (workers answer `Connection: close`), drop the listener, drop the connections without a complete request, then shut the pool down.
        self.shared.closing.store(true, Ordering::SeqCst);
        drop(self.listener);
        drop(self.slots);
        self.pool.shutdown();
        // course:stub
        // // Until p2.5: everything is dropped, in field order.
        // drop(self);
        // course:end
    }
}

/// A pool job: answer the request(s) waiting on one connection.
/// A named type rather than a closure, so a rejected job can be taken apart again to answer
/// `503` on its connection.
struct ConnectionJob {
    connection: Connection,
    shared: Arc<Shared>,
}

impl Job for ConnectionJob {
    fn run(self) {
        serve_connection(self.connection, &self.shared);
    }
}

/// Answers every complete request in the connection's buffer, then either closes the
/// connection or hands it back to the reader stage.
fn serve_connection(mut connection: Connection, shared: &Shared) {
    while let Some(head_len) = connection.head_len() {
        let started = Instant::now();
        let (mut response, keep_alive, send_body, method, target) =
            match request::parse(&connection.buffer()[..head_len]) {
                Ok(request) => {
                    let response = shared.router.dispatch(&request);
                    // A request body we do not read would be taken for the next request,
                    // so such connections close after the response.
                    let keep_alive = request.wants_keep_alive()
                        && !request.has_body()
                        && !shared.closing.load(Ordering::SeqCst);
                    // course:solution p2.2 A HEAD response carries GET's head and Content-Length, and no body.
                    let send_body = request.method() != Method::Head;
                    // course:stub
                    // let send_body = true;
                    // course:end
                    let log_fields = match shared.config.access_log {
                        AccessLog::On => (
                            request.method_token().to_owned(),
                            request.target().to_owned(),
                        ),
                        AccessLog::Off => (String::new(), String::new()),
                    };
                    (response, keep_alive, send_body, log_fields.0, log_fields.1)
                }
                Err(error) => (
                    Response::error(error.status()),
                    false,
                    true,
                    "-".to_owned(),
                    "-".to_owned(),
                ),
            };
        connection.consume(head_len);
        if keep_alive {
            connection.keep_alive_mode();
        }
        let sent = connection.write_response(
            &mut response,
            keep_alive,
            send_body,
            shared.config.write_timeout,
        );
        if shared.config.access_log == AccessLog::On {
            let bytes = *sent.as_ref().unwrap_or(&0);
            log_line(
                &method,
                &target,
                response.status(),
                bytes,
                started.elapsed(),
            );
        }
        if sent.is_err() {
            return; // The client is gone or stalled; dropping the stream closes it.
        }
        if !keep_alive {
            // After an error the client may still be sending (a body, more pipelined
            // requests), so the reader stage drains the connection before closing it.
            // A clean close needs no help: dropping the stream sends FIN.
            if response_needs_drain(&response) {
                connection.discard_buffer();
                connection.shutdown_write();
                hand_back(connection, Returned::Drain, shared);
            }
            return;
        }
    }
    hand_back(connection, Returned::KeepAlive, shared);
}

/// Whether the connection should be drained before closing (see [`Phase::Draining`]):
/// only after error answers, where the client may still be sending.
fn response_needs_drain(response: &Response) -> bool {
    response.status().code() >= 400
}

/// Gives a connection back to the reader stage and wakes it.
fn hand_back(connection: Connection, returned: Returned, shared: &Shared) {
    // course:solution p2.7 Send the connection through the channel, then write one wake-up byte unless a wake-up is already pending (`wake_pending`).
    // The send comes first. If the flag is still set, the reader has not yet cleared it, so its
    // coming `try_recv` loop (which starts after the clear) will find this connection; if it
    // was clear, this worker writes the byte that wakes the reader for it.
    if shared.return_sender.send((connection, returned)).is_ok()
        && !shared.wake_pending.swap(true, Ordering::SeqCst)
    {
        // A full wake pipe already holds a wake-up, so `WouldBlock` is fine to ignore.
        let _ = (&shared.wake_sender).write(&[1]);
    }
    // course:stub
    // // Until p2.7 the connection is closed here instead of going back to the reader stage.
    // let _ = (returned, shared);
    // drop(connection);
    // course:decoy worker-waits The worker keeps an idle keep-alive connection and blocks reading its next request itself, so idle clients hold workers.
    // if returned == Returned::KeepAlive {
    //     let mut connection = connection;
    //     let _ = connection.stream().set_nonblocking(false);
    //     let _ = connection
    //         .stream()
    //         .set_read_timeout(Some(shared.config.idle_timeout));
    //     while connection.head_len().is_none() {
    //         if connection.read_some() != ReadOutcome::Progress {
    //             return;
    //         }
    //     }
    //     let _ = connection.stream().set_nonblocking(true);
    //     serve_connection(connection, shared);
    //     return;
    // }
    // if shared.return_sender.send((connection, returned)).is_ok()
    //     && !shared.wake_pending.swap(true, Ordering::SeqCst)
    // {
    //     let _ = (&shared.wake_sender).write(&[1]);
    // }
    // course:end
}

/// Prints one access-log line: `GET /index.html 200 1024 0.154ms`.
fn log_line(method: &str, target: &str, status: StatusCode, bytes: u64, elapsed: Duration) {
    let millis = elapsed.as_secs_f64() * 1000.0;
    // A closed stdout (e.g. piped into `head`) must not take the server down.
    let _ = writeln!(
        io::stdout().lock(),
        "{method} {target} {} {bytes} {millis:.3}ms",
        status.code()
    );
}

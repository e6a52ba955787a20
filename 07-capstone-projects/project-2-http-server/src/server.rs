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
//!    with one `poll(2)`. It only reads and buffers bytes, enforces the size limits and the
//!    header deadline, and never blocks on a single client. A connection reaches the pool only
//!    once its head is complete.
//! 2. **The workers** (see `pool`) parse the head, route it, and write the response. Writes wait
//!    at most `write_timeout` for the client to make progress. A keep-alive connection whose
//!    next request has not arrived yet goes *back* to the reader stage through a channel, so an
//!    idle client never holds a worker either.
//!
//! A slow client therefore costs one buffer (at most `MAX_HEAD` bytes) and one poll entry, not a
//! thread. See ARCHITECTURE.md for the full argument.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::os::unix::fs::FileExt;
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread;
use std::time::{Duration, Instant};

use crate::files::{Listing, Root};
use crate::pool::{Job, Rejected, ThreadPool};
use crate::request::{self, Method};
use crate::response::{Body, Response, StatusCode};
use crate::router::{Router, default_router};
use crate::{Error, sys};

/// Whether each response is logged to stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessLog {
    /// One line per response: method, target, status, body bytes, milliseconds.
    On,
    /// Nothing is logged (`--quiet`).
    Off,
}

/// Everything [`serve`] needs besides the listener.
#[derive(Debug, Clone)]
pub struct Config {
    /// The directory to serve.
    pub root: PathBuf,
    /// Whether directories without `index.html` are listed.
    pub listing: Listing,
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
            root: PathBuf::from("."),
            listing: Listing::Off,
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

/// Serves files from `config.root` on `listener` until `shutdown` becomes true, then stops
/// accepting, finishes the requests already taken, joins the workers and returns.
///
/// The caller binds the listener, so tests can bind `127.0.0.1:0` and `main` can report a port
/// that is in use before anything starts.
///
/// # Errors
///
/// [`Error::Root`] / [`Error::RootNotDirectory`] for a bad root, [`Error::ZeroThreads`] /
/// [`Error::Spawn`] if the pool cannot start, [`Error::Io`] if the listener fails.
pub fn serve(listener: TcpListener, config: Config, shutdown: &AtomicBool) -> Result<(), Error> {
    let root = Root::new(&config.root)?;
    let router = default_router(root, config.listing);
    serve_with_router(listener, config, router, shutdown)
}

/// Like [`serve`], with a caller-built [`Router`] (`config.root` and `config.listing` unused).
///
/// # Errors
///
/// As for [`serve`], minus the root errors.
pub fn serve_with_router(
    listener: TcpListener,
    config: Config,
    router: Router,
    shutdown: &AtomicBool,
) -> Result<(), Error> {
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
        return_sender,
        wake_sender,
    });
    let mut reader = ReaderStage {
        listener,
        wake_receiver,
        returned,
        pending: Vec::new(),
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
    /// Where workers send keep-alive connections back to the reader stage.
    return_sender: Sender<Connection>,
    /// One byte written here wakes the reader stage's `poll`.
    wake_sender: UnixStream,
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

/// A client connection plus the bytes read from it that no request has consumed yet.
#[derive(Debug)]
struct Connection {
    stream: TcpStream,
    buffer: Vec<u8>,
    /// `buffer[..scanned]` is known not to contain the end of a head.
    scanned: usize,
    phase: Phase,
    deadline: Instant,
    /// Whether Nagle's algorithm has been switched off (see [`serve_connection`]).
    nodelay: bool,
}

/// Bytes requested from the kernel per read.
const READ_CHUNK: usize = 4096;
/// Longest wait in `poll`, so the shutdown flag is noticed promptly.
const POLL_INTERVAL: Duration = Duration::from_millis(50);
/// How long a draining connection may keep sending before it is closed anyway.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(2);
/// Files up to this size are read into the response buffer and sent with the head in one
/// write; larger ones are streamed with `sendfile`.
const INLINE_FILE_LIMIT: u64 = 64 * 1024;
/// Buffer of the portable streaming fallback: memory per large download stays bounded by it.
const STREAM_CHUNK: usize = 64 * 1024;
/// Most connections accepted per poll round, so a connection flood cannot starve the others.
const ACCEPT_BATCH: usize = 256;

enum ReadOutcome {
    /// Bytes were added to the buffer.
    Progress,
    /// Nothing to read right now.
    Nothing,
    /// The client closed its side or the socket failed.
    Closed,
}

impl Connection {
    fn new(stream: TcpStream, phase: Phase, deadline: Instant) -> Connection {
        Connection {
            stream,
            buffer: Vec::new(),
            scanned: 0,
            phase,
            deadline,
            nodelay: false,
        }
    }

    /// One non-blocking read into the buffer. `poll` is level-triggered, so whatever is left
    /// in the socket is reported again on the next round.
    fn read_some(&mut self) -> ReadOutcome {
        let old_len = self.buffer.len();
        self.buffer.resize(old_len + READ_CHUNK, 0);
        let outcome = match self.stream.read(&mut self.buffer[old_len..]) {
            Ok(0) => (0, ReadOutcome::Closed),
            Ok(read) => (read, ReadOutcome::Progress),
            Err(error)
                if matches!(
                    error.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted
                ) =>
            {
                (0, ReadOutcome::Nothing)
            }
            Err(_) => (0, ReadOutcome::Closed),
        };
        self.buffer.truncate(old_len + outcome.0);
        outcome.1
    }

    /// Length of the complete head at the start of the buffer, if it has arrived.
    /// Remembers how far it looked, so a client dribbling bytes costs linear, not quadratic,
    /// scanning.
    fn head_len(&mut self) -> Option<usize> {
        let skip = request::leading_empty_lines(&self.buffer);
        if skip > 0 {
            self.buffer.drain(..skip);
            self.scanned = 0;
        }
        // A head ends with "\n\n" or "\n\r\n", so a terminator that ends in the new bytes
        // starts at most three bytes before them.
        let from = self.scanned.saturating_sub(3);
        let found = request::find_head_end(&self.buffer[from..]).map(|len| from + len);
        self.scanned = if found.is_some() {
            0
        } else {
            self.buffer.len()
        };
        found
    }
}

struct ReaderStage {
    listener: TcpListener,
    wake_receiver: UnixStream,
    returned: Receiver<Connection>,
    pending: Vec<Connection>,
    pool: ThreadPool,
    shared: Arc<Shared>,
}

impl ReaderStage {
    fn run(&mut self, shutdown: &AtomicBool) -> Result<(), Error> {
        let mut fds = Vec::new();
        while !shutdown.load(Ordering::SeqCst) {
            // Poll set layout: [listener, wake pipe, pending[0], pending[1], ...].
            fds.clear();
            fds.push(sys::poll_fd(&self.listener, sys::READABLE));
            fds.push(sys::poll_fd(&self.wake_receiver, sys::READABLE));
            fds.extend(
                self.pending
                    .iter()
                    .map(|connection| sys::poll_fd(&connection.stream, sys::READABLE)),
            );
            let now = Instant::now();
            let timeout = self
                .pending
                .iter()
                .map(|connection| connection.deadline.saturating_duration_since(now))
                .fold(POLL_INTERVAL, Duration::min);
            sys::poll(&mut fds, timeout)?;

            // Connections first, in reverse so `swap_remove` only moves entries already seen;
            // then returned and new connections, which were not in this poll set.
            let now = Instant::now();
            for index in (0..self.pending.len()).rev() {
                let ready = fds[index + 2].revents & sys::ANY_EVENT != 0;
                if ready || self.pending[index].deadline <= now {
                    self.service(index, ready, now);
                }
            }
            if fds[1].revents != 0 {
                self.take_returned(now);
            }
            if fds[0].revents != 0 {
                self.accept_new(now);
            }
        }
        Ok(())
    }

    /// Reads from (or expires) `pending[index]` and moves it on if its head is complete.
    fn service(&mut self, index: usize, ready: bool, now: Instant) {
        let connection = &mut self.pending[index];
        let outcome = if ready {
            connection.read_some()
        } else {
            ReadOutcome::Nothing
        };
        match (connection.phase, outcome) {
            (_, ReadOutcome::Closed) => {
                self.pending.swap_remove(index);
            }
            (Phase::Draining, _) => {
                // Throw away what was read; close once the drain deadline passes.
                connection.buffer.clear();
                if connection.deadline <= now {
                    self.pending.swap_remove(index);
                }
            }
            (Phase::Idle, ReadOutcome::Progress) => {
                // The next request has begun: its head gets the full header deadline.
                connection.phase = Phase::Head;
                connection.deadline = now + self.shared.config.header_timeout;
                self.after_read(index);
            }
            (Phase::Head, ReadOutcome::Progress) => self.after_read(index),
            (Phase::Idle, ReadOutcome::Nothing) => {
                if connection.deadline <= now {
                    self.pending.swap_remove(index);
                }
            }
            (Phase::Head, ReadOutcome::Nothing) => {
                if connection.deadline <= now {
                    let connection = self.pending.swap_remove(index);
                    self.refuse(connection, StatusCode::REQUEST_TIMEOUT, now);
                }
            }
        }
    }

    /// After new bytes: dispatch a complete head, refuse an oversized one, or keep waiting.
    fn after_read(&mut self, index: usize) {
        let connection = &mut self.pending[index];
        if connection.head_len().is_some() {
            let connection = self.pending.swap_remove(index);
            self.dispatch(connection);
        } else if let Err(error) = request::check_incomplete_head(&connection.buffer) {
            let connection = self.pending.swap_remove(index);
            self.refuse(connection, error.status(), Instant::now());
        }
    }

    /// Hands a connection with a complete head to the pool, or answers `503` if the queue is
    /// full.
    fn dispatch(&mut self, connection: Connection) {
        let job = ConnectionJob {
            connection,
            shared: Arc::clone(&self.shared),
        };
        if let Err(rejected) = self.pool.execute(job) {
            let job = match rejected {
                Rejected::Full(job) | Rejected::ShutDown(job) => job,
            };
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
    fn refuse(&mut self, mut connection: Connection, status: StatusCode, now: Instant) {
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
        // Best effort by design: if the client cannot take 200 bytes, it gets nothing.
        let _ = connection.stream.write(&bytes);
        if self.shared.config.access_log == AccessLog::On {
            log_line("-", "-", status, body_len, Duration::ZERO);
        }
        self.start_draining(connection, now);
    }

    fn start_draining(&mut self, mut connection: Connection, now: Instant) {
        // Draining connections may exceed `max_connections` (they are what refusing it
        // produces), but only up to twice that: politeness is not worth unbounded memory.
        if self.pending.len() >= 2 * self.shared.config.max_connections {
            return; // Dropping it closes it.
        }
        let _ = connection.stream.shutdown(Shutdown::Write);
        connection.buffer = Vec::new();
        connection.phase = Phase::Draining;
        connection.deadline = now + DRAIN_TIMEOUT;
        self.pending.push(connection);
    }

    /// Takes back keep-alive connections from the workers.
    fn take_returned(&mut self, now: Instant) {
        // Empty the wake pipe: the bytes only mean "look at the channel".
        let mut scratch = [0; 64];
        while matches!((&self.wake_receiver).read(&mut scratch), Ok(read) if read > 0) {}
        while let Ok(mut connection) = self.returned.try_recv() {
            if connection.phase == Phase::Draining {
                connection.deadline = now + DRAIN_TIMEOUT;
            } else if connection.buffer.is_empty() {
                connection.phase = Phase::Idle;
                connection.deadline = now + self.shared.config.idle_timeout;
            } else {
                connection.phase = Phase::Head;
                connection.deadline = now + self.shared.config.header_timeout;
            }
            // Over the limit the connection is closed; its client reconnects if it wants more.
            if self.pending.len() < self.shared.config.max_connections {
                self.pending.push(connection);
            }
        }
    }

    fn accept_new(&mut self, now: Instant) {
        for _ in 0..ACCEPT_BATCH {
            // Non-blocking from birth: a blocking socket would let one client stall the whole
            // reader stage.
            match sys::accept_nonblocking(&self.listener) {
                Ok(stream) => {
                    let connection = Connection::new(
                        stream,
                        Phase::Head,
                        now + self.shared.config.header_timeout,
                    );
                    if self.pending.len() >= self.shared.config.max_connections {
                        self.refuse(connection, StatusCode::SERVICE_UNAVAILABLE, now);
                    } else {
                        self.pending.push(connection);
                        // Clients usually send the request right behind the handshake, so it
                        // is often already here: try one read now instead of a poll round later.
                        let index = self.pending.len() - 1;
                        self.service(index, true, now);
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
    }

    /// Shutdown: stop accepting, drop connections that have no request in progress, let the
    /// pool finish what it has, and join the workers.
    fn stop(self) {
        self.shared.closing.store(true, Ordering::SeqCst);
        drop(self.listener);
        drop(self.pending);
        self.pool.shutdown();
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
            match request::parse(&connection.buffer[..head_len]) {
                Ok(request) => {
                    let response = shared.router.dispatch(&request);
                    // A request body we do not read would be taken for the next request,
                    // so such connections close after the response.
                    let keep_alive = request.wants_keep_alive()
                        && !request.has_body()
                        && !shared.closing.load(Ordering::SeqCst);
                    let log_fields = match shared.config.access_log {
                        AccessLog::On => (
                            request.method_token().to_owned(),
                            request.target().to_owned(),
                        ),
                        AccessLog::Off => (String::new(), String::new()),
                    };
                    (
                        response,
                        keep_alive,
                        request.method() != Method::Head,
                        log_fields.0,
                        log_fields.1,
                    )
                }
                Err(error) => (
                    Response::error(error.status()),
                    false,
                    true,
                    "-".to_owned(),
                    "-".to_owned(),
                ),
            };
        connection.buffer.drain(..head_len);
        if keep_alive && !connection.nodelay {
            // On a connection that carries several responses, Nagle's algorithm could hold the
            // last small segment of one back until the client's delayed ACK (tens of
            // milliseconds). A connection that closes after one response does not need this
            // system call. It is only an optimisation, so a failure is ignored.
            let _ = connection.stream.set_nodelay(true);
            connection.nodelay = true;
        }
        let sent = send_response(
            &connection.stream,
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
                connection.phase = Phase::Draining;
                connection.buffer.clear();
                let _ = connection.stream.shutdown(Shutdown::Write);
                hand_back(connection, shared);
            }
            return;
        }
    }
    hand_back(connection, shared);
}

/// Whether the connection should be drained before closing (see [`Phase::Draining`]):
/// only after error answers, where the client may still be sending.
fn response_needs_drain(response: &Response) -> bool {
    response.status().code() >= 400
}

/// Gives a connection back to the reader stage and wakes it.
fn hand_back(connection: Connection, shared: &Shared) {
    if shared.return_sender.send(connection).is_ok() {
        // A full wake pipe already holds a wake-up, so `WouldBlock` is fine to ignore.
        let _ = (&shared.wake_sender).write(&[1]);
    }
}

/// Writes one response; returns the number of body bytes sent.
fn send_response(
    stream: &TcpStream,
    response: &mut Response,
    keep_alive: bool,
    send_body: bool,
    timeout: Duration,
) -> io::Result<u64> {
    let mut out = Vec::with_capacity(512);
    response.write_head(keep_alive, &mut out);
    let body = if send_body && response.status().allows_body() {
        response.take_body()
    } else {
        Body::Empty
    };
    match body {
        Body::Empty => write_all(stream, &out, timeout).map(|()| 0),
        Body::Bytes(bytes) => {
            out.extend_from_slice(&bytes);
            write_all(stream, &out, timeout).map(|()| bytes.len() as u64)
        }
        Body::File { file, offset, len } if len <= INLINE_FILE_LIMIT => {
            // `len` is at most 64 KiB here, so it fits in usize on every platform.
            let head_len = out.len();
            out.resize(head_len + len as usize, 0);
            file.read_exact_at(&mut out[head_len..], offset)?;
            write_all(stream, &out, timeout).map(|()| len)
        }
        Body::File { file, offset, len } => {
            write_head_before_file(stream, &out, timeout)?;
            stream_file(stream, &file, offset, len, timeout).map(|()| len)
        }
    }
}

/// Writes all of `bytes` to a non-blocking socket, waiting up to `timeout` each time the
/// socket is full.
fn write_all(stream: &TcpStream, mut bytes: &[u8], timeout: Duration) -> io::Result<()> {
    while !bytes.is_empty() {
        match (&*stream).write(bytes) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(written) => bytes = &bytes[written..],
            Err(error) if error.kind() == io::ErrorKind::WouldBlock => {
                sys::wait_writable(stream, timeout)?
            }
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
    Ok(())
}

/// Writes a response head that a streamed file body will follow. On Linux the head is sent with
/// `MSG_MORE`, so it shares its first packet with the file data instead of travelling alone.
fn write_head_before_file(stream: &TcpStream, head: &[u8], timeout: Duration) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        let mut head = head;
        while !head.is_empty() {
            match sys::send_more(stream, head) {
                Ok(sent) => head = &head[sent..],
                Err(error) if error.kind() == io::ErrorKind::WouldBlock => {
                    sys::wait_writable(stream, timeout)?
                }
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => return Err(error),
            }
        }
        Ok(())
    }
    #[cfg(not(target_os = "linux"))]
    {
        write_all(stream, head, timeout)
    }
}

/// Sends `len` bytes of `file` from `offset`: with `sendfile(2)` on Linux (no copy through user
/// space), and through a bounded buffer elsewhere or if `sendfile` is refused.
fn stream_file(
    stream: &TcpStream,
    file: &std::fs::File,
    offset: u64,
    len: u64,
    timeout: Duration,
) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        let mut offset = offset;
        let end = offset + len;
        while offset < end {
            let chunk = usize::try_from(end - offset)
                .unwrap_or(usize::MAX)
                .min(1 << 30);
            match sys::sendfile(stream, file, &mut offset, chunk) {
                Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()), // file shrank
                Ok(_) => {}
                Err(error) if error.kind() == io::ErrorKind::WouldBlock => {
                    sys::wait_writable(stream, timeout)?
                }
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                // EINVAL/ENOSYS: this file system cannot sendfile; finish with the fallback.
                Err(error) if matches!(error.raw_os_error(), Some(libc::EINVAL | libc::ENOSYS)) => {
                    return copy_with_buffer(stream, file, offset, end - offset, timeout);
                }
                Err(error) => return Err(error),
            }
        }
        Ok(())
    }
    #[cfg(not(target_os = "linux"))]
    {
        copy_with_buffer(stream, file, offset, len, timeout)
    }
}

/// The portable way to stream a file: positioned reads into one fixed buffer, each followed by
/// a full write. Memory stays at [`STREAM_CHUNK`] however large the file.
fn copy_with_buffer(
    stream: &TcpStream,
    file: &std::fs::File,
    mut offset: u64,
    len: u64,
    timeout: Duration,
) -> io::Result<()> {
    let mut buffer = vec![0; STREAM_CHUNK];
    let end = offset + len;
    while offset < end {
        let want =
            usize::try_from(end - offset).map_or(STREAM_CHUNK, |left| left.min(STREAM_CHUNK));
        let read = file.read_at(&mut buffer[..want], offset)?;
        if read == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into()); // file shrank
        }
        write_all(stream, &buffer[..read], timeout)?;
        offset += read as u64;
    }
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::File;
    use std::net::TcpListener;

    /// A connected pair of TCP sockets on loopback: (server side, client side).
    fn socket_pair() -> (TcpStream, TcpStream) {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let client = TcpStream::connect(listener.local_addr().expect("addr")).expect("connect");
        let (server, _) = listener.accept().expect("accept");
        (server, client)
    }

    #[test]
    fn copy_with_buffer_streams_the_requested_range() {
        let mut file = tempfile::tempfile().expect("temp file");
        let content: Vec<u8> = (0..200_000u32).map(|n| (n % 251) as u8).collect();
        file.write_all(&content).expect("write");
        let (server, mut client) = socket_pair();
        server.set_nonblocking(true).expect("nonblocking");
        let reader = thread::spawn(move || {
            let mut received = Vec::new();
            client.read_to_end(&mut received).expect("read");
            received
        });
        copy_with_buffer(&server, &file, 1000, 150_000, Duration::from_secs(5)).expect("copy");
        drop(server);
        assert_eq!(reader.join().expect("reader"), &content[1000..151_000]);
    }

    #[test]
    fn stream_file_reports_a_file_that_shrank() {
        let file: File = tempfile::tempfile().expect("temp file");
        file.set_len(10).expect("set_len");
        let (server, _client) = socket_pair();
        server.set_nonblocking(true).expect("nonblocking");
        let error =
            stream_file(&server, &file, 0, 100, Duration::from_secs(1)).expect_err("short file");
        assert_eq!(error.kind(), io::ErrorKind::UnexpectedEof);
    }

    #[test]
    fn head_len_scans_incrementally() {
        let (server, _client) = socket_pair();
        let mut connection = Connection::new(server, Phase::Head, Instant::now());
        let head = b"\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n";
        for &byte in head.iter() {
            assert_eq!(connection.head_len(), None);
            connection.buffer.push(byte);
        }
        // The leading CRLF is stripped, the rest is one complete head.
        assert_eq!(connection.head_len(), Some(head.len() - 2));
    }
}

//! Shared helpers for the integration tests: a fixture directory, a server running on
//! `127.0.0.1:0` in a background thread, and a raw-socket HTTP client that parses just enough
//! of a response to make assertions readable.

#![allow(
    dead_code,
    reason = "each test file uses a different subset of these helpers"
)]

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::PathBuf;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use webserver::request::{Method, Request};
use webserver::response::{Response, StatusCode};
use webserver::root::Root;
use webserver::router::Router;
use webserver::server::{AccessLog, Config, ServeError, serve};
use webserver::static_files::Listing;

/// Body of `/hello.txt`.
pub const HELLO: &str = "hello, world\n";
/// Content of the file outside the root that no request may ever return.
pub const SECRET: &str = "TOP-SECRET-outside-the-root";
/// Size of `/big.bin`: larger than the inline limit, so it is streamed.
pub const BIG_LEN: usize = 3 * 1024 * 1024 + 17;

/// The byte at `index` of `/big.bin`: a pattern that makes misplaced ranges visible.
pub fn big_byte(index: usize) -> u8 {
    (index % 251) as u8
}

/// True when `body` is exactly the whole of `/big.bin`: right length, every byte in place.
pub fn is_big_file(body: &[u8]) -> bool {
    body.len() == BIG_LEN && body.iter().enumerate().all(|(i, &b)| b == big_byte(i))
}

/// Builds this tree in a fresh temporary directory and returns (guard, root):
///
/// ```text
/// secret.txt                 (outside the root)
/// root/index.html
/// root/hello.txt
/// root/big.bin
/// root/docs/index.html
/// root/empty/                (no index.html)
/// root/list/<b>&"x".txt      (for the listing)
/// root/list/sub/
/// root/unreadable.txt        (mode 000)
/// root/escape      -> ../secret.txt
/// root/escape-dir  -> ..
/// ```
pub fn fixture() -> (tempfile::TempDir, PathBuf) {
    let outside = tempfile::tempdir().expect("temp dir");
    let root = outside.path().join("root");
    fs::create_dir_all(root.join("docs")).expect("mkdir");
    fs::create_dir_all(root.join("empty")).expect("mkdir");
    fs::create_dir_all(root.join("list/sub")).expect("mkdir");
    fs::write(outside.path().join("secret.txt"), SECRET).expect("write");
    fs::write(root.join("index.html"), "<h1>home</h1>\n").expect("write");
    fs::write(root.join("hello.txt"), HELLO).expect("write");
    let big: Vec<u8> = (0..BIG_LEN).map(big_byte).collect();
    fs::write(root.join("big.bin"), big).expect("write");
    fs::write(root.join("docs/index.html"), "<h1>docs</h1>\n").expect("write");
    fs::write(root.join("list/<b>&\"x\".txt"), "").expect("write");
    fs::write(root.join("unreadable.txt"), "no").expect("write");
    fs::set_permissions(
        root.join("unreadable.txt"),
        fs::Permissions::from_mode(0o000),
    )
    .expect("chmod");
    symlink("../secret.txt", root.join("escape")).expect("symlink");
    symlink("..", root.join("escape-dir")).expect("symlink");
    (outside, root)
}

/// Test configuration: small pool, quiet, short timeouts so timeout tests run quickly.
pub fn test_config() -> Config {
    Config {
        threads: 4,
        access_log: AccessLog::Off,
        header_timeout: Duration::from_secs(5),
        idle_timeout: Duration::from_secs(5),
        write_timeout: Duration::from_secs(5),
        ..Config::default()
    }
}

/// A server running on a background thread; stops (and is joined) on drop.
pub struct TestServer {
    pub addr: SocketAddr,
    pub root: PathBuf,
    shutdown: Arc<AtomicBool>,
    thread: Option<JoinHandle<Result<(), ServeError>>>,
    _fixture: tempfile::TempDir,
}

impl TestServer {
    /// Serves a fresh fixture with the default router (no listings) and `test_config`,
    /// adjusted by `adjust`.
    pub fn start(adjust: impl FnOnce(&mut Config)) -> TestServer {
        TestServer::start_listing(Listing::Off, adjust)
    }

    /// As [`TestServer::start`], with directory listings as given.
    pub fn start_listing(listing: Listing, adjust: impl FnOnce(&mut Config)) -> TestServer {
        let (guard, root) = fixture();
        let opened = Root::new(&root).expect("the fixture root opens");
        TestServer::spawn(
            root,
            guard,
            webserver::default_router(opened, listing),
            adjust,
        )
    }

    /// Serves `router` with `test_config`, adjusted by `adjust`.
    pub fn start_with_router(router: Router, adjust: impl FnOnce(&mut Config)) -> TestServer {
        let (guard, root) = fixture();
        TestServer::spawn(root, guard, router, adjust)
    }

    fn spawn(
        root: PathBuf,
        guard: tempfile::TempDir,
        router: Router,
        adjust: impl FnOnce(&mut Config),
    ) -> TestServer {
        let mut config = test_config();
        adjust(&mut config);
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        let shutdown = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&shutdown);
        let thread = thread::spawn(move || serve(listener, router, config, &flag));
        TestServer {
            addr,
            root,
            shutdown,
            thread: Some(thread),
            _fixture: guard,
        }
    }

    /// Opens a connection with generous timeouts (a hung test fails instead of hanging).
    pub fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(self.addr).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        stream
            .set_write_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        stream
    }

    /// Sends `raw` on a new connection and reads until the server closes it.
    pub fn send(&self, raw: &[u8]) -> HttpResponse {
        let mut stream = self.connect();
        stream.write_all(raw).expect("write request");
        let mut bytes = Vec::new();
        stream.read_to_end(&mut bytes).expect("read response");
        HttpResponse::parse(&bytes)
    }

    /// `GET path` as HTTP/1.0 (so the server closes the connection).
    pub fn get(&self, path: &str) -> HttpResponse {
        self.send(format!("GET {path} HTTP/1.0\r\n\r\n").as_bytes())
    }

    /// `GET path` as HTTP/1.0 on a new connection whose whole response must arrive within
    /// `limit` (the test fails otherwise): how the slow-client tests show that a normal request
    /// is still served.
    pub fn get_within(&self, path: &str, limit: Duration) -> HttpResponse {
        let mut stream = self.connect();
        stream.set_read_timeout(Some(limit)).expect("timeout");
        stream
            .write_all(format!("GET {path} HTTP/1.0\r\n\r\n").as_bytes())
            .expect("write request");
        let mut bytes = Vec::new();
        stream.read_to_end(&mut bytes).unwrap_or_else(|err| {
            panic!("no whole response to GET {path} within {limit:?}: {err}")
        });
        HttpResponse::parse(&bytes)
    }

    /// Requests shutdown and waits for `serve` to return.
    pub fn stop(mut self) -> Result<(), ServeError> {
        self.shutdown.store(true, Ordering::SeqCst);
        self.thread
            .take()
            .expect("joined only here or in drop")
            .join()
            .expect("serve does not panic")
    }

    /// The shutdown flag, for tests that trigger it from elsewhere.
    pub fn shutdown_flag(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.shutdown)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.shutdown.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A parsed response.
#[derive(Debug, Clone)]
pub struct HttpResponse {
    pub status_line: String,
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// Parses a whole response (head and everything after it as the body).
    pub fn parse(bytes: &[u8]) -> HttpResponse {
        let head_end = bytes
            .windows(4)
            .position(|window| window == b"\r\n\r\n")
            .unwrap_or_else(|| panic!("no complete head in {:?}", String::from_utf8_lossy(bytes)));
        let head = std::str::from_utf8(&bytes[..head_end]).expect("ASCII head");
        let mut lines = head.split("\r\n");
        let status_line = lines.next().expect("status line").to_owned();
        let status = status_line
            .split(' ')
            .nth(1)
            .and_then(|code| code.parse().ok())
            .unwrap_or_else(|| panic!("bad status line {status_line:?}"));
        let headers = lines
            .map(|line| {
                let (name, value) = line.split_once(": ").expect("name: value");
                (name.to_owned(), value.to_owned())
            })
            .collect();
        HttpResponse {
            status_line,
            status,
            headers,
            body: bytes[head_end + 4..].to_vec(),
        }
    }

    /// The first header called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Reads exactly one response from a kept-alive connection, using `Content-Length`.
/// `head_only` is for responses to HEAD, which announce a length but carry no body.
pub fn read_one_response(stream: &mut TcpStream, head_only: bool) -> HttpResponse {
    let mut bytes = Vec::new();
    let mut byte = [0; 1];
    while !bytes.ends_with(b"\r\n\r\n") {
        let read = stream.read(&mut byte).expect("read head");
        assert_eq!(
            read,
            1,
            "connection closed inside a head: {:?}",
            String::from_utf8_lossy(&bytes)
        );
        bytes.push(byte[0]);
    }
    let mut response = HttpResponse::parse(&bytes);
    let len: usize = response
        .header("content-length")
        .map_or(0, |len| len.parse().expect("numeric length"));
    if !head_only && response.status != 304 {
        let mut body = vec![0; len];
        stream.read_exact(&mut body).expect("read body");
        response.body = body;
    }
    response
}

/// The binary under test (the crate's own `webserver`).
pub const BINARY: &str = env!("CARGO_BIN_EXE_webserver");

/// A running `webserver` process; killed on drop if a test failed before stopping it.
pub struct Running {
    pub child: Child,
    pub stdout: BufReader<ChildStdout>,
    pub addr: SocketAddr,
}

impl Running {
    pub fn start(args: &[&str]) -> Running {
        let mut child = Command::new(BINARY)
            .args(["--addr", "127.0.0.1:0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the binary");
        let mut stdout = BufReader::new(child.stdout.take().expect("piped"));
        let mut banner = String::new();
        stdout.read_line(&mut banner).expect("start-up line");
        let url = banner
            .trim()
            .rsplit_once(" on http://")
            .unwrap_or_else(|| panic!("unexpected start-up line {banner:?}"))
            .1;
        assert!(banner.starts_with("Serving /"), "{banner:?}");
        Running {
            child,
            stdout,
            addr: url.parse().expect("address in start-up line"),
        }
    }

    pub fn get(&self, path: &str) -> HttpResponse {
        let mut stream = TcpStream::connect(self.addr).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        stream
            .write_all(format!("GET {path} HTTP/1.0\r\n\r\n").as_bytes())
            .expect("write");
        let mut bytes = Vec::new();
        stream.read_to_end(&mut bytes).expect("read");
        HttpResponse::parse(&bytes)
    }

    pub fn next_line(&mut self) -> String {
        let mut line = String::new();
        self.stdout.read_line(&mut line).expect("stdout line");
        line
    }

    /// Sends SIGTERM (through the `kill` utility, to this child's pid only) and waits for the
    /// process to exit; returns its status and the rest of its stdout.
    pub fn terminate(self) -> (std::process::ExitStatus, String) {
        self.send_sigterm();
        self.wait_exit()
    }

    /// Sends SIGTERM to this child (its pid only) without waiting.
    pub fn send_sigterm(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success());
    }

    /// Waits (at most 10 s) for the process to exit; returns its status and the rest of its
    /// stdout.
    pub fn wait_exit(mut self) -> (std::process::ExitStatus, String) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                let mut rest = String::new();
                self.stdout.read_to_string(&mut rest).expect("stdout");
                return (status, rest);
            }
            assert!(
                Instant::now() < deadline,
                "server did not stop within 10 s of SIGTERM"
            );
            thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A numeric field of `/proc/<pid>/status` (Linux): `VmHWM` (peak resident memory, KiB),
/// `Threads`, ... `None` where `/proc` is not available.
pub fn proc_status(pid: u32, field: &str) -> Option<u64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status.lines().find_map(|line| {
        let value = line.strip_prefix(field)?.strip_prefix(':')?;
        value.trim().trim_end_matches("kB").trim().parse().ok()
    })
}

/// Reads from `stream` until a whole response head has arrived; returns the parsed head (its
/// body holds whatever bytes of the body came with it). Panics if the connection closes or the
/// read times out first.
pub fn read_head(stream: &mut TcpStream) -> HttpResponse {
    let mut received = Vec::new();
    let mut buffer = [0; 4096];
    while !received.windows(4).any(|window| window == b"\r\n\r\n") {
        let read = stream.read(&mut buffer).expect("the response head arrives");
        assert!(read > 0, "the connection closed before a response head");
        received.extend_from_slice(&buffer[..read]);
    }
    HttpResponse::parse(&received)
}

/// Creates a sparse file of `len` bytes (all zero) at `path`: long, without using the disk.
pub fn sparse_file(path: &std::path::Path, len: u64) {
    fs::File::create(path)
        .and_then(|file| file.set_len(len))
        .expect("create a sparse file");
}

/// A router whose `/panic` handler panics and whose `/meet` handler answers `200 met` only if
/// two requests are inside it at the same time (within 5 s), which needs two live workers.
pub fn panicking_router() -> Router {
    let inside = Arc::new(AtomicUsize::new(0));
    Router::new()
        .route(&[Method::Get], "/panic", |_: &Request<'_>| -> Response {
            panic!("a handler panics on purpose (worker-panic test)")
        })
        .route(&[Method::Get], "/meet", move |_: &Request<'_>| {
            inside.fetch_add(1, Ordering::SeqCst);
            let deadline = Instant::now() + Duration::from_secs(5);
            while inside.load(Ordering::SeqCst) < 2 && Instant::now() < deadline {
                thread::sleep(Duration::from_millis(5));
            }
            if inside.load(Ordering::SeqCst) >= 2 {
                Response::text(StatusCode::OK, "met\n")
            } else {
                Response::text(StatusCode::INTERNAL_SERVER_ERROR, "alone\n")
            }
        })
}

//! Scenario: a user runs the real `webserver` binary. It prints where it serves, logs each
//! request, reports a bad root or a busy port clearly, stops cleanly on SIGTERM, works with
//! `curl`, and streams a 1 GiB file without its memory growing.

mod util;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Command;
use std::time::Duration;

use util::{HELLO, HttpResponse, Running, fixture, proc_status};

const BINARY: &str = env!("CARGO_BIN_EXE_webserver");

#[test]
fn binary_serves_logs_and_stops_on_sigterm() {
    let (_guard, root) = fixture();
    let mut server = Running::start(&["--root", root.to_str().expect("utf-8")]);
    assert_eq!(server.get("/hello.txt").text(), HELLO);
    let log = server.next_line();
    let fields: Vec<&str> = log.split_whitespace().collect();
    assert_eq!(fields[..4], ["GET", "/hello.txt", "200", "13"], "{log:?}");
    assert!(fields[4].ends_with("ms"), "{log:?}");
    assert_eq!(server.get("/missing").status, 404);
    assert!(server.next_line().starts_with("GET /missing 404 "));

    let (status, rest) = server.terminate();
    assert!(status.success(), "exit status {status:?}");
    assert!(rest.contains("Shut down cleanly"), "{rest:?}");
}

#[test]
fn binary_quiet_prints_no_access_log() {
    let (_guard, root) = fixture();
    let server = Running::start(&[
        "--root",
        root.to_str().expect("utf-8"),
        "--quiet",
        "--threads",
        "2",
    ]);
    assert_eq!(server.get("/hello.txt").status, 200);
    let (status, rest) = server.terminate();
    assert!(status.success());
    assert_eq!(rest, "Shut down cleanly\n");
}

fn run_to_failure(args: &[&str]) -> (i32, String) {
    let output = Command::new(BINARY)
        .args(args)
        .output()
        .expect("run the binary");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (output.status.code().expect("exited normally"), stderr)
}

#[test]
fn binary_reports_bad_root() {
    let (guard, root) = fixture();
    let missing = guard.path().join("nope");
    let (code, stderr) = run_to_failure(&["--root", missing.to_str().expect("utf-8")]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("cannot serve") && stderr.contains("No such file"),
        "{stderr}"
    );

    let file = root.join("hello.txt");
    let (code, stderr) = run_to_failure(&["--root", file.to_str().expect("utf-8")]);
    assert_eq!(code, 1);
    assert!(stderr.contains("not a directory"), "{stderr}");
}

#[test]
fn binary_reports_port_in_use() {
    let (_guard, root) = fixture();
    let taken = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = taken.local_addr().expect("addr").to_string();
    let (code, stderr) =
        run_to_failure(&["--root", root.to_str().expect("utf-8"), "--addr", &addr]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains(&format!("cannot listen on {addr}")),
        "{stderr}"
    );
    assert!(stderr.contains("in use"), "{stderr}");
}

#[test]
fn binary_reports_usage_errors() {
    let (code, stderr) = run_to_failure(&["--threads", "0"]);
    assert_eq!(code, 2);
    // clap's format: the reason, then a pointer to `--help`.
    assert!(
        stderr.contains("not a positive number") && stderr.contains("--help"),
        "{stderr}"
    );
    let (code, stderr) = run_to_failure(&["--port", "80"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("'--port'") && stderr.contains("Usage: webserver"),
        "{stderr}"
    );
    let output = Command::new(BINARY).arg("--help").output().expect("run");
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).contains("--list-dirs"));
}

#[test]
fn curl_gets_files_ranges_and_keep_alive() {
    if Command::new("curl").arg("--version").output().is_err() {
        eprintln!("skipping curl_gets_files_ranges_and_keep_alive: curl is not installed");
        return;
    }
    let (_guard, root) = fixture();
    let server = Running::start(&["--root", root.to_str().expect("utf-8"), "--quiet"]);
    let base = format!("http://{}", server.addr);
    let curl = |args: &[&str]| {
        let output = Command::new("curl")
            .args(["--silent", "--show-error", "--max-time", "10"])
            .args(args)
            .output()
            .expect("run curl");
        assert!(
            output.status.success(),
            "curl {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        (
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    assert_eq!(curl(&[&format!("{base}/hello.txt")]).0, HELLO);
    assert_eq!(
        curl(&["--range", "0-4", &format!("{base}/hello.txt")]).0,
        "hello"
    );
    let (head, _) = curl(&["--head", &format!("{base}/docs")]);
    assert!(head.starts_with("HTTP/1.0 301"), "{head}");
    // curl follows the redirect and reuses the connection for both URLs.
    let (body, trace) = curl(&[
        "--location",
        "--verbose",
        &format!("{base}/docs"),
        &format!("{base}/hello.txt"),
    ]);
    assert_eq!(body, format!("<h1>docs</h1>\n{HELLO}"));
    assert!(
        trace.contains("Re-using existing connection") || trace.contains("Reusing existing"),
        "{trace}"
    );
    let (status, _) = curl(&[
        "--output",
        "/dev/null",
        "--write-out",
        "%{http_code}",
        &format!("{base}/../../etc/passwd"),
    ]);
    // curl normalises `..` away itself unless told not to; with --path-as-is it reaches us.
    assert_eq!(status, "404");
    let (status, _) = curl(&[
        "--path-as-is",
        "--output",
        "/dev/null",
        "--write-out",
        "%{http_code}",
        &format!("{base}/../../etc/passwd"),
    ]);
    assert_eq!(status, "403");
}

#[test]
fn binary_streams_one_gib_file_with_bounded_memory() {
    let (_guard, root) = fixture();
    const GIB: u64 = 1 << 30;
    // A sparse file: 1 GiB long without using 1 GiB of disk.
    let file = std::fs::File::create(root.join("huge.bin")).expect("create");
    file.set_len(GIB).expect("set_len");
    let server = Running::start(&["--root", root.to_str().expect("utf-8"), "--quiet"]);
    let mut stream = TcpStream::connect(server.addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    stream
        .write_all(b"GET /huge.bin HTTP/1.0\r\n\r\n")
        .expect("write");
    let mut buffer = vec![0; 256 * 1024];
    let mut received = Vec::new();
    let head_end = loop {
        let read = stream.read(&mut buffer).expect("read head");
        assert!(read > 0, "closed before the head ended");
        received.extend_from_slice(&buffer[..read]);
        if let Some(at) = received.windows(4).position(|window| window == b"\r\n\r\n") {
            break at + 4;
        }
    };
    let head = HttpResponse::parse(&received[..head_end]);
    assert_eq!(
        head.header("content-length"),
        Some(GIB.to_string().as_str())
    );
    let mut body_bytes = (received.len() - head_end) as u64;
    loop {
        match stream.read(&mut buffer).expect("read body") {
            0 => break,
            read => body_bytes += read as u64,
        }
    }
    assert_eq!(body_bytes, GIB);
    let Some(peak) = proc_status(server.child.id(), "VmHWM") else {
        eprintln!("skipping the memory check: /proc is not available");
        return;
    };
    eprintln!("peak RSS while streaming 1 GiB: {peak} KiB");
    assert!(
        peak < 64 * 1024,
        "peak RSS {peak} KiB: the file was not streamed"
    );
}

//! Criterion benchmarks for the two per-request hot paths that do not touch the network:
//! parsing a request head and resolving a request path inside the root.
//!
//! Run with `cargo bench -p webserver --bench hot_paths`.

use std::fs;
use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use webserver::request;
use webserver::root::Root;

/// What curl 8 sends for `curl http://127.0.0.1:7878/docs/index.html`.
const CURL_HEAD: &[u8] = b"GET /docs/index.html HTTP/1.1\r\nHost: 127.0.0.1:7878\r\n\
User-Agent: curl/8.0.0\r\nAccept: */*\r\n\r\n";

/// A browser-sized head: 14 fields, 550 bytes.
const BROWSER_HEAD: &[u8] = b"GET /assets/app.js?v=42 HTTP/1.1\r\nHost: localhost:7878\r\n\
Connection: keep-alive\r\nsec-ch-ua: \"Chromium\";v=\"130\", \"Not?A_Brand\";v=\"99\"\r\n\
sec-ch-ua-mobile: ?0\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 \
(KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36\r\nsec-ch-ua-platform: \"Linux\"\r\n\
Accept: */*\r\nSec-Fetch-Site: same-origin\r\nSec-Fetch-Mode: no-cors\r\n\
Sec-Fetch-Dest: script\r\nReferer: http://localhost:7878/\r\n\
Accept-Encoding: gzip, deflate, br, zstd\r\nAccept-Language: en-GB,en;q=0.9\r\n\
If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n";

fn parsing(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse");
    group.bench_function("curl_head", |b| {
        b.iter(|| request::parse(black_box(CURL_HEAD)).map(|r| r.headers().len()))
    });
    group.bench_function("browser_head", |b| {
        b.iter(|| request::parse(black_box(BROWSER_HEAD)).map(|r| r.headers().len()))
    });
    group.bench_function("find_head_end_browser", |b| {
        b.iter(|| request::find_head_end(black_box(BROWSER_HEAD)))
    });
    group.finish();
}

fn resolving(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::create_dir_all(dir.path().join("a/b/c")).expect("mkdir");
    fs::write(dir.path().join("index.html"), "x").expect("write");
    fs::write(dir.path().join("a/b/c/deep.txt"), "x").expect("write");
    let root = Root::new(dir.path()).expect("root");

    let mut group = c.benchmark_group("resolve");
    group.bench_function("top_level_file", |b| {
        b.iter(|| root.resolve(black_box("/index.html")).is_ok())
    });
    group.bench_function("nested_encoded_file", |b| {
        b.iter(|| root.resolve(black_box("/a/%62/c/deep%2Etxt")).is_ok())
    });
    group.bench_function("traversal_refused", |b| {
        b.iter(|| {
            root.resolve(black_box("/a/%2e%2e/%2e%2e/etc/passwd"))
                .is_err()
        })
    });
    group.bench_function("missing_file", |b| {
        b.iter(|| root.resolve(black_box("/a/b/nope.txt")).is_err())
    });
    group.finish();
}

criterion_group!(benches, parsing, resolving);
criterion_main!(benches);

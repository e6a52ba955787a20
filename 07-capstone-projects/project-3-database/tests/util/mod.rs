//! Helpers shared by the integration tests (and the benches): running the `kv` binary,
//! copying a store's files as a crash image, flipping bits, and compressible documents.

#![allow(
    dead_code,
    reason = "each test file uses a different subset of these helpers"
)]

pub mod harness;
pub mod power;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Child, Command, Output};
use std::sync::{Mutex, MutexGuard, PoisonError};

/// Held while a test spawns a process, and while a test closes a store and opens it again.
///
/// Between `fork` and `exec` a child holds a copy of every descriptor of the test process, the
/// lock file of an open store included (close-on-exec closes them only at `exec`). A store
/// closed and reopened by another test thread in that moment finds its lock still held, and
/// `Store::open` fails with `Error::Locked`. `Command::spawn` returns only once the child has
/// exec'd, so holding this lock around each spawn and each close-and-reopen closes the window.
static FORK_WINDOW: Mutex<()> = Mutex::new(());

/// Takes [`FORK_WINDOW`] (a test that panicked while holding it changes nothing it guards).
pub fn no_spawn_meanwhile() -> MutexGuard<'static, ()> {
    FORK_WINDOW.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Spawns `command` while holding [`FORK_WINDOW`].
pub fn spawn(command: &mut Command) -> std::io::Result<Child> {
    let _window = no_spawn_meanwhile();
    command.spawn()
}

/// The binary under test.
pub fn kv_bin() -> &'static str {
    env!("CARGO_BIN_EXE_kv")
}

/// Runs `kv --db DIR args...` to completion.
pub fn kv(dir: &Path, args: &[&str]) -> Output {
    let mut command = Command::new(kv_bin());
    command
        .arg("--db")
        .arg(dir)
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    spawn(&mut command)
        .and_then(Child::wait_with_output)
        .expect("the kv binary runs")
}

/// Runs `kv --db DIR args...` with `input` on its standard input, to completion.
pub fn kv_with_input(dir: &Path, args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = spawn(
        Command::new(kv_bin())
            .arg("--db")
            .arg(dir)
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped()),
    )
    .expect("the kv binary runs");
    let mut stdin = child.stdin.take().expect("piped stdin");
    let input = input.to_owned();
    // Feed from a thread: kv replies while it reads, and a full pipe must not deadlock us.
    let feeder = std::thread::spawn(move || {
        let _ = stdin.write_all(input.as_bytes());
    });
    let output = child.wait_with_output().expect("wait for kv");
    let _ = feeder.join();
    output
}

/// One transaction's changes, in order: `Some(value)` puts, `None` deletes.
pub type Changes = Vec<(Vec<u8>, Option<Vec<u8>>)>;

/// Commits `changes` as one transaction.
pub fn commit_changes(store: &kv::Store, changes: &[(Vec<u8>, Option<Vec<u8>>)]) -> kv::Result<()> {
    store.transaction(|tx| {
        for (key, change) in changes {
            match change {
                Some(value) => tx.put(key, value)?,
                None => {
                    tx.delete(key)?;
                }
            }
        }
        Ok(())
    })
}

/// Applies `changes` to a model of the store.
pub fn apply_changes(
    state: &mut BTreeMap<Vec<u8>, Vec<u8>>,
    changes: &[(Vec<u8>, Option<Vec<u8>>)],
) {
    for (key, change) in changes {
        match change {
            Some(value) => state.insert(key.clone(), value.clone()),
            None => state.remove(key),
        };
    }
}

/// Every pair of the store, in one snapshot.
pub fn contents(store: &kv::Store) -> BTreeMap<Vec<u8>, Vec<u8>> {
    store
        .range::<&[u8], _>(..)
        .expect("a full scan starts")
        .map(|pair| pair.expect("a full scan reads every pair"))
        .collect()
}

/// Parses `dump` output into a map.
pub fn parse_dump(stdout: &[u8]) -> BTreeMap<Vec<u8>, Vec<u8>> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|line| {
            let (key, value) = line.split_once(' ').expect("dump lines are `key value`");
            (
                kv::cli::parse_hex(key).expect("hex key"),
                kv::cli::parse_hex(value).expect("hex value"),
            )
        })
        .collect()
}

/// Copies the store files of `from` into the empty directory `to`: what a crash of the
/// process at this instant would leave (the page cache survives a process crash).
pub fn crash_image(from: &Path, to: &Path) {
    for name in ["data.kv", "wal.kv"] {
        std::fs::copy(from.join(name), to.join(name)).expect("copy store file");
    }
}

/// Flips bit `bit` of byte `offset` in `path`.
pub fn flip_bit(path: &Path, offset: usize, bit: u8) {
    let mut bytes = std::fs::read(path).expect("read file");
    bytes[offset] ^= 1 << bit;
    std::fs::write(path, bytes).expect("write file");
}

/// A JSON-like document of about 1.7 KB whose records repeat their field names, as stored
/// documents do: what value compression is for.
pub fn document(index: u64) -> Vec<u8> {
    let mut doc = b"[".to_vec();
    for record in 0..12 {
        doc.extend(
            format!(
                r#"{{"id":{},"name":"customer-{}","city":"Lisbon","balance":{},"active":true}},"#,
                index * 12 + record,
                index % 997,
                index * 31 % 10007
            )
            .bytes(),
        );
    }
    doc.push(b']');
    doc
}

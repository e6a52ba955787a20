//! The crash harness shared by `tests/crash.rs` and the milestone tests: a workload of
//! transactions whose values name the transaction that wrote them, `kv batch` run as a child
//! process and killed, and the prefix-property check.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use kv::cli::to_hex;
use rand::Rng;
use rand::rngs::StdRng;

use super::{kv, kv_bin, parse_dump};

/// A store's contents.
pub type State = BTreeMap<Vec<u8>, Vec<u8>>;

/// One transaction of the workload: its changes and whether it ends in `commit`.
pub struct Txn {
    /// The changes, in order (`None` deletes).
    pub changes: Vec<(Vec<u8>, Option<Vec<u8>>)>,
    /// Whether the transaction ends in `commit` (else `rollback`).
    pub commit: bool,
}

/// A value that names the transaction and key that wrote it; some are long enough to need
/// overflow pages.
pub fn value_for(txn: u64, key: &[u8]) -> Vec<u8> {
    let mut value = txn.to_le_bytes().to_vec();
    value.extend_from_slice(key);
    let len = if txn.is_multiple_of(13) {
        900
    } else {
        20 + (txn % 100) as usize
    };
    while value.len() < len {
        value.push((txn as u8).wrapping_add(value.len() as u8));
    }
    value
}

pub fn workload(first_id: u64, count: u64, rng: &mut StdRng) -> Vec<Txn> {
    (first_id..first_id + count)
        .map(|id| {
            let changes = (0..rng.random_range(1..=4))
                .map(|_| {
                    let key = format!("key{:03}", rng.random_range(0..80)).into_bytes();
                    let value = (!rng.random_bool(0.2)).then(|| value_for(id, &key));
                    (key, value)
                })
                .collect();
            Txn {
                changes,
                commit: !rng.random_bool(0.1),
            }
        })
        .collect()
}

pub fn script(txns: &[Txn]) -> String {
    let mut out = String::new();
    for txn in txns {
        out.push_str("begin\n");
        for (key, value) in &txn.changes {
            match value {
                Some(value) => out.push_str(&format!("put {} {}\n", to_hex(key), to_hex(value))),
                None => out.push_str(&format!("del {}\n", to_hex(key))),
            }
        }
        out.push_str(if txn.commit { "commit\n" } else { "rollback\n" });
    }
    out
}

/// Applies a transaction's changes to a model of the store.
pub fn apply(state: &mut State, txn: &Txn) {
    super::apply_changes(state, &txn.changes);
}

/// Runs `kv batch` on `dir` with `input`, kills it after `kill_after` or once `stop_after_acks`
/// commits were acknowledged, and returns how many commits were acknowledged.
pub fn run_and_kill(
    dir: &Path,
    extra: &[&str],
    input: String,
    kill_after: Duration,
    stop_after_acks: Option<usize>,
) -> Result<usize, String> {
    let mut child = super::spawn(
        Command::new(kv_bin())
            .arg("--db")
            .arg(dir)
            .args(extra)
            .arg("batch")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null()),
    )
    .map_err(|err| format!("spawn: {err}"))?;
    let mut stdin = child.stdin.take().ok_or("no stdin")?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let feeder = std::thread::spawn(move || {
        // A broken pipe after the kill is expected; stop feeding then.
        let _ = stdin.write_all(input.as_bytes());
    });
    let (ack_sender, ack_receiver) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || -> Result<usize, String> {
        let mut acks = 0;
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if line.starts_with("ok ") {
                acks += 1;
                let _ = ack_sender.send(acks);
            } else if line.starts_with("err") {
                return Err(format!("kv printed {line:?}"));
            }
        }
        Ok(acks)
    });
    match stop_after_acks {
        Some(target) => {
            while let Ok(acks) = ack_receiver.recv_timeout(Duration::from_secs(20)) {
                if acks >= target {
                    break;
                }
            }
        }
        None => std::thread::sleep(kill_after),
    }
    // `Child::kill` sends SIGKILL on Unix; an error means the child had already exited.
    let _ = child.kill();
    child.wait().map_err(|err| format!("wait: {err}"))?;
    let _ = feeder.join();
    reader
        .join()
        .map_err(|_| "reader thread panicked".to_string())?
}

/// Finds the prefix length `m` with `lowest <= m` whose state matches `recovered`.
pub fn matching_prefix(
    base: &State,
    committed: &[&Txn],
    lowest: usize,
    recovered: &State,
) -> Option<usize> {
    let mut state = base.clone();
    for (count, txn) in std::iter::once(None)
        .chain(committed.iter().map(Some))
        .enumerate()
    {
        if let Some(txn) = txn {
            apply(&mut state, txn);
        }
        if count >= lowest && &state == recovered {
            return Some(count);
        }
    }
    None
}

pub fn dump(dir: &Path) -> Result<State, String> {
    let output = kv(dir, &["dump"]);
    if !output.status.success() {
        return Err(format!(
            "dump failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(parse_dump(&output.stdout))
}

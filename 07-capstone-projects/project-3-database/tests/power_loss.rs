//! Power-loss tests: the store runs on in-memory backends that lose every write after the
//! last sync, and the power is cut at every sync point of a workload that commits, checkpoints,
//! compacts and backs up (the backup's own files are checked by `tests/backup.rs`).
//!
//! A dry run counts the workload's syncs (`N`). Then for every `k` in `0..N` a fresh store runs
//! the same workload with the power cut at sync `k`: that sync fails, every later operation
//! fails, and both files fall back to what their last successful sync made durable. The store
//! is then recovered from those images and must hold exactly the state after some prefix of
//! the committed transactions that contains every acknowledged one (the prefix property), have
//! a secondary index that agrees exactly with that data, pass `verify`, and accept new commits.

mod util;

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;

use kv::{Backends, MemBackend, Options, Store};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use util::power::{PowerSwitch, crash_images, plugged};
use util::{Changes, apply_changes, commit_changes, contents};

type State = BTreeMap<Vec<u8>, Vec<u8>>;

/// The secondary index of the workload: pairs by the first byte of their value.
const INDEX: &str = "by_first_byte";

fn first_byte(_key: &[u8], value: &[u8]) -> Option<Vec<u8>> {
    value.first().map(|byte| vec![*byte])
}

/// Checks that index and data agree exactly: every entry names a pair whose value has that
/// first byte, and every pair has its entry.
fn check_index(store: &Store, state: &State, case: &str) {
    let hits = store
        .index_range::<&[u8], _>(INDEX, ..)
        .unwrap_or_else(|err| panic!("{case}: index lookup failed: {err}"));
    let mut indexed = State::new();
    for hit in hits {
        assert_eq!(
            Some(hit.indexed.clone()),
            first_byte(&hit.key, &hit.value),
            "{case}: stale entry"
        );
        indexed.insert(hit.key, hit.value);
    }
    let missing = state
        .keys()
        .filter(|key| !indexed.contains_key(*key))
        .count();
    assert!(
        &indexed == state,
        "{case}: index and data disagree ({} entries, {} pairs, {missing} pairs without an entry)",
        indexed.len(),
        state.len()
    );
}

fn options() -> Options {
    Options {
        // Checkpoints every few commits, dirty pages written back early, and compaction
        // as soon as a quarter of the file is free.
        wal_limit: 8 * 1024,
        cache_bytes: 48 * 4096,
        compact_min_free_pages: 4,
        ..Options::default()
    }
}

/// One transaction of the workload.
type Txn = Changes;

/// The workload's transactions, fixed by a seed: random puts (some values long enough for
/// overflow pages) and deletes, then one transaction that deletes most keys (so the next
/// checkpoint compacts), then more puts.
fn transactions() -> Vec<Txn> {
    let mut rng = StdRng::seed_from_u64(18);
    let key = |index: u32| format!("key{index:05}").into_bytes();
    let mut txns = Vec::new();
    for round in 0..14u32 {
        let mut txn = Txn::new();
        for _ in 0..rng.random_range(8..24) {
            let index = rng.random_range(0..400);
            let len = if rng.random_ratio(1, 12) { 5000 } else { 120 };
            txn.push((key(index), Some(vec![round as u8; len])));
        }
        if round > 3 {
            txn.push((key(rng.random_range(0..400)), None));
        }
        txns.push(txn);
    }
    txns.push(
        (0..400)
            .filter(|index| index % 5 != 0)
            .map(|index| (key(index), None))
            .collect(),
    );
    for round in 0..4u8 {
        txns.push(
            (0..6)
                .map(|index| (key(1000 + index), Some(vec![round; 80])))
                .collect(),
        );
    }
    txns
}

/// What one run did before the power went off.
struct Outcome {
    /// Commits that returned `Ok`.
    acknowledged: usize,
    /// Commits that were started (the last one may or may not be durable).
    attempted: usize,
}

/// Runs the workload on `backends` until it finishes or an operation fails.
fn run_workload(backends: Backends, txns: &[Txn], backup_dir: &std::path::Path) -> Outcome {
    let mut outcome = Outcome {
        acknowledged: 0,
        attempted: 0,
    };
    let Ok(store) = Store::open_with(backends, options()) else {
        return outcome;
    };
    // The index is maintained in the same log records as the data it describes.
    if store.define_index(INDEX, first_byte).is_err() {
        return outcome;
    }
    for (index, txn) in txns.iter().enumerate() {
        outcome.attempted += 1;
        let result = commit_changes(&store, txn);
        if result.is_err() {
            return outcome;
        }
        outcome.acknowledged += 1;
        // Explicit checkpoints (the log limit adds more).
        if index % 5 == 4 && store.checkpoint().is_err() {
            return outcome;
        }
        // A backup half-way: it checkpoints, then copies pages while holding checkpoints off.
        if index == txns.len() / 2 && store.backup(backup_dir).is_err() {
            return outcome;
        }
    }
    let _ = store.close();
    outcome
}

/// Opens the crash images and checks the prefix property, the tree, and that the store
/// takes new commits.
fn check_recovery(images: Backends, txns: &[Txn], outcome: &Outcome, case: &str) {
    let store = Store::open_with(images, options())
        .unwrap_or_else(|err| panic!("{case}: recovery failed: {err}"));
    let recovered: State = contents(&store);
    let matches = (outcome.acknowledged..=outcome.attempted)
        .any(|count| state_after(txns, count) == recovered);
    assert!(
        matches,
        "{case}: recovered state is not a prefix with all {} acknowledged commits",
        outcome.acknowledged
    );
    // Before any redefinition (which would rebuild it), the index as recovered must agree
    // with the data as recovered (a crash test only passes once some entries exist).
    check_index(&store, &recovered, case);
    store.check_invariants().unwrap();
    store.verify().unwrap_or_else(|err| panic!("{case}: {err}"));
    store.put(b"after the cut", b"still works").unwrap();
}

fn state_after(txns: &[Txn], count: usize) -> State {
    let mut state = State::new();
    for txn in &txns[..count] {
        apply_changes(&mut state, txn);
    }
    state
}

#[test]
fn power_loss_at_every_sync_point_keeps_the_prefix_property() {
    let txns = transactions();
    // Dry run: count the syncs and check that the workload reaches every code path.
    let (data, wal) = (MemBackend::new(), MemBackend::new());
    let backup = tempfile::tempdir().unwrap();
    let switch = PowerSwitch::new(u64::MAX);
    let outcome = run_workload(plugged(&data, &wal, &switch), &txns, backup.path());
    assert_eq!(outcome.acknowledged, txns.len());
    let total_syncs = data.sync_count() + wal.sync_count();
    let reopened = Store::open_with(
        Backends {
            data: Box::new(data.clone()),
            wal: Box::new(wal.clone()),
        },
        options(),
    )
    .unwrap();
    let full = state_after(&txns, txns.len());
    let all: State = reopened
        .range::<&[u8], _>(..)
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(all, full);
    check_index(&reopened, &full, "dry run");
    drop(reopened);

    let mut cases = 0;
    for cut in 0..total_syncs {
        let (data, wal) = (MemBackend::new(), MemBackend::new());
        let backup = tempfile::tempdir().unwrap();
        let switch = PowerSwitch::new(cut);
        let outcome = run_workload(plugged(&data, &wal, &switch), &txns, backup.path());
        assert!(
            switch.off.load(Ordering::SeqCst),
            "cut {cut}: the power stayed on"
        );
        for (name, images) in crash_images(&data, &wal, cut) {
            let case = format!("cut at sync {cut}, {name}");
            check_recovery(images, &txns, &outcome, &case);
            cases += 1;
        }
    }
    println!(
        "power cut at each of {total_syncs} sync points, {cases} crash images: every recovery kept the prefix property"
    );
}

#[test]
fn power_loss_workload_checkpoints_and_compacts() {
    // The sync-point test is only as good as the paths its workload reaches.
    let (data, wal) = (MemBackend::new(), MemBackend::new());
    let store = Store::open_with(
        Backends {
            data: Box::new(data),
            wal: Box::new(wal),
        },
        options(),
    )
    .unwrap();
    let before = store.stats();
    for txn in transactions() {
        commit_changes(&store, &txn).unwrap();
    }
    store.checkpoint().unwrap();
    let after = store.stats();
    assert!(after.checkpoints >= before.checkpoints + 5, "{after:?}");
    assert!(after.compactions >= 1, "{after:?}");
    assert!(after.page_writes > 0);
}

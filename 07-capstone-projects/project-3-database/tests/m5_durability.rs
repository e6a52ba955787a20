//! Milestone p3.5: write-ahead commits, group commit, checkpoints and recovery.
//!
//! The promise under test: a commit that returned `Ok` survives any crash, and after any
//! crash the store holds exactly the result of a prefix of the committed transactions (the
//! prefix property). Three ways to crash it: in-memory files whose power is cut at every sync
//! of a workload (with every unsynced write lost, a random subset kept, or all kept), the real
//! `kv batch` killed with SIGKILL after a given number of acknowledgements, and a log whose
//! first `fdatasync` is held until other committers have queued behind it.

mod util;

use std::io;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use kv::{Backend, Backends, MemBackend, Options, Store};
use rand::SeedableRng;
use rand::rngs::StdRng;
use util::harness::{State, Txn, dump, matching_prefix, run_and_kill, script, workload};
use util::power::{PowerSwitch, crash_images, plugged};
use util::{Changes, apply_changes, commit_changes, contents, kv};

fn options() -> Options {
    Options {
        // A checkpoint every few commits, and dirty pages written back early.
        wal_limit: 8 * 1024,
        cache_bytes: 48 * kv::PAGE_SIZE,
        ..Options::default()
    }
}

/// Twelve transactions of puts (some values need overflow pages) and deletes.
fn transactions() -> Vec<Changes> {
    (0..12u32)
        .map(|round| {
            (0..12u32)
                .map(|i| {
                    let key = format!("key{:03}", (round * 7 + i * 13) % 90).into_bytes();
                    if i % 5 == 4 {
                        (key, None)
                    } else {
                        let len = if (round + i) % 9 == 0 { 5000 } else { 150 };
                        (key, Some(vec![round as u8 + 1; len]))
                    }
                })
                .collect()
        })
        .collect()
}

fn state_after(txns: &[Changes], count: usize) -> State {
    let mut state = State::new();
    for txn in &txns[..count] {
        apply_changes(&mut state, txn);
    }
    state
}

/// Runs the workload until an operation fails; returns (acknowledged, attempted).
fn run(backends: Backends, txns: &[Changes]) -> (usize, usize) {
    let Ok(store) = Store::open_with(backends, options()) else {
        return (0, 0);
    };
    let mut acknowledged = 0;
    for (index, txn) in txns.iter().enumerate() {
        let result = commit_changes(&store, txn);
        if result.is_err() {
            return (acknowledged, index + 1);
        }
        acknowledged += 1;
        if index % 4 == 3 && store.checkpoint().is_err() {
            return (acknowledged, index + 1);
        }
    }
    let _ = store.close();
    (acknowledged, txns.len())
}

#[test]
fn m5_power_cut_at_every_sync_keeps_every_acknowledged_commit() {
    let txns = transactions();
    let (data, wal) = (MemBackend::new(), MemBackend::new());
    let (acknowledged, _) = run(plugged(&data, &wal, &PowerSwitch::new(u64::MAX)), &txns);
    assert_eq!(acknowledged, txns.len());
    let total_syncs = data.sync_count() + wal.sync_count();
    for cut in 0..total_syncs {
        let (data, wal) = (MemBackend::new(), MemBackend::new());
        let switch = PowerSwitch::new(cut);
        let (acknowledged, attempted) = run(plugged(&data, &wal, &switch), &txns);
        for (name, images) in crash_images(&data, &wal, cut) {
            let case = format!("power cut at sync {cut} of {total_syncs}, {name}");
            let store = Store::open_with(images, options())
                .unwrap_or_else(|err| panic!("{case}: recovery failed: {err}"));
            let recovered: State = contents(&store);
            assert!(
                (acknowledged..=attempted).any(|count| state_after(&txns, count) == recovered),
                "{case}: the recovered state is not the state after {acknowledged} (acknowledged) \
                 to {attempted} (attempted) commits"
            );
            store.verify().unwrap_or_else(|err| panic!("{case}: {err}"));
        }
    }
}

#[test]
fn m5_sigkill_after_acknowledgements_keeps_the_prefix_property() {
    let mut rng = StdRng::seed_from_u64(5);
    let dir = tempfile::tempdir().unwrap();
    let mut base = State::new();
    let mut next_id = 1;
    for acks in [1usize, 7, 30, 90] {
        let txns: Vec<Txn> = workload(next_id, 150, &mut rng);
        next_id += 150;
        let acknowledged = run_and_kill(
            dir.path(),
            &["--wal-limit", "16384", "--cache-bytes", "65536"],
            script(&txns),
            Duration::ZERO,
            Some(acks),
        )
        .unwrap();
        assert!(acknowledged >= acks, "kv acknowledged only {acknowledged}");
        let committed: Vec<&Txn> = txns.iter().filter(|txn| txn.commit).collect();
        let recovered = dump(dir.path()).unwrap();
        let Some(_) = matching_prefix(&base, &committed, acknowledged, &recovered) else {
            panic!(
                "killed after {acknowledged} acknowledged commits: the recovered {} keys are \
                 no prefix of the committed transactions that contains all of them",
                recovered.len()
            );
        };
        let verify = kv(dir.path(), &["verify"]);
        assert!(verify.status.success(), "{verify:?}");
        base = recovered;
    }
}

/// A log file whose first sync, once armed, waits until `hold_until` records were written:
/// every committer that comes meanwhile must queue behind that sync.
#[derive(Debug)]
struct HeldLog {
    file: MemBackend,
    gate: Arc<Gate>,
}

#[derive(Debug, Default)]
struct Gate {
    records: Mutex<u64>,
    written: Condvar,
    hold_until: AtomicU64,
    syncs: AtomicU64,
}

impl Backend for HeldLog {
    fn read_exact_at(&self, buf: &mut [u8], offset: u64) -> io::Result<()> {
        self.file.read_exact_at(buf, offset)
    }
    fn write_all_at(&self, buf: &[u8], offset: u64) -> io::Result<()> {
        self.file.write_all_at(buf, offset)?;
        if buf.starts_with(&kv::wal::WAL_MAGIC) {
            *self.gate.records.lock().unwrap() += 1;
            self.gate.written.notify_all();
        }
        Ok(())
    }
    fn sync(&self) -> io::Result<()> {
        let hold_until = self.gate.hold_until.swap(0, Ordering::SeqCst);
        if hold_until > 0 {
            let records = self.gate.records.lock().unwrap();
            // The limit only keeps a broken implementation from hanging the test.
            let _ = self
                .gate
                .written
                .wait_timeout_while(records, Duration::from_secs(10), |records| {
                    *records < hold_until
                })
                .unwrap();
        }
        self.gate.syncs.fetch_add(1, Ordering::SeqCst);
        self.file.sync()
    }
    fn len(&self) -> io::Result<u64> {
        self.file.len()
    }
    fn set_len(&self, len: u64) -> io::Result<()> {
        self.file.set_len(len)
    }
}

#[test]
fn m5_committers_share_one_fdatasync_and_survive_a_power_cut() {
    const COMMITTERS: u64 = 8;
    let (data, wal) = (MemBackend::new(), MemBackend::new());
    let gate = Arc::new(Gate::default());
    let store = Store::open_with(
        Backends {
            data: Box::new(data.clone()),
            wal: Box::new(HeldLog {
                file: wal.clone(),
                gate: Arc::clone(&gate),
            }),
        },
        Options::default(),
    )
    .unwrap();
    // The first append grows the log by a zero-filled, synced step; hold only commit syncs.
    store.put(b"warm-up", b"").unwrap();
    let records_before = *gate.records.lock().unwrap();
    let syncs_before = gate.syncs.load(Ordering::SeqCst);
    gate.hold_until
        .store(records_before + COMMITTERS, Ordering::SeqCst);
    std::thread::scope(|scope| {
        for index in 0..COMMITTERS {
            let store = &store;
            scope.spawn(move || {
                store
                    .put(format!("committer{index}").as_bytes(), b"done")
                    .unwrap();
            });
        }
    });
    let syncs = gate.syncs.load(Ordering::SeqCst) - syncs_before;
    assert!(
        syncs <= 3,
        "{COMMITTERS} concurrent commits took {syncs} log syncs: committers that arrive while \
         one fdatasync runs must share the next one"
    );
    // Every put returned Ok, so every one must survive losing all unsynced writes. The power
    // is cut with the store still open: forgetting it skips the checkpoint `Drop` would run.
    std::mem::forget(store);
    data.crash();
    wal.crash();
    let store = Store::open_with(
        Backends {
            data: Box::new(data),
            wal: Box::new(wal),
        },
        Options::default(),
    )
    .unwrap();
    let found = contents(&store);
    for index in 0..COMMITTERS {
        assert!(
            found.contains_key(format!("committer{index}").as_bytes()),
            "acknowledged commit {index} was lost in a power cut"
        );
    }
}

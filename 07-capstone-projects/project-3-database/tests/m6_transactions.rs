//! Milestone p3.6: transactions and snapshot reads.
//!
//! A write transaction sees its own changes before it commits and nobody else does; a read
//! snapshot sees one version for as long as it is open, while commits and checkpoints go on
//! (so the pages it reads must not be reused under it).

use std::collections::BTreeMap;

use kv::{Durability, Options, Store};

type State = BTreeMap<Vec<u8>, Vec<u8>>;

const ACCOUNTS: u32 = 300;

fn options() -> Options {
    Options {
        durability: Durability::Deferred,
        ..Options::default()
    }
}

fn account(index: u32) -> Vec<u8> {
    format!("account{index:04}").into_bytes()
}

/// A balance, padded so the accounts need many pages.
fn balance(amount: u64) -> Vec<u8> {
    let mut bytes = amount.to_le_bytes().to_vec();
    bytes.resize(120, 0);
    bytes
}

fn amount(bytes: &[u8]) -> u64 {
    u64::from_le_bytes(bytes[..8].try_into().unwrap())
}

fn everything(snapshot: &kv::ReadTxn<'_>) -> State {
    snapshot
        .range::<&[u8], _>(..)
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn m6_a_snapshot_keeps_its_version_through_commits_and_checkpoints() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), options()).unwrap();
    store
        .transaction(|tx| {
            for index in 0..ACCOUNTS {
                tx.put(&account(index), &balance(1000))?;
            }
            Ok(())
        })
        .unwrap();
    let snapshot = store.read();
    let before = everything(&snapshot);
    transfers(&store, 200);
    assert_eq!(
        everything(&snapshot),
        before,
        "the snapshot taken before 200 commits and 4 checkpoints no longer reads its version"
    );
    for index in (0..ACCOUNTS).step_by(11) {
        assert_eq!(snapshot.get(&account(index)).unwrap(), Some(balance(1000)));
    }
    assert_eq!(snapshot.len(), u64::from(ACCOUNTS));
    drop(snapshot);
    let now = everything(&store.read());
    let total: u64 = now.values().map(|value| amount(value)).sum();
    assert_eq!(
        total,
        u64::from(ACCOUNTS) * 1000,
        "money was created or lost"
    );
    assert_ne!(now, before, "the transfers did not change anything");
    store.verify().unwrap();

    // With the snapshot gone, pages replaced by commits are reused: the file stops growing.
    let settled = store.stats().pages;
    transfers(&store, 200);
    store.checkpoint().unwrap();
    let grown = store.stats().pages;
    assert!(
        grown <= settled + settled / 4 + 8,
        "200 more commits grew the store from {settled} to {grown} pages with no snapshot \
         open: pages no snapshot can read are never reused"
    );
}

/// `rounds` transfers between two accounts each, with a checkpoint every 50: the total of all
/// balances never changes.
fn transfers(store: &Store, rounds: u32) {
    for round in 0..rounds {
        store
            .transaction(|tx| {
                let (from, to) = (
                    account(round * 7 % ACCOUNTS),
                    account((round * 13 + 1) % ACCOUNTS),
                );
                let a = amount(&tx.get(&from)?.unwrap());
                tx.put(&from, &balance(a - 1))?;
                let b = amount(&tx.get(&to)?.unwrap());
                tx.put(&to, &balance(b + 1))?;
                Ok(())
            })
            .unwrap();
        if round % 50 == 49 {
            store.checkpoint().unwrap();
        }
    }
}

/// Sets 400 accounts to `[round; 100]` in one transaction.
fn rewrite_all(store: &Store, round: u8) {
    store
        .transaction(|tx| {
            for index in 0..400 {
                tx.put(&account(index), &[round; 100])?;
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn m6_a_snapshot_in_another_thread_sees_one_version() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), options()).unwrap();
    for round in 0..3u8 {
        rewrite_all(&store, round);
    }
    let (taken_tx, taken_rx) = std::sync::mpsc::channel();
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    std::thread::scope(|scope| {
        let store = &store;
        scope.spawn(move || {
            let snapshot = store.read();
            taken_tx.send(()).unwrap();
            // Wait until the writer has rewritten everything twice and checkpointed.
            done_rx.recv().unwrap();
            for (key, value) in everything(&snapshot) {
                assert_eq!(value, vec![2u8; 100], "{key:?} changed under the snapshot");
            }
        });
        taken_rx.recv().unwrap();
        for round in 3..6u8 {
            rewrite_all(store, round);
            store.checkpoint().unwrap();
        }
        done_tx.send(()).unwrap();
    });
    assert_eq!(store.get(&account(7)).unwrap(), Some(vec![5u8; 100]));
}

#[test]
fn m6_a_transaction_sees_its_own_changes_and_nobody_else_does() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), options()).unwrap();
    store.put(b"kept", b"1").unwrap();
    store.put(b"doomed", b"2").unwrap();

    let mut tx = store.begin().unwrap();
    tx.put(b"new", b"3").unwrap();
    tx.put(b"kept", b"4").unwrap();
    assert!(tx.delete(b"doomed").unwrap(), "doomed existed");
    assert_eq!(tx.get(b"new").unwrap(), Some(b"3".to_vec()), "own put");
    assert_eq!(
        tx.get(b"kept").unwrap(),
        Some(b"4".to_vec()),
        "own overwrite"
    );
    assert_eq!(tx.get(b"doomed").unwrap(), None, "own delete");
    assert!(
        !tx.delete(b"doomed").unwrap(),
        "deleting twice finds nothing the second time"
    );
    tx.rollback();
    assert_eq!(store.get(b"new").unwrap(), None, "rolled back");
    assert_eq!(store.get(b"kept").unwrap(), Some(b"1".to_vec()));
    assert_eq!(store.get(b"doomed").unwrap(), Some(b"2".to_vec()));

    let mut tx = store.begin().unwrap();
    tx.delete(b"doomed").unwrap();
    tx.put(b"new", b"5").unwrap();
    assert_eq!(tx.get(b"doomed").unwrap(), None);
    tx.commit().unwrap();
    assert_eq!(store.get(b"doomed").unwrap(), None);
    assert_eq!(store.get(b"new").unwrap(), Some(b"5".to_vec()));
}

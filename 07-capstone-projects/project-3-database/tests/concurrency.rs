//! Many readers and one writer: the bank-transfer invariant in every snapshot, no lost
//! updates, atomic visibility for scanning readers, group commit under contention, and
//! snapshots that neither hold the writer out nor lose their pages to it.

use std::sync::atomic::{AtomicBool, Ordering};

use kv::{Options, Store};
use rand::{Rng, SeedableRng};

const ACCOUNTS: u32 = 10;
const START_BALANCE: u64 = 1000;

fn account(index: u32) -> Vec<u8> {
    format!("account{index:02}").into_bytes()
}

fn balance(bytes: Option<Vec<u8>>) -> u64 {
    u64::from_le_bytes(
        bytes
            .expect("account exists")
            .try_into()
            .expect("8-byte balance"),
    )
}

#[test]
fn concurrency_bank_transfers_keep_the_total_in_every_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), Options::default()).unwrap();
    store
        .transaction(|tx| {
            for index in 0..ACCOUNTS {
                tx.put(&account(index), &START_BALANCE.to_le_bytes())?;
            }
            Ok(())
        })
        .unwrap();
    let done = AtomicBool::new(false);
    let snapshots_checked = std::thread::scope(|scope| {
        let readers: Vec<_> = (0..2)
            .map(|_| {
                scope.spawn(|| {
                    let mut checked = 0u64;
                    while !done.load(Ordering::Acquire) || checked == 0 {
                        let snapshot = store.read();
                        let total: u64 = snapshot
                            .range::<&[u8], _>(..)
                            .unwrap()
                            .map(|pair| u64::from_le_bytes(pair.unwrap().1.try_into().unwrap()))
                            .sum();
                        assert_eq!(
                            total,
                            u64::from(ACCOUNTS) * START_BALANCE,
                            "a snapshot saw a half transfer"
                        );
                        checked += 1;
                    }
                    checked
                })
            })
            .collect();
        let writers: Vec<_> = (0..2u64)
            .map(|seed| {
                let store = &store;
                scope.spawn(move || {
                    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
                    for _ in 0..150 {
                        let from = account(rng.random_range(0..ACCOUNTS));
                        let to = account(rng.random_range(0..ACCOUNTS));
                        let amount = rng.random_range(0..50u64);
                        store
                            .transaction(|tx| {
                                let from_balance = balance(tx.get(&from)?);
                                if from == to || from_balance < amount {
                                    return Ok(());
                                }
                                let to_balance = balance(tx.get(&to)?);
                                tx.put(&from, &(from_balance - amount).to_le_bytes())?;
                                tx.put(&to, &(to_balance + amount).to_le_bytes())?;
                                Ok(())
                            })
                            .unwrap();
                    }
                })
            })
            .collect();
        for writer in writers {
            writer.join().unwrap();
        }
        done.store(true, Ordering::Release);
        readers
            .into_iter()
            .map(|reader| reader.join().unwrap())
            .sum::<u64>()
    });
    assert!(snapshots_checked > 0);
    let total: u64 = (0..ACCOUNTS)
        .map(|index| balance(store.get(&account(index)).unwrap()))
        .sum();
    assert_eq!(total, u64::from(ACCOUNTS) * START_BALANCE);
}

#[test]
fn concurrency_counter_loses_no_updates() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), Options::default()).unwrap();
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                for _ in 0..50 {
                    store
                        .transaction(|tx| {
                            let current = tx
                                .get(b"counter")?
                                .map_or(0, |bytes| u64::from_le_bytes(bytes.try_into().unwrap()));
                            tx.put(b"counter", &(current + 1).to_le_bytes())
                        })
                        .unwrap();
                }
            });
        }
    });
    let value = store.get(b"counter").unwrap().unwrap();
    assert_eq!(u64::from_le_bytes(value.try_into().unwrap()), 200);
}

#[test]
fn concurrency_readers_never_see_part_of_a_transaction() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(
        dir.path(),
        Options {
            durability: kv::Durability::Deferred,
            ..Options::default()
        },
    )
    .unwrap();
    let done = AtomicBool::new(false);
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| {
                while !done.load(Ordering::Acquire) {
                    // Every transaction writes the same 8 keys with its own number, so a
                    // consistent snapshot shows 8 equal values (or none yet).
                    let pairs: Vec<_> = store
                        .scan_prefix(b"group/")
                        .unwrap()
                        .map(Result::unwrap)
                        .collect();
                    assert!(
                        pairs.is_empty() || pairs.len() == 8,
                        "saw {} keys",
                        pairs.len()
                    );
                    assert!(
                        pairs.windows(2).all(|pair| pair[0].1 == pair[1].1),
                        "mixed transactions in one scan"
                    );
                }
            });
        }
        for round in 0u32..400 {
            store
                .transaction(|tx| {
                    for member in 0..8 {
                        tx.put(format!("group/{member}").as_bytes(), &round.to_le_bytes())?;
                    }
                    Ok(())
                })
                .unwrap();
        }
        done.store(true, Ordering::Release);
    });
}

#[test]
fn concurrency_group_commit_shares_fsyncs() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), Options::default()).unwrap();
    let before = store.stats();
    std::thread::scope(|scope| {
        for thread in 0..8u32 {
            let store = &store;
            scope.spawn(move || {
                for index in 0..25u32 {
                    store
                        .put(format!("t{thread}-{index}").as_bytes(), b"durable")
                        .unwrap();
                }
            });
        }
    });
    let after = store.stats();
    let commits = after.commits - before.commits;
    let syncs = after.wal_syncs - before.wal_syncs;
    eprintln!("{commits} durable commits used {syncs} fdatasync calls");
    assert_eq!(commits, 200);
    assert!(
        syncs < commits,
        "no commit shared a sync: {syncs} syncs for {commits} commits"
    );
}

#[test]
fn concurrency_commit_does_not_wait_for_an_open_snapshot() {
    // A snapshot stays open on this thread while another thread commits and checkpoints;
    // a commit that waited for the snapshot would never finish.
    let dir = tempfile::tempdir().unwrap();
    let store = std::sync::Arc::new(Store::open(dir.path(), Options::default()).unwrap());
    store.put(b"key", b"old").unwrap();
    let snapshot = store.read();
    let (done, finished) = std::sync::mpsc::channel();
    let writer = std::sync::Arc::clone(&store);
    // Not a scoped thread: if the commit hung, the test must fail, not wait for it.
    let handle = std::thread::spawn(move || {
        writer.put(b"key", b"new").unwrap();
        writer.checkpoint().unwrap();
        done.send(()).unwrap();
    });
    finished
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("the commit waited for the open snapshot");
    handle.join().unwrap();
    assert_eq!(snapshot.get(b"key").unwrap(), Some(b"old".to_vec()));
    assert_eq!(store.get(b"key").unwrap(), Some(b"new".to_vec()));
    drop(snapshot);
}

#[test]
fn concurrency_old_snapshot_survives_rewrites_checkpoints_and_compaction() {
    // While a snapshot of the first version is open, every page it reads is replaced three
    // times, checkpoints run, and most keys are deleted; a 16-page pool sends most of its
    // reads to the file. The snapshot must still read exactly its version, and once it is
    // gone the pages it held must be freed, compacted and cut.
    let dir = tempfile::tempdir().unwrap();
    let options = Options {
        cache_bytes: 16 * 4096,
        wal_limit: 64 * 1024,
        compact_min_free_pages: 4,
        ..Options::default()
    };
    let store = Store::open(dir.path(), options).unwrap();
    let value =
        |round: u8, index: u32| vec![round; if index.is_multiple_of(41) { 3000 } else { 90 }];
    store
        .transaction(|tx| {
            for index in 0..3000u32 {
                tx.put(&index.to_be_bytes(), &value(1, index))?;
            }
            Ok(())
        })
        .unwrap();
    let snapshot = store.read();
    for round in 2..5u8 {
        store
            .transaction(|tx| {
                for index in 0..3000u32 {
                    tx.put(&index.to_be_bytes(), &value(round, index))?;
                }
                Ok(())
            })
            .unwrap();
        store.checkpoint().unwrap();
    }
    store
        .transaction(|tx| {
            for index in (0..3000u32).filter(|index| index % 4 != 0) {
                tx.delete(&index.to_be_bytes())?;
            }
            Ok(())
        })
        .unwrap();
    store.checkpoint().unwrap();
    // The pages the snapshot can read are neither reused nor counted free, so the file
    // holds four versions of the tree now.
    let held = store.stats().pages;
    let mut seen = 0;
    for pair in snapshot.range::<&[u8], _>(..).unwrap() {
        let (key, stored) = pair.unwrap();
        let index = u32::from_be_bytes(key.try_into().unwrap());
        assert_eq!(stored, value(1, index), "key {index} in the old snapshot");
        seen += 1;
    }
    assert_eq!(seen, 3000);
    assert_eq!(snapshot.len(), 3000);
    drop(snapshot);
    // With the snapshot gone, the next checkpoint reuses and cuts what it held.
    store.put(b"after", b"x").unwrap();
    store.checkpoint().unwrap();
    store.checkpoint().unwrap();
    let after = store.stats();
    assert!(after.compactions >= 1, "{after:?}");
    assert!(after.pages * 2 < held, "{held} pages -> {after:?}");
    store.check_invariants().unwrap();
    assert_eq!(store.verify().unwrap().keys, 751);
}

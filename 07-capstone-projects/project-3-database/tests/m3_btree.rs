//! Milestone p3.3: checksummed pages and the B+tree over them.
//!
//! Checked from the outside: the store must agree with a `BTreeMap` model after random puts and
//! deletes (overflow values included) across reopens, scan ranges in order, pass `verify` (which
//! re-reads every page and checks every structural rule), give pages back when most keys are
//! deleted, and report a flipped bit in the data file as corruption instead of returning it.

mod util;

use std::collections::BTreeMap;
use std::ops::Bound;

use kv::{Durability, Options, Store};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use util::{flip_bit, kv, kv_with_input, parse_dump};

type Model = BTreeMap<Vec<u8>, Vec<u8>>;

fn options() -> Options {
    Options {
        // These tests are about the tree, not the log: skip the fsync per commit.
        durability: Durability::Deferred,
        ..Options::default()
    }
}

fn contents(store: &Store) -> Model {
    store
        .range::<&[u8], _>(..)
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn key(index: u32) -> Vec<u8> {
    format!("key{index:06}").into_bytes()
}

#[test]
fn m3_random_puts_and_deletes_match_a_model_across_reopens() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = StdRng::seed_from_u64(3);
    let mut model = Model::new();
    let mut store = Store::open(dir.path(), options()).unwrap();
    for round in 0..300 {
        store
            .transaction(|tx| {
                for _ in 0..10 {
                    let k = key(rng.random_range(0..1500));
                    if rng.random_ratio(1, 4) {
                        tx.delete(&k)?;
                        model.remove(&k);
                    } else {
                        let len = if rng.random_ratio(1, 40) {
                            3000
                        } else {
                            rng.random_range(0..200)
                        };
                        let value: Vec<u8> = (0..len).map(|_| rng.random()).collect();
                        tx.put(&k, &value)?;
                        model.insert(k, value);
                    }
                }
                Ok(())
            })
            .unwrap();
        if round % 100 == 99 {
            // Not while another test of this file spawns the CLI (see `util::FORK_WINDOW`).
            let _window = util::no_spawn_meanwhile();
            store.close().unwrap();
            store = Store::open(dir.path(), options()).unwrap();
        }
    }
    assert_eq!(
        contents(&store),
        model,
        "a full scan disagrees with the model"
    );
    for index in (0..1500).step_by(7) {
        assert_eq!(
            store.get(&key(index)).unwrap().as_ref(),
            model.get(&key(index)),
            "get {index}"
        );
    }
    for _ in 0..50 {
        let (a, b) = (rng.random_range(0..1600), rng.random_range(0..1600));
        let (low, high) = (key(a.min(b)), key(a.max(b)));
        let bounds = (Bound::Excluded(low.clone()), Bound::Included(high.clone()));
        let found: Model = store
            .range::<Vec<u8>, _>(bounds.clone())
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let expected: Model = model
            .range(bounds)
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        assert_eq!(found, expected, "range ({low:?}, {high:?}]");
    }
    let report = store.verify().unwrap();
    assert_eq!(report.keys, model.len() as u64);
    assert!(report.depth >= 1, "{report:?}: the tree never split");
}

/// A 200-byte key: long keys mean few per page, so a few thousand make a deep tree.
fn long_key(index: u32) -> Vec<u8> {
    let mut key = self::key(index);
    key.resize(200, b'~');
    key
}

#[test]
fn m3_many_keys_split_into_a_tree_that_scans_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), options()).unwrap();
    // Reverse order, so every split happens at the left edge of the tree.
    for chunk in (0..3000u32).rev().collect::<Vec<_>>().chunks(300) {
        store
            .transaction(|tx| {
                for index in chunk {
                    tx.put(&long_key(*index), format!("v{index}").as_bytes())?;
                }
                Ok(())
            })
            .unwrap();
    }
    let keys: Vec<Vec<u8>> = store
        .range::<&[u8], _>(..)
        .unwrap()
        .map(|pair| pair.unwrap().0)
        .collect();
    assert_eq!(keys, (0..3000).map(long_key).collect::<Vec<_>>());
    let prefixed: Vec<Vec<u8>> = store
        .scan_prefix(b"key0010")
        .unwrap()
        .map(|pair| pair.unwrap().0)
        .collect();
    assert_eq!(prefixed, (1000..1100).map(long_key).collect::<Vec<_>>());
    for index in (0..3000).step_by(37) {
        assert_eq!(
            store.get(&long_key(index)).unwrap(),
            Some(format!("v{index}").into_bytes())
        );
    }
    let report = store.verify().unwrap();
    assert_eq!(report.keys, 3000);
    assert!(
        report.depth >= 2,
        "{report:?}: expected at least three levels"
    );
}

/// Loads `keys` with 100-byte values in random order and returns the store.
fn load(dir: &std::path::Path, keys: &[u32]) -> Store {
    let store = Store::open(dir, options()).unwrap();
    for chunk in keys.chunks(200) {
        store
            .transaction(|tx| {
                for index in chunk {
                    tx.put(&key(*index), &[*index as u8; 100])?;
                }
                Ok(())
            })
            .unwrap();
    }
    store
}

#[test]
fn m3_deleting_most_keys_merges_pages() {
    let mut rng = StdRng::seed_from_u64(33);
    let mut all: Vec<u32> = (0..4000).collect();
    for i in (1..all.len()).rev() {
        all.swap(i, rng.random_range(0..=i));
    }
    let (kept, deleted) = all.split_at(400);

    let dir = tempfile::tempdir().unwrap();
    let store = load(dir.path(), &all);
    for chunk in deleted.chunks(200) {
        store
            .transaction(|tx| {
                for index in chunk {
                    assert!(tx.delete(&key(*index))?);
                }
                Ok(())
            })
            .unwrap();
    }
    let after_delete = store.verify().unwrap();
    assert_eq!(after_delete.keys, 400);

    let fresh_dir = tempfile::tempdir().unwrap();
    let fresh = load(fresh_dir.path(), kept).verify().unwrap();
    assert!(
        after_delete.tree_pages <= 2 * fresh.tree_pages + 2,
        "after deleting 90% of the keys the tree still uses {} pages; the same keys loaded \
         into a new store use {}: underfull pages are not merged",
        after_delete.tree_pages,
        fresh.tree_pages
    );
}

#[test]
fn m3_the_cli_round_trips_and_reports_a_flipped_bit_as_corruption() {
    let dir = tempfile::tempdir().unwrap();
    let value = |index: u32| format!("value-{index:04}-").repeat(4).into_bytes();
    let mut input = String::new();
    for index in 0..300 {
        input.push_str(&format!(
            "put {} {}\n",
            kv::cli::to_hex(&key(index)),
            kv::cli::to_hex(&value(index))
        ));
    }
    let output = kv_with_input(dir.path(), &["batch"], &input);
    assert!(output.status.success(), "kv batch failed: {output:?}");
    let dump = kv(dir.path(), &["dump"]);
    assert!(dump.status.success(), "kv dump failed: {dump:?}");
    let expected: Model = (0..300).map(|index| (key(index), value(index))).collect();
    assert_eq!(parse_dump(&dump.stdout), expected);

    let data = dir.path().join("data.kv");
    let bytes = std::fs::read(&data).unwrap();
    let needle = value(123);
    let places: Vec<usize> = bytes
        .windows(needle.len())
        .enumerate()
        .filter(|(_, window)| *window == needle)
        .map(|(at, _)| at)
        .collect();
    assert!(!places.is_empty(), "the value is stored in data.kv");
    // Every copy (a stale copy in a free page would hide the live one).
    for at in places {
        flip_bit(&data, at + 3, 0);
    }
    let damaged = kv(dir.path(), &["dump"]);
    assert_eq!(
        damaged.status.code(),
        Some(3),
        "a flipped bit in a page must exit 3 (corruption); stdout: {}",
        String::from_utf8_lossy(&damaged.stdout)
    );
    assert!(String::from_utf8_lossy(&damaged.stderr).contains("corrupt"));
}

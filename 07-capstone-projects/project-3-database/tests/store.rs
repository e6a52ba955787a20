//! The public `Store` API end to end, and the recovery cases of `ARCHITECTURE.md` that can be
//! staged by editing files between a crash image and the next open.

mod util;

use std::collections::BTreeMap;

use kv::{Compression, Durability, Error, Options, ReadMode, Store};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use util::crash_image;

fn collect(iter: kv::Iter<'_>) -> Vec<(Vec<u8>, Vec<u8>)> {
    iter.collect::<Result<_, _>>().unwrap()
}

#[test]
fn store_put_get_delete_range_and_prefix() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), Options::default()).unwrap();
    for (key, value) in [
        ("apple", "red"),
        ("apricot", "orange"),
        ("banana", "yellow"),
        ("cherry", "dark"),
    ] {
        store.put(key.as_bytes(), value.as_bytes()).unwrap();
    }
    assert_eq!(store.get(b"banana").unwrap(), Some(b"yellow".to_vec()));
    assert_eq!(store.get(b"durian").unwrap(), None);
    assert!(store.delete(b"cherry").unwrap());
    assert!(!store.delete(b"cherry").unwrap());
    let keys = |pairs: Vec<(Vec<u8>, Vec<u8>)>| {
        pairs
            .into_iter()
            .map(|(k, _)| String::from_utf8(k).unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        keys(collect(store.scan_prefix(b"ap").unwrap())),
        ["apple", "apricot"]
    );
    assert_eq!(
        keys(collect(
            store.range(b"apricot".as_slice()..b"c".as_slice()).unwrap()
        )),
        ["apricot", "banana"]
    );
    assert_eq!(store.stats().keys, 3);
    store.close().unwrap();
    let store = Store::open(dir.path(), Options::default()).unwrap();
    assert_eq!(store.get(b"apple").unwrap(), Some(b"red".to_vec()));
    assert_eq!(store.get(b"cherry").unwrap(), None);
    assert_eq!(store.verify().unwrap().keys, 3);
}

#[test]
fn store_rollback_and_failed_closure_leave_no_trace() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), Options::default()).unwrap();
    store.put(b"kept", b"1").unwrap();
    let mut txn = store.begin().unwrap();
    txn.put(b"ghost", b"x").unwrap();
    txn.delete(b"kept").unwrap();
    assert_eq!(txn.get(b"ghost").unwrap(), Some(b"x".to_vec()));
    assert_eq!(
        txn.range::<&[u8], _>(..).unwrap(),
        vec![(b"ghost".to_vec(), b"x".to_vec())]
    );
    txn.rollback();
    let result: Result<(), Error> = store.transaction(|tx| {
        tx.put(b"ghost", b"y")?;
        Err(Error::InvalidOptions("abort on purpose".into()))
    });
    assert!(result.is_err());
    assert_eq!(store.get(b"ghost").unwrap(), None);
    assert_eq!(store.get(b"kept").unwrap(), Some(b"1".to_vec()));
    drop(store);
    let store = Store::open(dir.path(), Options::default()).unwrap();
    assert_eq!(store.get(b"ghost").unwrap(), None);
}

#[test]
fn store_rejects_oversized_key() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), Options::default()).unwrap();
    let err = store.put(&[0; kv::MAX_KEY_LEN + 1], b"v").unwrap_err();
    assert!(
        matches!(err, Error::BTree(kv::BTreeError::KeyTooLong { .. })),
        "{err}"
    );
}

#[test]
fn store_second_open_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let _store = Store::open(dir.path(), Options::default()).unwrap();
    let err = Store::open(dir.path(), Options::default()).unwrap_err();
    assert!(matches!(err, Error::Locked(_)), "{err}");
    assert!(!err.is_corruption());
}

#[test]
fn store_small_cache_survives_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let options = Options {
        cache_bytes: 64 * 1024,
        wal_limit: 256 * 1024,
        durability: Durability::Deferred,
        ..Options::default()
    };
    let mut model = BTreeMap::new();
    let mut rng = StdRng::seed_from_u64(7);
    {
        let store = Store::open(dir.path(), options.clone()).unwrap();
        for round in 0..60 {
            store
                .transaction(|tx| {
                    for _ in 0..50 {
                        let key = format!("key{:05}", rng.random_range(0..3000)).into_bytes();
                        if rng.random_bool(0.2) {
                            tx.delete(&key)?;
                            model.remove(&key);
                        } else {
                            let len = if rng.random_bool(0.05) { 5000 } else { 150 };
                            let value = vec![rng.random::<u8>(); len];
                            tx.put(&key, &value)?;
                            model.insert(key, value);
                        }
                    }
                    Ok(())
                })
                .unwrap();
            if round % 20 == 0 {
                store.check_invariants().unwrap();
            }
        }
        let stats = store.stats();
        assert!(stats.cache_misses > 0, "a 64 KiB pool must miss: {stats:?}");
        assert!(
            stats.checkpoints > 0,
            "the log limit must trigger checkpoints: {stats:?}"
        );
        assert!(
            stats.cached_pages * 4096 <= 2 * 64 * 1024 + 16 * 4096,
            "{stats:?}"
        );
    }
    let store = Store::open(dir.path(), options).unwrap();
    let all = collect(store.range::<&[u8], _>(..).unwrap());
    assert_eq!(all, model.into_iter().collect::<Vec<_>>());
    store.verify().unwrap();
}

/// Writes `count` keys without checkpointing, returning the store (still open).
fn store_with_log(dir: &std::path::Path, count: u32) -> Store {
    let store = Store::open(dir, Options::default()).unwrap();
    for index in 0..count {
        store.put(&index.to_be_bytes(), b"value").unwrap();
    }
    store
}

#[test]
fn store_recovers_from_torn_meta_write() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with_log(dir.path(), 10);
    let generation = store.stats().generation;
    let image = tempfile::tempdir().unwrap();
    crash_image(dir.path(), image.path());
    // The crash hit while checkpoint `generation + 1` wrote its meta slot: garble that slot.
    let slot = (generation + 1) % 2;
    let data = image.path().join("data.kv");
    let mut bytes = std::fs::read(&data).unwrap();
    for byte in &mut bytes[slot as usize * 4096 + 100..slot as usize * 4096 + 300] {
        *byte = 0x5A;
    }
    std::fs::write(&data, bytes).unwrap();
    let recovered = Store::open(image.path(), Options::default()).unwrap();
    for index in 0u32..10 {
        assert_eq!(
            recovered.get(&index.to_be_bytes()).unwrap(),
            Some(b"value".to_vec())
        );
    }
    recovered.verify().unwrap();
}

#[test]
fn store_reports_damaged_newest_meta_as_corrupt() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with_log(dir.path(), 10);
    store.checkpoint().unwrap();
    let generation = store.stats().generation;
    drop(store);
    // The newest meta is durable and the log after it was emptied: losing it is corruption.
    let slot = generation % 2;
    util::flip_bit(&dir.path().join("data.kv"), slot as usize * 4096 + 40, 3);
    let err = Store::open(dir.path(), Options::default()).unwrap_err();
    assert!(err.is_corruption(), "{err}");
}

#[test]
fn store_skips_log_records_already_checkpointed() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with_log(dir.path(), 5);
    let old_log = std::fs::read(dir.path().join("wal.kv")).unwrap();
    store.checkpoint().unwrap();
    store.delete(&0u32.to_be_bytes()).unwrap();
    store.checkpoint().unwrap();
    drop(store);
    // Crash after the meta was durable but before the log was emptied: the log still holds
    // records that the checkpoint already contains. Replaying them would resurrect key 0.
    std::fs::write(dir.path().join("wal.kv"), old_log).unwrap();
    let store = Store::open(dir.path(), Options::default()).unwrap();
    assert_eq!(store.get(&0u32.to_be_bytes()).unwrap(), None);
    assert_eq!(
        store.get(&1u32.to_be_bytes()).unwrap(),
        Some(b"value".to_vec())
    );
}

#[test]
fn store_opens_with_empty_log_after_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    store_with_log(dir.path(), 5).close().unwrap();
    std::fs::write(dir.path().join("wal.kv"), b"").unwrap();
    let store = Store::open(dir.path(), Options::default()).unwrap();
    assert_eq!(store.stats().keys, 5);
}

#[test]
fn store_create_ignores_leftover_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("data.kv.tmp"), b"half-written garbage").unwrap();
    let store = Store::open(dir.path(), Options::default()).unwrap();
    store.put(b"k", b"v").unwrap();
    assert_eq!(store.get(b"k").unwrap(), Some(b"v".to_vec()));
}

#[test]
fn store_replays_log_after_crash_image() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with_log(dir.path(), 300);
    store.put(b"big", &vec![9u8; 50_000]).unwrap();
    let image = tempfile::tempdir().unwrap();
    crash_image(dir.path(), image.path());
    let recovered = Store::open(image.path(), Options::default()).unwrap();
    assert_eq!(recovered.stats().keys, 301);
    assert_eq!(recovered.get(b"big").unwrap(), Some(vec![9u8; 50_000]));
    recovered.verify().unwrap();
}

#[test]
fn store_checkpoint_writes_free_list_that_holds_only_itself() {
    // Regression: one free page became the free-list page, leaving the list empty; the
    // page was then never written and the next open found a zeroed free-list page.
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), Options::default()).unwrap();
    store.put(b"big", &[1u8; 3000]).unwrap();
    store.put(b"big", b"small now").unwrap();
    store.close().unwrap();
    let store = Store::open(dir.path(), Options::default()).unwrap();
    assert_eq!(store.get(b"big").unwrap(), Some(b"small now".to_vec()));
    store.verify().unwrap();
}

/// A store of `count` keys (some with overflow values) after deleting about two thirds of
/// them at random in one transaction, with the model of what it holds.
fn store_after_mass_delete(
    dir: &std::path::Path,
    count: u32,
) -> (Store, BTreeMap<Vec<u8>, Vec<u8>>) {
    let store = Store::open(dir, Options::default()).unwrap();
    let mut model = BTreeMap::new();
    let value = |index: u32| {
        let len = if index.is_multiple_of(50) { 5000 } else { 100 };
        vec![index as u8; len]
    };
    store
        .transaction(|tx| {
            for index in 0..count {
                tx.put(&index.to_be_bytes(), &value(index))?;
            }
            Ok(())
        })
        .unwrap();
    for index in 0..count {
        model.insert(index.to_be_bytes().to_vec(), value(index));
    }
    store.checkpoint().unwrap();
    let mut rng = StdRng::seed_from_u64(66);
    store
        .transaction(|tx| {
            for index in 0..count {
                if rng.random_ratio(2, 3) {
                    tx.delete(&index.to_be_bytes())?;
                    model.remove(index.to_be_bytes().as_slice());
                }
            }
            Ok(())
        })
        .unwrap();
    (store, model)
}

fn assert_holds(store: &Store, model: &BTreeMap<Vec<u8>, Vec<u8>>) {
    let all = collect(store.range::<&[u8], _>(..).unwrap());
    assert!(all.into_iter().eq(model.clone()));
    store.check_invariants().unwrap();
    store.verify().unwrap();
}

#[test]
fn store_mass_delete_compacts_and_truncates_the_data_file() {
    let dir = tempfile::tempdir().unwrap();
    let (store, model) = store_after_mass_delete(dir.path(), 6000);
    let data = dir.path().join("data.kv");
    let before = store.stats();
    store.checkpoint().unwrap();
    let after = store.stats();
    assert_eq!(after.compactions, before.compactions + 1, "{after:?}");
    let len = std::fs::metadata(&data).unwrap().len();
    assert_eq!(len, after.pages * 4096, "the file is cut to the page count");
    // About 2000 keys remain: 40 values of two overflow pages each, and about 1960 leaf
    // entries of 109 bytes, 53 pages' worth; merged leaves are at least about half full.
    assert!(after.pages < 200, "{after:?}");
    assert!(after.pages * 2 < before.pages, "{before:?} {after:?}");
    assert!(
        after.free_pages * 4 <= after.pages,
        "a quarter of the file or less is free after compaction: {after:?}"
    );
    assert_holds(&store, &model);
    store.close().unwrap();
    let store = Store::open(dir.path(), Options::default()).unwrap();
    assert_holds(&store, &model);
}

#[test]
fn store_compression_shrinks_documents_and_is_kept_by_the_store() {
    let sizes: Vec<u64> = [Compression::None, Compression::Lz4]
        .into_iter()
        .map(|compression| {
            let dir = tempfile::tempdir().unwrap();
            let options = Options {
                compression,
                ..Options::default()
            };
            let store = Store::open(dir.path(), options).unwrap();
            store
                .transaction(|tx| {
                    for index in 0..500u32 {
                        tx.put(&index.to_be_bytes(), &util::document(u64::from(index)))?;
                    }
                    Ok(())
                })
                .unwrap();
            store.close().unwrap();
            // Reopened with other options, the store keeps its own codec.
            let store = Store::open(dir.path(), Options::default()).unwrap();
            assert_eq!(store.compression(), compression);
            for index in (0..500u32).step_by(37) {
                assert_eq!(
                    store.get(&index.to_be_bytes()).unwrap(),
                    Some(util::document(u64::from(index)))
                );
            }
            assert_eq!(collect(store.range::<&[u8], _>(..).unwrap()).len(), 500);
            store.verify().unwrap();
            store.stats().pages
        })
        .collect();
    // Each document needs an overflow page of its own uncompressed; compressed, it fits
    // in a leaf next to others.
    assert!(sizes[1] * 3 < sizes[0], "pages: {sizes:?}");
}

#[test]
fn store_mmap_reads_survive_growth_cuts_and_compaction() {
    let dir = tempfile::tempdir().unwrap();
    let options = || Options {
        read_mode: ReadMode::Mmap,
        // A pool of 16 pages, so nearly every read goes to the file.
        cache_bytes: 16 * 4096,
        ..Options::default()
    };
    let store = Store::open(dir.path(), options()).unwrap();
    let mut model = BTreeMap::new();
    store
        .transaction(|tx| {
            for index in 0..4000u32 {
                let value = vec![index as u8; if index % 50 == 0 { 5000 } else { 100 }];
                tx.put(&index.to_be_bytes(), &value)?;
                model.insert(index.to_be_bytes().to_vec(), value);
            }
            Ok(())
        })
        .unwrap();
    store.checkpoint().unwrap();
    let before = store.stats();
    store
        .transaction(|tx| {
            for index in (0..4000u32).filter(|index| index % 3 != 0) {
                tx.delete(&index.to_be_bytes())?;
                model.remove(index.to_be_bytes().as_slice());
            }
            Ok(())
        })
        .unwrap();
    // Compaction moves pages and the cut shrinks the file (and the map) under the reads.
    store.checkpoint().unwrap();
    let after = store.stats();
    assert!(after.compactions > before.compactions, "{after:?}");
    assert!(after.pages < before.pages, "{before:?} {after:?}");
    assert_holds(&store, &model);
    assert!(store.stats().cache_misses > 0);
    store.close().unwrap();
    let store = Store::open(dir.path(), options()).unwrap();
    assert_holds(&store, &model);
}

/// The city of a record `name|city`.
fn city(_key: &[u8], value: &[u8]) -> Option<Vec<u8>> {
    let at = value.iter().position(|byte| *byte == b'|')?;
    Some(value[at + 1..].to_vec())
}

fn keys_of(hits: Vec<kv::IndexHit>) -> Vec<String> {
    hits.into_iter()
        .map(|hit| String::from_utf8(hit.key).unwrap())
        .collect()
}

#[test]
fn store_secondary_index_follows_puts_updates_deletes_and_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), Options::default()).unwrap();
    store.put(b"ana", b"Ana|Lisbon").unwrap();
    store.put(b"bo", b"Bo|Oslo").unwrap();
    store.put(b"no-city", b"Nobody").unwrap();
    // Defining the index builds it from the data already there.
    store.define_index("by_city", city).unwrap();
    assert_eq!(
        keys_of(store.index_get("by_city", b"Lisbon").unwrap()),
        ["ana"]
    );
    store
        .transaction(|tx| {
            tx.put(b"cy", b"Cy|Lisbon")?;
            tx.put(b"bo", b"Bo|Lima")?; // moves from Oslo to Lima
            tx.delete(b"ana")?;
            Ok(())
        })
        .unwrap();
    let mut rolled_back = store.begin().unwrap();
    rolled_back.put(b"dee", b"Dee|Lisbon").unwrap();
    rolled_back.rollback();
    assert_eq!(
        keys_of(store.index_get("by_city", b"Lisbon").unwrap()),
        ["cy"]
    );
    assert!(store.index_get("by_city", b"Oslo").unwrap().is_empty());
    let range = store
        .index_range("by_city", b"L".as_slice()..b"M".as_slice())
        .unwrap();
    let cities: Vec<&[u8]> = range.iter().map(|hit| hit.indexed.as_slice()).collect();
    assert_eq!(cities, [b"Lima".as_slice(), b"Lisbon"]);
    assert_eq!(range[0].value, b"Bo|Lima");
    store.check_invariants().unwrap();
    store.verify().unwrap();
    store.close().unwrap();
    // The entries are stored: lookups work after reopening; the extractor is defined again
    // so that commits keep maintaining it.
    let store = Store::open(dir.path(), Options::default()).unwrap();
    assert_eq!(
        keys_of(store.index_get("by_city", b"Lima").unwrap()),
        ["bo"]
    );
    store.define_index("by_city", city).unwrap();
    store.put(b"ed", b"Ed|Lima").unwrap();
    assert_eq!(
        keys_of(store.index_get("by_city", b"Lima").unwrap()),
        ["bo", "ed"]
    );
    assert!(store.define_index("", city).is_err());
}

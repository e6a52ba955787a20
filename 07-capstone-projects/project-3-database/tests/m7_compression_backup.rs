//! Milestone p3.7: value compression and incremental backups.
//!
//! A store created with LZ4 keeps compressible values in a fraction of the pages and stores
//! incompressible ones plain (never larger); a backup copies only the pages that changed since
//! the last run, and restores to the same contents.

mod util;

use std::collections::BTreeMap;

use kv::{Compression, Durability, Options, Store};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use util::contents;

type State = BTreeMap<Vec<u8>, Vec<u8>>;

fn options(compression: Compression) -> Options {
    Options {
        compression,
        durability: Durability::Deferred,
        ..Options::default()
    }
}

fn key(index: u32) -> Vec<u8> {
    format!("key{index:06}").into_bytes()
}

/// About 760 bytes of JSON-like records that repeat their field names.
fn record(index: u32) -> Vec<u8> {
    (0..15)
        .map(|row| {
            format!(
                r#"{{"id":{},"city":"Lisbon","ok":true}},"#,
                index * 15 + row
            )
        })
        .collect::<String>()
        .into_bytes()
}

/// Stores `values` under keys 0.. in a new store; returns the tree's pages and the contents.
fn store_pages(compression: Compression, values: &[Vec<u8>]) -> (u64, State) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), options(compression)).unwrap();
    for (chunk_index, chunk) in values.chunks(100).enumerate() {
        store
            .transaction(|tx| {
                for (offset, value) in chunk.iter().enumerate() {
                    tx.put(&key((chunk_index * 100 + offset) as u32), value)?;
                }
                Ok(())
            })
            .unwrap();
    }
    store.close().unwrap();
    let store = Store::open(dir.path(), options(Compression::None)).unwrap();
    assert_eq!(
        store.compression(),
        compression,
        "the codec is kept in the meta"
    );
    let contents = contents(&store);
    (store.verify().unwrap().tree_pages, contents)
}

#[test]
fn m7_lz4_shrinks_repetitive_values_and_never_grows_random_ones() {
    let records: Vec<Vec<u8>> = (0..400).map(record).collect();
    let (plain, plain_contents) = store_pages(Compression::None, &records);
    let (lz4, lz4_contents) = store_pages(Compression::Lz4, &records);
    assert_eq!(
        lz4_contents, plain_contents,
        "values must read back unchanged"
    );
    assert!(
        lz4 * 4 <= plain,
        "400 repetitive records take {lz4} pages with LZ4 and {plain} without"
    );

    let mut rng = StdRng::seed_from_u64(7);
    let random: Vec<Vec<u8>> = (0..2000)
        .map(|_| (0..150).map(|_| rng.random()).collect())
        .collect();
    let (plain, plain_contents) = store_pages(Compression::None, &random);
    let (lz4, lz4_contents) = store_pages(Compression::Lz4, &random);
    assert_eq!(lz4_contents, plain_contents);
    assert!(
        lz4 * 100 <= plain * 103,
        "2000 random values take {lz4} pages with LZ4 and {plain} without: \
         incompressible values must be stored plain"
    );
}

#[test]
fn m7_backups_are_incremental_and_restore_the_same_contents() {
    let dir = tempfile::tempdir().unwrap();
    let backup = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), options(Compression::None)).unwrap();
    store
        .transaction(|tx| {
            for index in 0..3000 {
                tx.put(&key(index), &record(index)[..100])?;
            }
            Ok(())
        })
        .unwrap();
    let first = store.backup(backup.path()).unwrap();
    assert_eq!(first.keys, 3000);
    assert_eq!(first.pages_copied, first.pages_total, "{first:?}");
    assert!(first.pages_total > 50, "{first:?}");

    store.put(&key(1234), b"changed").unwrap();
    let second = store.backup(backup.path()).unwrap();
    assert_eq!(second.keys, 3000);
    assert!(
        second.pages_copied <= 6,
        "{second:?}: one changed key must not copy the whole store again"
    );
    let checked = Store::verify_backup(backup.path()).unwrap();
    assert_eq!(checked.keys, 3000);

    let expected: State = contents(&store);
    store.close().unwrap();
    let target = tempfile::tempdir().unwrap();
    let restored_dir = target.path().join("restored");
    Store::restore(backup.path(), &restored_dir, options(Compression::None)).unwrap();
    let restored = Store::open(&restored_dir, options(Compression::None)).unwrap();
    let contents = contents(&restored);
    assert_eq!(
        contents, expected,
        "the restored store differs from the original"
    );
    assert_eq!(contents.get(&key(1234)), Some(&b"changed".to_vec()));
}

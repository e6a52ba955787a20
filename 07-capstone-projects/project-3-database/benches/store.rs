//! Criterion benches for the store on 24-byte keys and 150-byte values: point reads, single
//! puts (durable and deferred), batches of 1,000 puts, and range scans of 10 keys; and loading
//! and reading compressible 1.7 KB documents with and without LZ4 value compression; and
//! random reads that miss a small pool, through `pread` and through a memory map.
//!
//! Run with `cargo bench -p kv --bench store`. These are the per-operation numbers; the
//! comparison against redb and sled lives in the `kv-compare` crate.

#[path = "../tests/util/mod.rs"]
mod util;

use std::hint::black_box;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use kv::{Compression, Durability, Options, ReadMode, Store};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const KEYS: u64 = 50_000;
const VALUE_LEN: usize = 150;

/// A 24-byte key that starts with 8 scrambled bytes (the index times an odd constant, a
/// bijection, so keys stay distinct), then 8 fixed bytes and the index in big-endian order.
/// Keys therefore do not sort by index: puts land all over the tree, as the random keys of
/// `kv-compare` do. (With a fixed 16-byte prefix, as before, every key had the same 8-byte
/// head, so every comparison in a lookup fell through to a full `memcmp` and the profile of
/// `get_random` showed a cost the comparison workload does not have.)
fn key(index: u64) -> [u8; 24] {
    let mut key = [b'k'; 24];
    key[..8].copy_from_slice(&index.wrapping_mul(0x9E37_79B9_7F4A_7C15).to_be_bytes());
    key[16..].copy_from_slice(&index.to_be_bytes());
    key
}

fn value(index: u64) -> Vec<u8> {
    let mut rng = StdRng::seed_from_u64(index);
    (0..VALUE_LEN).map(|_| rng.random()).collect()
}

fn loaded_store(dir: &std::path::Path) -> Store {
    let store = Store::open(dir, Options::default()).expect("open bench store");
    store
        .transaction(|tx| {
            for index in 0..KEYS {
                tx.put(&key(index), &value(index))?;
            }
            Ok(())
        })
        .expect("bulk load");
    store.checkpoint().expect("checkpoint");
    store
}

fn benches(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = loaded_store(dir.path());
    let mut rng = StdRng::seed_from_u64(1);

    c.bench_function("get_random", |b| {
        b.iter(|| {
            let index = rng.random_range(0..KEYS);
            black_box(store.get(&key(index)).expect("get"));
        })
    });

    c.bench_function("range_scan_10", |b| {
        b.iter(|| {
            let start = rng.random_range(0..KEYS - 10);
            let scanned = store
                .range(key(start).as_slice()..)
                .expect("range")
                .take(10)
                .count();
            black_box(scanned);
        })
    });

    // Fresh keys for every put; a `Cell` because two closures below share the counter.
    let next = std::cell::Cell::new(KEYS);
    c.bench_function("put_deferred", |b| {
        b.iter(|| {
            let mut txn = store.begin().expect("begin");
            txn.set_durability(Durability::Deferred);
            txn.put(&key(next.get()), &value(next.get())).expect("put");
            txn.commit().expect("commit");
            next.set(next.get() + 1);
        })
    });

    let mut durable = c.benchmark_group("durable");
    durable.sample_size(20);
    durable.bench_function("put_durable", |b| {
        b.iter(|| {
            store
                .put(&key(next.get()), &value(next.get()))
                .expect("put");
            next.set(next.get() + 1);
        })
    });
    durable.bench_function("batch_put_1000_durable", |b| {
        b.iter_batched(
            || {
                let first = next.get();
                next.set(first + 1000);
                (first..first + 1000)
                    .map(|index| (key(index), value(index)))
                    .collect::<Vec<_>>()
            },
            |pairs| {
                store
                    .transaction(|tx| {
                        for (k, v) in &pairs {
                            tx.put(k, v)?;
                        }
                        Ok(())
                    })
                    .expect("batch");
            },
            BatchSize::SmallInput,
        )
    });
    durable.finish();
}

/// Loading and reading 2,000 compressible documents with and without LZ4; prints the data
/// file's size for each, since that is the point of compressing.
fn compression(c: &mut Criterion) {
    const DOCUMENTS: u64 = 2_000;
    let mut group = c.benchmark_group("documents");
    group.sample_size(10);
    for (name, codec) in [("none", Compression::None), ("lz4", Compression::Lz4)] {
        let load = |dir: &std::path::Path| {
            let options = Options {
                compression: codec,
                ..Options::default()
            };
            let store = Store::open(dir, options).expect("open");
            store
                .transaction(|tx| {
                    for index in 0..DOCUMENTS {
                        tx.put(&key(index), &util::document(index))?;
                    }
                    Ok(())
                })
                .expect("load");
            store
        };
        let dir = tempfile::tempdir().expect("temp dir");
        let store = load(dir.path());
        store.checkpoint().expect("checkpoint");
        let bytes = std::fs::metadata(dir.path().join("data.kv"))
            .expect("data file")
            .len();
        eprintln!("documents/{name}: data file {bytes} bytes for {DOCUMENTS} documents");
        group.bench_function(format!("load_{DOCUMENTS}_{name}"), |b| {
            b.iter_batched(
                || tempfile::tempdir().expect("temp dir"),
                |dir| drop(load(dir.path())),
                BatchSize::PerIteration,
            )
        });
        let mut rng = StdRng::seed_from_u64(2);
        group.bench_function(format!("get_{name}"), |b| {
            b.iter(|| {
                let index = rng.random_range(0..DOCUMENTS);
                black_box(store.get(&key(index)).expect("get"));
            })
        });
    }
    group.finish();
}

/// Random reads that mostly miss a 1 MiB pool, so each one reads a page from the file:
/// `pread` against copying out of a memory map.
fn cold_reads(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    drop(loaded_store(dir.path()));
    let mut group = c.benchmark_group("cold_reads");
    for (name, read_mode) in [("pread", ReadMode::Pread), ("mmap", ReadMode::Mmap)] {
        let options = Options {
            cache_bytes: 1 << 20,
            read_mode,
            ..Options::default()
        };
        let store = Store::open(dir.path(), options).expect("open");
        let mut rng = StdRng::seed_from_u64(3);
        group.bench_function(format!("get_random_{name}"), |b| {
            b.iter(|| {
                let index = rng.random_range(0..KEYS);
                black_box(store.get(&key(index)).expect("get"));
            })
        });
        drop(store);
    }
    group.finish();
}

criterion_group!(store_benches, benches, compression, cold_reads);
criterion_main!(store_benches);

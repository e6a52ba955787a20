//! Milestone p3.4: the buffer pool, an LRU over clean pages with a byte budget, and dirty
//! pages pinned in memory until they are written.
//!
//! The pool is internal, so these tests watch it through `Store::stats` (pages cached,
//! dirty, misses, pages written) and `Store::check_invariants` (which walks every shard's
//! list), while the data read back checks that nothing was lost.

use kv::{Durability, Options, Stats, Store};

const PAGE: u64 = kv::PAGE_SIZE as u64;
/// 64 pages: four per shard of the pool.
const CACHE: usize = 64 * kv::PAGE_SIZE;

fn options(cache_bytes: usize) -> Options {
    Options {
        cache_bytes,
        durability: Durability::Deferred,
        ..Options::default()
    }
}

fn key(index: u32) -> Vec<u8> {
    format!("key{index:06}").into_bytes()
}

fn value(index: u32) -> Vec<u8> {
    let mut value = index.to_le_bytes().to_vec();
    value.resize(100, (index % 251) as u8);
    value
}

/// Clean pages (cached minus dirty) must fit the budget.
fn assert_within_budget(stats: &Stats, when: &str) {
    let clean = stats.cached_pages - stats.dirty_pages;
    assert!(
        clean * PAGE <= stats.cache_bytes,
        "{when}: {clean} clean pages cached with a budget of {} pages",
        stats.cache_bytes / PAGE
    );
}

/// 3000 keys in a scattered order, 100 at a time.
fn fill(store: &Store) {
    let order: Vec<u32> = (0..3000).map(|i| (i * 1237) % 3000).collect();
    for chunk in order.chunks(100) {
        store
            .transaction(|tx| {
                for index in chunk {
                    tx.put(&key(*index), &value(*index))?;
                }
                Ok(())
            })
            .unwrap();
        assert_within_budget(&store.stats(), "while writing");
        store.check_invariants().unwrap();
    }
}

/// A store of 3000 keys written through a small pool, closed and reopened: the pool is cold.
fn filled_and_reopened(dir: &std::path::Path) -> Store {
    let store = Store::open(dir, options(CACHE)).unwrap();
    fill(&store);
    store.close().unwrap();
    Store::open(dir, options(CACHE)).unwrap()
}

#[test]
fn m4_the_pool_stays_within_its_budget_and_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = filled_and_reopened(dir.path());
    for index in 0..3000 {
        assert_eq!(
            store.get(&key(index)).unwrap(),
            Some(value(index)),
            "key {index} after reopening"
        );
    }
    let stats = store.stats();
    assert!(
        stats.cache_misses > stats.cache_bytes / PAGE,
        "{stats:?}: reading more pages than the budget holds must miss"
    );
    assert_within_budget(&stats, "after reading everything");
    store.check_invariants().unwrap();
    assert_eq!(store.verify().unwrap().keys, 3000);
}

#[test]
fn m4_a_page_read_on_every_request_survives_a_scan() {
    let dir = tempfile::tempdir().unwrap();
    let store = filled_and_reopened(dir.path());
    let hot = key(1500);
    assert!(store.get(&hot).unwrap().is_some());
    for index in 0..3000 {
        store.get(&key(index)).unwrap();
        let before = store.stats().cache_misses;
        store.get(&hot).unwrap();
        assert_eq!(
            store.stats().cache_misses,
            before,
            "after reading key {index}, the hot key (read after every other key) missed the pool"
        );
    }
    assert_within_budget(&store.stats(), "after the scan");
    store.check_invariants().unwrap();
}

#[test]
fn m4_a_recent_working_set_is_served_from_memory() {
    let dir = tempfile::tempdir().unwrap();
    let store = filled_and_reopened(dir.path());
    // Fill the pool with other pages first, then read a small working set twice.
    for index in 0..3000 {
        store.get(&key(index)).unwrap();
    }
    let working_set = 1000..1016;
    for index in working_set.clone() {
        assert_eq!(store.get(&key(index)).unwrap(), Some(value(index)));
    }
    let before = store.stats().cache_misses;
    for index in working_set {
        store.get(&key(index)).unwrap();
    }
    assert_eq!(
        store.stats().cache_misses,
        before,
        "the pages just read for 16 keys were not kept: eviction must take the least recently used page"
    );
    assert_within_budget(&store.stats(), "after the working set");
}

#[test]
fn m4_commits_write_no_data_page_before_a_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), Options::default()).unwrap();
    for round in 0..20u32 {
        store
            .transaction(|tx| {
                for index in 0..10 {
                    tx.put(&key(round * 10 + index), &value(index))?;
                }
                Ok(())
            })
            .unwrap();
    }
    let before = store.stats();
    assert_eq!(
        before.page_writes, 0,
        "{before:?}: commits wrote data pages; with room in the pool, changed pages wait for the checkpoint"
    );
    assert!(before.dirty_pages > 0, "{before:?}");
    store.checkpoint().unwrap();
    let after = store.stats();
    assert!(
        after.page_writes >= before.dirty_pages,
        "{after:?}: the checkpoint must write the {} dirty pages",
        before.dirty_pages
    );
    assert_eq!(after.dirty_pages, 0, "{after:?}");
    store.close().unwrap();
    let store = Store::open(dir.path(), Options::default()).unwrap();
    for index in 0..200 {
        assert_eq!(store.get(&key(index)).unwrap(), Some(value(index % 10)));
    }
}

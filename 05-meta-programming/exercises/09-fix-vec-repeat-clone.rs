//! # Fix E0277: `vec![element; n]` clones its element
//!
//! - **Goal:** create `n` independent shards, each with its own lock, where `vec![..; n]` cannot.
//! - **Concepts:** what `vec![element; n]` expands to (it evaluates `element` once and clones
//!   it `n - 1` times, so it needs `Clone`, and clones of an `Rc` or `Arc` share one value);
//!   building `n` fresh values with an iterator; E0277.
//! - **Read first:** `notes/01-macro-rules-fundamentals.md` (section "What `vec!` really does").
//! - **Run:** `cargo course run 05.9`
//! - **Test:** `cargo course verify 05.9` (reference solution:
//!   `cargo test -p meta-programming --bin m05-fix-vec-repeat-clone`)
//! - **Done when:** it compiles and the tests pass.

use std::sync::Mutex;

/// A log split into shards, so that threads writing to different shards do not contend.
struct ShardedLog {
    shards: Vec<Mutex<Vec<String>>>,
}

impl ShardedLog {
    /// A log with `count` empty shards.
    fn new(count: usize) -> Self {
        // course:solution
        let shards = (0..count).map(|_| Mutex::new(Vec::new())).collect();
        // course:stub
        // let shards = vec![Mutex::new(Vec::new()); count];
        // course:decoy capacity-only Reserves room for `count` shards but creates none.
        // let shards = Vec::with_capacity(count);
        // course:end
        ShardedLog { shards }
    }

    /// Appends `line` to shard `key % shard count`.
    fn append(&self, key: usize, line: &str) {
        let shard = &self.shards[key % self.shards.len()];
        shard
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(line.to_string());
    }

    /// How many lines each shard holds.
    fn lengths(&self) -> Vec<usize> {
        self.shards
            .iter()
            .map(|shard| {
                shard
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .len()
            })
            .collect()
    }
}

fn main() {
    let log = ShardedLog::new(4);
    std::thread::scope(|scope| {
        for worker in 0..4 {
            let log = &log;
            scope.spawn(move || log.append(worker, "started"));
        }
    });
    println!("lines per shard: {:?}", log.lengths());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_creates_the_requested_number_of_shards() {
        assert_eq!(ShardedLog::new(3).lengths(), [0, 0, 0]);
        assert!(ShardedLog::new(0).lengths().is_empty());
    }

    #[test]
    fn shards_are_independent() {
        let log = ShardedLog::new(3);
        log.append(1, "a");
        log.append(4, "b");
        log.append(2, "c");
        assert_eq!(log.lengths(), [0, 2, 1]);
    }
}

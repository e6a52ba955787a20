//! # Fix E0277: an `Rc` cannot be sent between threads
//!
//! - **Goal:** count words in several chunks of text, one scoped thread per chunk, all adding into one shared table. The starting code shares the table through `Rc<RefCell<..>>`, which is not `Send`.
//! - **Concepts:** auto traits `Send` and `Sync`; why `Rc` and `RefCell` are single-threaded; `Mutex` (or `Arc<Mutex<..>>`); scoped threads may borrow locals; reading an E0277 from the bottom up.
//! - **Read first:** `notes/01-trait-fundamentals.md` (section "Auto traits: `Send` and `Sync`").
//! - **Run:** `cargo run --manifest-path learn/Cargo.toml --bin m02-fix-send-across-threads` runs your copy (made by `cargo course start 02.4`).
//! - **Test:** `cargo course verify 02.4` tests your copy. (The reference solution: `cargo test -p traits-and-generics --bin m02-fix-send-across-threads`.)
//! - **Done when:** it compiles, every test passes, and you can say which of `Rc`'s operations would race if two threads ran them at once.

use std::collections::HashMap;
// course:solution
use std::sync::Mutex;
// course:stub
// use std::cell::RefCell;
// use std::rc::Rc;
// course:decoy per-thread-tables Gives every thread its own table, so nothing is shared and nothing is added up.
// course:decoy overwrite-merge Collects one table per thread and merges them with `extend`, which overwrites counts.
// course:end
use std::thread;

/// Counts each lower-cased word over all `chunks`, one thread per chunk.
fn tally(chunks: &[&str]) -> HashMap<String, usize> {
    // course:solution
    let totals = Mutex::new(HashMap::new());
    thread::scope(|scope| {
        for chunk in chunks {
            // Scoped threads may borrow `totals`: the scope outlives them all.
            let totals = &totals;
            scope.spawn(move || {
                for word in chunk.split_whitespace() {
                    let mut table = totals
                        .lock()
                        .unwrap_or_else(|poisoned| poisoned.into_inner());
                    *table.entry(word.to_lowercase()).or_insert(0) += 1;
                }
            });
        }
    });
    totals
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
    // course:stub
    // let totals = Rc::new(RefCell::new(HashMap::new()));
    // thread::scope(|scope| {
    //     for chunk in chunks {
    //         let totals = Rc::clone(&totals);
    //         scope.spawn(move || {
    //             for word in chunk.split_whitespace() {
    //                 *totals.borrow_mut().entry(word.to_lowercase()).or_insert(0) += 1;
    //             }
    //         });
    //     }
    // });
    // Rc::try_unwrap(totals)
    //     .expect("every thread has finished, so this is the last handle")
    //     .into_inner()
    // course:decoy per-thread-tables
    // let totals: HashMap<String, usize> = HashMap::new();
    // thread::scope(|scope| {
    //     for chunk in chunks {
    //         let mut totals = totals.clone();
    //         scope.spawn(move || {
    //             for word in chunk.split_whitespace() {
    //                 *totals.entry(word.to_lowercase()).or_insert(0) += 1;
    //             }
    //         });
    //     }
    // });
    // totals
    // course:decoy overwrite-merge
    // let mut totals = HashMap::new();
    // thread::scope(|scope| {
    //     let handles: Vec<_> = chunks
    //         .iter()
    //         .map(|chunk| {
    //             scope.spawn(move || {
    //                 let mut table = HashMap::new();
    //                 for word in chunk.split_whitespace() {
    //                     *table.entry(word.to_lowercase()).or_insert(0) += 1;
    //                 }
    //                 table
    //             })
    //         })
    //         .collect();
    //     for handle in handles {
    //         totals.extend(handle.join().expect("counting does not panic"));
    //     }
    // });
    // totals
    // course:end
}

fn main() {
    let chunks = ["the quick brown fox", "jumps over the lazy dog", "The End"];
    let mut counts: Vec<(String, usize)> = tally(&chunks).into_iter().collect();
    counts.sort();
    println!("{counts:?}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_in_one_chunk_are_counted() {
        let counts = tally(&["a b a"]);
        assert_eq!(counts.get("a"), Some(&2));
        assert_eq!(counts.get("b"), Some(&1));
        assert_eq!(counts.len(), 2);
    }

    #[test]
    fn counts_from_different_threads_add_up() {
        let chunks = ["rust is fast", "Rust is safe", "RUST"];
        let counts = tally(&chunks);
        assert_eq!(counts.get("rust"), Some(&3));
        assert_eq!(counts.get("is"), Some(&2));
        assert_eq!(counts.get("fast"), Some(&1));
        assert_eq!(counts.values().sum::<usize>(), 7);
    }

    #[test]
    fn many_chunks_lose_no_updates() {
        let chunks = vec!["tick tock"; 16];
        let counts = tally(&chunks);
        assert_eq!(counts.get("tick"), Some(&16));
        assert_eq!(counts.get("tock"), Some(&16));
    }

    #[test]
    fn no_chunks_give_an_empty_table() {
        assert!(tally(&[]).is_empty());
        assert!(tally(&["   ", ""]).is_empty());
    }
}

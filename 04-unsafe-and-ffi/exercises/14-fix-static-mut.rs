//! # Fix E0133: a `static mut` counter
//!
//! - **Goal:** `record` adds to a global count of readings, which several threads call at once. It is a `static mut`, every access to which is unsafe, and the compiler refuses. An `unsafe { }` block would compile, but this exercise's tests run under Miri: two threads doing `COUNT += n` at the same time is a data race, which is undefined behaviour. Make the counter something threads may share.
//! - **Concepts:** E0133 for `static mut`; edition 2024's `static_mut_refs` lint; data races are UB; atomics (`AtomicU64::fetch_add`) and `Ordering::Relaxed` for a pure counter; `Mutex` as the general alternative.
//! - **Read first:** `notes/01-unsafe-guarantees.md` ("`static mut` and why it is nearly always wrong") and `notes/03-undefined-behavior.md` ("Data races").
//! - **Run:** `cargo run --bin m04-fix-static-mut` in `learn/`.
//! - **Test:** `cargo course verify 04.14` (the tests also run under Miri).
//! - **Done when:** it compiles, the tests pass natively and under Miri, and no `unsafe` is left.

// course:solution
use std::sync::atomic::{AtomicU64, Ordering};

/// Readings recorded so far, by every thread.
static READINGS: AtomicU64 = AtomicU64::new(0);
// course:stub
// /// Readings recorded so far, by every thread.
// static mut READINGS: u64 = 0;
// course:decoy thread-local Makes the counter thread-local: no race, but each thread counts only its own readings.
// use std::cell::Cell;
//
// thread_local! {
//     /// Readings recorded so far, by this thread only.
//     static READINGS: Cell<u64> = const { Cell::new(0) };
// }
// course:decoy unsafe-block Keeps the static mut and wraps each access in unsafe: two threads then race on it.
// #![expect(unsafe_code, reason = "the decoy keeps the static mut")]
//
// /// Readings recorded so far, by every thread.
// static mut READINGS: u64 = 0;
// course:end

/// Adds `count` readings to the global total.
fn record(count: u64) {
    // course:solution
    READINGS.fetch_add(count, Ordering::Relaxed);
    // course:stub
    // READINGS += count;
    // course:decoy thread-local
    // READINGS.with(|readings| readings.set(readings.get() + count));
    // course:decoy unsafe-block
    // // SAFETY: (wrong) nothing stops two threads from doing this at once.
    // unsafe { *(&raw mut READINGS) += count };
    // course:end
}

/// The global total.
fn total() -> u64 {
    // course:solution
    READINGS.load(Ordering::Relaxed)
    // course:stub
    // READINGS
    // course:decoy thread-local
    // READINGS.with(Cell::get)
    // course:decoy unsafe-block
    // // SAFETY: (wrong) a write may be running on another thread.
    // unsafe { *(&raw const READINGS) }
    // course:end
}

fn main() {
    let workers: Vec<_> = (1..=3)
        .map(|worker| std::thread::spawn(move || record(worker)))
        .collect();
    for worker in workers {
        worker.join().expect("a recording thread panicked");
    }
    println!("{} readings", total());
}

#[cfg(test)]
mod tests {
    use super::*;

    // The one test that touches the global counter: tests run in parallel threads.
    #[test]
    fn concurrent_records_are_all_counted() {
        let rounds = if cfg!(miri) { 5 } else { 10_000 };
        let before = total();
        let workers: Vec<_> = (0..4)
            .map(|_| {
                std::thread::spawn(move || {
                    for _ in 0..rounds {
                        record(2);
                    }
                })
            })
            .collect();
        for worker in workers {
            worker.join().expect("a recording thread panicked");
        }
        assert_eq!(total() - before, 4 * 2 * rounds);
    }
}

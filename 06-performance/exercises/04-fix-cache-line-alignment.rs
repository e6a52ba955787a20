//! # Fix E0589: give each per-thread counter its own cache line
//!
//! - **Goal:** stop two threads' counters from sharing a cache line (false sharing) by aligning the counter type to the cache line, with a `repr(align)` the compiler accepts.
//! - **Concepts:** cache lines (64 bytes on current x86-64 and most AArch64 cores); false sharing; `#[repr(align(N))]` needs a power of two and rounds the size up to a multiple of the alignment; checking layout with `align_of` and addresses.
//! - **Read first:** `notes/02-memory-layout-optimization.md` (section "Cache lines and false sharing").
//! - **Run:** `cargo run --bin m06-fix-cache-line-alignment` in `learn/`, after `cargo course start 06.4`
//! - **Test:** `cargo course verify 06.4`
//! - **Done when:** it compiles, the tests pass, and you can say why 48 bytes of padding was never going to be enough.

use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;

/// The cache-line size this exercise designs for.
const CACHE_LINE: usize = 64;

/// One thread's event counter, alone on its cache line so that another thread's writes to the
/// neighbouring counter never invalidate this one.
// course:solution
#[repr(align(64))]
// course:stub
// // A counter is 8 bytes; pad it to 48 so that the next counter is far enough away.
// #[repr(align(48))]
// course:decoy half-line Aligns to 32 bytes: a power of two, so it compiles, but two counters still share each 64-byte line.
// #[repr(align(32))]
// course:decoy c-layout Uses `repr(C)`, which fixes the field order and changes nothing about alignment.
// #[repr(C)]
// course:end
#[derive(Debug, Default)]
struct PaddedCounter {
    events: AtomicU64,
}

/// Runs one thread per counter; thread `i` adds 1 to `counters[i]` `per_thread` times.
/// Returns the sum of all counters afterwards.
fn count_in_parallel(counters: &[PaddedCounter], per_thread: u64) -> u64 {
    thread::scope(|scope| {
        for counter in counters {
            scope.spawn(move || {
                for _ in 0..per_thread {
                    counter.events.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
    });
    counters
        .iter()
        .map(|counter| counter.events.load(Ordering::Relaxed))
        .sum()
}

fn main() {
    let counters: Vec<PaddedCounter> = (0..4).map(|_| PaddedCounter::default()).collect();
    let total = count_in_parallel(&counters, 1_000_000);
    println!(
        "total {total}; each counter is {} bytes, aligned to {} (cache line: {CACHE_LINE})",
        size_of::<PaddedCounter>(),
        align_of::<PaddedCounter>()
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counter_is_aligned_to_a_cache_line() {
        assert!(
            align_of::<PaddedCounter>() >= CACHE_LINE,
            "a PaddedCounter must start on a cache-line boundary"
        );
        assert_eq!(size_of::<PaddedCounter>() % CACHE_LINE, 0);
    }

    #[test]
    fn neighbouring_counters_never_share_a_line() {
        let counters: Vec<PaddedCounter> = (0..4).map(|_| PaddedCounter::default()).collect();
        for pair in counters.windows(2) {
            let first = &pair[0] as *const PaddedCounter as usize;
            let second = &pair[1] as *const PaddedCounter as usize;
            assert_ne!(
                first / CACHE_LINE,
                second / CACHE_LINE,
                "two counters start in the same cache line"
            );
        }
    }

    #[test]
    fn parallel_counts_add_up() {
        let counters: Vec<PaddedCounter> = (0..3).map(|_| PaddedCounter::default()).collect();
        assert_eq!(count_in_parallel(&counters, 1000), 3000);
        for counter in &counters {
            assert_eq!(counter.events.load(Ordering::Relaxed), 1000);
        }
    }
}

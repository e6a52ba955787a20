//! # A counting global allocator
//!
//! - **Goal:** write the `GlobalAlloc` implementation that forwards to the system allocator while counting, per thread, the allocations, the deallocations, the live bytes and their peak; then a `measure` function that reports those figures for one closure.
//! - **Concepts:** `#[global_allocator]`; the `GlobalAlloc` contract (`alloc`, `dealloc`, `realloc`) and why implementing it is `unsafe`; an allocator must not allocate; `thread_local!` with a `const` initialiser; measuring instead of guessing where allocations happen.
//! - **Read first:** `notes/02-memory-layout-optimization.md` (section "Counting allocations").
//! - **Run:** `cargo run --bin m06-counting-allocator` in `learn/`, after `cargo course start 06.5`
//! - **Test:** `cargo course verify 06.5`
//! - **Done when:** the tests pass: a `Vec::with_capacity` is one allocation, growing a `Vec` counts its reallocations, dropping returns the live bytes to zero, and `measure` reports only what happened inside it.
#![expect(
    unsafe_code,
    reason = "a global allocator is an unsafe trait implementation"
)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// Per-thread allocation counters. `Cell`s with `const` initialisers and no destructor: using
/// them never allocates, which matters because the allocator itself updates them.
struct Counters {
    allocations: Cell<u64>,
    deallocations: Cell<u64>,
    live_bytes: Cell<i64>,
    peak_bytes: Cell<i64>,
}

thread_local! {
    static COUNTERS: Counters = const {
        Counters {
            allocations: Cell::new(0),
            deallocations: Cell::new(0),
            live_bytes: Cell::new(0),
            peak_bytes: Cell::new(0),
        }
    };
}

/// Runs `update` on this thread's counters, unless the thread is being torn down (then the
/// event is not counted: `try_with` fails instead of panicking inside the allocator).
fn with_counters(update: impl FnOnce(&Counters)) {
    let _ = COUNTERS.try_with(update);
}

/// What happened on this thread while a closure ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct AllocStats {
    /// Calls to `alloc` or `realloc` (each one a trip to the allocator).
    allocations: u64,
    /// Calls to `dealloc`.
    deallocations: u64,
    /// Bytes allocated minus bytes freed; negative when the closure freed older memory.
    live_bytes: i64,
    /// The highest `live_bytes` reached while the closure ran (0 if it never went above 0).
    peak_bytes: i64,
}

/// Forwards to [`System`], counting as it goes.
struct CountingAllocator;

// SAFETY: every method passes its arguments to `System` unchanged and returns its result, so
// the allocator contract is `System`'s; the bookkeeping only touches thread-local `Cell`s.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // course:solution
        // SAFETY: the caller's layout meets `alloc`'s contract and is passed on unchanged.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            with_counters(|counters| {
                counters.allocations.set(counters.allocations.get() + 1);
                let live = counters.live_bytes.get() + layout.size() as i64;
                counters.live_bytes.set(live);
                counters.peak_bytes.set(counters.peak_bytes.get().max(live));
            });
        }
        ptr
        // course:stub
        // // TODO: count one allocation, add `layout.size()` to the live bytes, raise the peak.
        // // SAFETY: the caller's layout meets `alloc`'s contract and is passed on unchanged.
        // unsafe { System.alloc(layout) }
        // course:decoy no-peak Counts and adds the live bytes but never raises the peak.
        // // SAFETY: the caller's layout meets `alloc`'s contract and is passed on unchanged.
        // let ptr = unsafe { System.alloc(layout) };
        // with_counters(|counters| {
        //     counters.allocations.set(counters.allocations.get() + 1);
        //     counters.live_bytes.set(counters.live_bytes.get() + layout.size() as i64);
        // });
        // ptr
        // course:end
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // course:solution
        // SAFETY: `ptr` came from `System` through this allocator, with this layout.
        unsafe { System.dealloc(ptr, layout) };
        with_counters(|counters| {
            counters.deallocations.set(counters.deallocations.get() + 1);
            counters
                .live_bytes
                .set(counters.live_bytes.get() - layout.size() as i64);
        });
        // course:stub
        // // TODO: count one deallocation and subtract `layout.size()` from the live bytes.
        // // SAFETY: `ptr` came from `System` through this allocator, with this layout.
        // unsafe { System.dealloc(ptr, layout) }
        // course:decoy no-subtract Counts the deallocation but leaves the live bytes as they were.
        // // SAFETY: `ptr` came from `System` through this allocator, with this layout.
        // unsafe { System.dealloc(ptr, layout) };
        // with_counters(|counters| {
        //     counters.deallocations.set(counters.deallocations.get() + 1);
        // });
        // course:end
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // course:solution
        // SAFETY: `ptr` came from `System` with `layout`; `new_size` meets `realloc`'s contract.
        let new_ptr = unsafe { System.realloc(ptr, layout, new_size) };
        if !new_ptr.is_null() {
            with_counters(|counters| {
                counters.allocations.set(counters.allocations.get() + 1);
                let live = counters.live_bytes.get() + new_size as i64 - layout.size() as i64;
                counters.live_bytes.set(live);
                counters.peak_bytes.set(counters.peak_bytes.get().max(live));
            });
        }
        new_ptr
        // course:stub
        // // TODO: count one allocation and move the live bytes by `new_size - layout.size()`.
        // // SAFETY: `ptr` came from `System` with `layout`; `new_size` meets `realloc`'s contract.
        // unsafe { System.realloc(ptr, layout, new_size) }
        // course:decoy forward-only Forwards to System without counting: growing a `Vec` looks like a single allocation.
        // // SAFETY: `ptr` came from `System` with `layout`; `new_size` meets `realloc`'s contract.
        // unsafe { System.realloc(ptr, layout, new_size) }
        // course:end
    }
}

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

/// Runs `work` and returns its result with the allocation statistics of this thread while it
/// ran. Allocations made before the call do not count; the peak is measured from the live
/// bytes at the start.
fn measure<T>(work: impl FnOnce() -> T) -> (T, AllocStats) {
    // course:solution Take a snapshot, reset the peak to the current live bytes, run `work`, and return the differences.
    let mut before = AllocStats::default();
    with_counters(|counters| {
        counters.peak_bytes.set(counters.live_bytes.get());
        before = AllocStats {
            allocations: counters.allocations.get(),
            deallocations: counters.deallocations.get(),
            live_bytes: counters.live_bytes.get(),
            peak_bytes: counters.live_bytes.get(),
        };
    });
    let result = work();
    let mut stats = AllocStats::default();
    with_counters(|counters| {
        stats = AllocStats {
            allocations: counters.allocations.get() - before.allocations,
            deallocations: counters.deallocations.get() - before.deallocations,
            live_bytes: counters.live_bytes.get() - before.live_bytes,
            peak_bytes: counters.peak_bytes.get() - before.peak_bytes,
        };
    });
    (result, stats)
    // course:decoy no-baseline Reports the thread's totals since it started, not what happened inside `work`.
    // let result = work();
    // let mut stats = AllocStats::default();
    // with_counters(|counters| {
    //     stats = AllocStats {
    //         allocations: counters.allocations.get(),
    //         deallocations: counters.deallocations.get(),
    //         live_bytes: counters.live_bytes.get(),
    //         peak_bytes: counters.peak_bytes.get(),
    //     };
    // });
    // (result, stats)
    // course:decoy stale-peak Does not reset the peak, so an earlier, bigger peak leaks into this measurement.
    // let mut before = AllocStats::default();
    // with_counters(|counters| {
    //     before = AllocStats {
    //         allocations: counters.allocations.get(),
    //         deallocations: counters.deallocations.get(),
    //         live_bytes: counters.live_bytes.get(),
    //         peak_bytes: counters.live_bytes.get(),
    //     };
    // });
    // let result = work();
    // let mut stats = AllocStats::default();
    // with_counters(|counters| {
    //     stats = AllocStats {
    //         allocations: counters.allocations.get() - before.allocations,
    //         deallocations: counters.deallocations.get() - before.deallocations,
    //         live_bytes: counters.live_bytes.get() - before.live_bytes,
    //         peak_bytes: counters.peak_bytes.get() - before.peak_bytes,
    //     };
    // });
    // (result, stats)
    // course:end
}

fn main() {
    let (words, stats) = measure(|| {
        "the quick brown fox"
            .split(' ')
            .map(str::to_uppercase)
            .collect::<Vec<_>>()
    });
    println!("{words:?}: {stats:?}");
    let (_, stats) = measure(|| drop(words));
    println!("dropping them: {stats:?}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_capacity_is_one_allocation_of_the_right_size() {
        let (values, stats) = measure(|| Vec::<u64>::with_capacity(100));
        assert_eq!(
            stats,
            AllocStats {
                allocations: 1,
                deallocations: 0,
                live_bytes: 800,
                peak_bytes: 800,
            }
        );
        drop(values);
    }

    #[test]
    fn growing_a_vec_counts_every_reallocation() {
        let (capacity, stats) = measure(|| {
            let mut values = Vec::new();
            let mut growths = 0;
            for value in 0..100u64 {
                if values.len() == values.capacity() {
                    growths += 1;
                }
                values.push(value);
            }
            (values.capacity(), growths)
        });
        let (capacity, growths) = capacity;
        assert_eq!(stats.allocations, growths, "one allocator call per growth");
        assert!(growths >= 3, "a Vec grown to 100 elements reallocated");
        assert_eq!(stats.deallocations, 1);
        assert_eq!(
            stats.live_bytes, 0,
            "everything was dropped inside the closure"
        );
        assert_eq!(stats.peak_bytes, capacity as i64 * 8);
    }

    #[test]
    fn dropping_returns_live_bytes_to_zero() {
        let (_, stats) = measure(|| drop(vec![1u8; 1000]));
        assert_eq!(
            stats,
            AllocStats {
                allocations: 1,
                deallocations: 1,
                live_bytes: 0,
                peak_bytes: 1000,
            }
        );
    }

    #[test]
    fn measure_ignores_what_happened_before() {
        let earlier = vec![0u8; 4096];
        drop(earlier);
        let (_, stats) = measure(|| 2 + 2);
        assert_eq!(stats, AllocStats::default());
    }

    #[test]
    fn freeing_older_memory_makes_live_bytes_negative() {
        let old = vec![0u8; 256];
        let (_, stats) = measure(move || drop(old));
        assert_eq!(stats.deallocations, 1);
        assert_eq!(stats.live_bytes, -256);
        assert_eq!(stats.peak_bytes, 0);
    }
}

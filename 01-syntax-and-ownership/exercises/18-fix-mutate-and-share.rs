//! # Fix E0502: a `&mut self` method that lends keeps `self` borrowed
//!
//! - **Goal:** record a hit in a tally and describe the tally; the method that records also lends out the stored value, and that loan keeps the whole tally borrowed exclusively.
//! - **Concepts:** elision rule 3 ties the result of a `&mut self` method to the exclusive borrow; a shared reference derived from an exclusive borrow keeps it exclusive; splitting a method into a mutating one and a reading one; E0502.
//! - **Read first:** `notes/03-lifetimes-explained.md` (section "The limits of lifetimes").
//! - **Run:** `cargo run --manifest-path learn/Cargo.toml --bin m01-fix-mutate-and-share` runs your copy (made by `cargo course start 01.18`).
//! - **Test:** `cargo course verify 01.18` tests your copy. (The reference solution: `cargo test -p syntax-and-ownership --bin m01-fix-mutate-and-share`.)
//! - **Done when:** it compiles and the tests pass; a test counts allocations and leaked bytes, so copying the tally or leaking the value fails it.

/// Every hit recorded so far.
#[derive(Debug, Default)]
struct Tally {
    /// The hits, oldest first.
    hits: Vec<u32>,
}

// course:solution
impl Tally {
    /// Records a hit.
    fn record(&mut self, value: u32) {
        self.hits.push(value);
    }

    /// The latest hit, if any.
    fn last(&self) -> Option<&u32> {
        self.hits.last()
    }
}

/// Records `value` and describes the tally as `"<n> hits, the last is <value>"`.
fn record_and_describe(tally: &mut Tally, value: u32) -> String {
    tally.record(value);
    let count = tally.hits.len();
    match tally.last() {
        Some(last) => format!("{count} hits, the last is {last}"),
        None => format!("{count} hits"),
    }
}
// course:stub
// impl Tally {
//     /// Records a hit and lends out the stored value.
//     fn record(&mut self, value: u32) -> &u32 {
//         self.hits.push(value);
//         &self.hits[self.hits.len() - 1]
//     }
//
//     /// The latest hit, if any.
//     fn last(&self) -> Option<&u32> {
//         self.hits.last()
//     }
// }
//
// /// Records `value` and describes the tally as `"<n> hits, the last is <value>"`.
// fn record_and_describe(tally: &mut Tally, value: u32) -> String {
//     let last = tally.record(value);
//     format!("{} hits, the last is {last}", tally.hits.len())
// }
// course:decoy copy-the-tally Describes a copy of the tally, so the loan is of the copy.
// impl Tally {
//     /// Records a hit and lends out the stored value.
//     fn record(&mut self, value: u32) -> &u32 {
//         self.hits.push(value);
//         &self.hits[self.hits.len() - 1]
//     }
//
//     /// The latest hit, if any.
//     fn last(&self) -> Option<&u32> {
//         self.hits.last()
//     }
// }
//
// /// Records `value` and describes the tally as `"<n> hits, the last is <value>"`.
// fn record_and_describe(tally: &mut Tally, value: u32) -> String {
//     let count = tally.hits.len() + 1;
//     let mut copy = Tally { hits: tally.hits.clone() };
//     let last = copy.record(value);
//     let description = format!("{count} hits, the last is {last}");
//     tally.hits.push(value);
//     description
// }
// course:decoy leak-the-value Leaks a copy of the value so the loan is `'static` and ends nothing.
// impl Tally {
//     /// Records a hit and lends out a leaked copy of the value.
//     fn record(&mut self, value: u32) -> &'static u32 {
//         self.hits.push(value);
//         Box::leak(Box::new(value))
//     }
//
//     /// The latest hit, if any.
//     fn last(&self) -> Option<&u32> {
//         self.hits.last()
//     }
// }
//
// /// Records `value` and describes the tally as `"<n> hits, the last is <value>"`.
// fn record_and_describe(tally: &mut Tally, value: u32) -> String {
//     let last = tally.record(value);
//     format!("{} hits, the last is {last}", tally.hits.len())
// }
// course:decoy count-before-push Counts the hits before recording the new one.
// impl Tally {
//     /// Records a hit.
//     fn record(&mut self, value: u32) {
//         self.hits.push(value);
//     }
//
//     /// The latest hit, if any.
//     fn last(&self) -> Option<&u32> {
//         self.hits.last()
//     }
// }
//
// /// Records `value` and describes the tally as `"<n> hits, the last is <value>"`.
// fn record_and_describe(tally: &mut Tally, value: u32) -> String {
//     let count = tally.hits.len();
//     tally.record(value);
//     format!("{count} hits, the last is {value}")
// }
// course:end

fn main() {
    let mut tally = Tally::default();
    println!("{}", record_and_describe(&mut tally, 7));
    println!("{}", record_and_describe(&mut tally, 9));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_the_first_hit() {
        let mut tally = Tally::default();
        assert_eq!(record_and_describe(&mut tally, 7), "1 hits, the last is 7");
        assert_eq!(tally.hits, [7]);
    }

    #[test]
    fn describes_later_hits() {
        let mut tally = Tally { hits: vec![1, 2] };
        assert_eq!(record_and_describe(&mut tally, 3), "3 hits, the last is 3");
        assert_eq!(record_and_describe(&mut tally, 4), "4 hits, the last is 4");
        assert_eq!(tally.hits, [1, 2, 3, 4]);
    }

    #[test]
    fn copies_and_leaks_nothing() {
        let mut tally = Tally {
            hits: (0..100).collect(),
        };
        tally.hits.reserve(1);
        let (text, allocations, leaked) = counting::measure(|| record_and_describe(&mut tally, 5));
        assert_eq!(text, "101 hits, the last is 5");
        // The description is the only new allocation (and it is handed back, not leaked).
        assert!(
            allocations <= 1,
            "`record_and_describe` made {allocations} allocations: it copies the tally"
        );
        assert_eq!(
            leaked,
            isize::try_from(text.capacity()).expect("a short string"),
            "`record_and_describe` leaked memory"
        );
    }

    /// Counts what the current thread allocates, so a test can see a copy or a leak that
    /// leaves no other trace. Tests run on parallel threads, hence per-thread counters.
    mod counting {
        #![expect(unsafe_code, reason = "a global allocator implements an unsafe trait")]
        use std::alloc::{GlobalAlloc, Layout, System};
        use std::cell::Cell;

        thread_local! {
            static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
            static LIVE_BYTES: Cell<isize> = const { Cell::new(0) };
        }

        fn record(allocations: usize, bytes: isize) {
            // `try_with`: the thread's counters may already be gone while it shuts down.
            let _ = ALLOCATIONS.try_with(|count| count.set(count.get() + allocations));
            let _ = LIVE_BYTES.try_with(|live| live.set(live.get() + bytes));
        }

        /// Forwards to the system allocator and counts on the side.
        struct Counting;

        // SAFETY: every method forwards its arguments unchanged to `System`, which upholds the
        // `GlobalAlloc` contract; the counting only touches thread-local `Cell`s (no allocation).
        unsafe impl GlobalAlloc for Counting {
            unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
                record(1, layout.size() as isize);
                // SAFETY: the caller meets `alloc`'s contract, which is all `System` needs.
                unsafe { System.alloc(layout) }
            }

            unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
                record(0, -(layout.size() as isize));
                // SAFETY: `ptr` was allocated by `System` (through `alloc`) with `layout`.
                unsafe { System.dealloc(ptr, layout) }
            }

            unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
                record(0, new_size as isize - layout.size() as isize);
                // SAFETY: the caller meets `realloc`'s contract; `ptr` came from `System`.
                unsafe { System.realloc(ptr, layout, new_size) }
            }
        }

        #[global_allocator]
        static GLOBAL: Counting = Counting;

        /// Runs `work` and returns its result, the number of allocations it made (growing a
        /// buffer in place does not count), and how many bytes it left allocated.
        pub fn measure<R>(work: impl FnOnce() -> R) -> (R, usize, isize) {
            let (count_before, live_before) = (ALLOCATIONS.get(), LIVE_BYTES.get());
            let result = work();
            (
                result,
                ALLOCATIONS.get() - count_before,
                LIVE_BYTES.get() - live_before,
            )
        }
    }
}

//! # Fix E0373: a `'static` bound on a closure that borrows a local
//!
//! - **Goal:** queue jobs in a scheduler that keeps them after the function that created them has returned; the closures borrow local `String`s, so they cannot meet the scheduler's `'static` bound.
//! - **Concepts:** `T: 'static` means "borrows nothing short-lived", not "lives forever"; a closure that borrows a local is not `'static`; a `move` closure owns its captures and is; E0373 "closure may outlive the current function, but it borrows `greeting`".
//! - **Read first:** `notes/03-lifetimes-explained.md` (section "`'static`: a bound versus a reference").
//! - **Run:** `cargo run --manifest-path learn/Cargo.toml --bin m01-fix-static-bound` runs your copy (made by `cargo course start 01.17`).
//! - **Test:** `cargo course verify 01.17` tests your copy. (The reference solution: `cargo test -p syntax-and-ownership --bin m01-fix-static-bound`.)
//! - **Done when:** it compiles and the tests pass, without changing the scheduler's `'static` bound.

/// Keeps jobs to run later, possibly long after the code that queued them has returned.
#[derive(Default)]
struct Scheduler {
    /// The queued jobs, in order. `Box<dyn FnMut() -> String>` means `+ 'static`.
    jobs: Vec<Box<dyn FnMut() -> String>>,
}

impl Scheduler {
    /// Queues `job`. The `'static` bound is what lets the scheduler keep it for as long as it likes.
    fn add(&mut self, job: impl FnMut() -> String + 'static) {
        self.jobs.push(Box::new(job));
    }

    /// Runs every queued job once, in order, and collects what they return.
    fn run_all(&mut self) -> Vec<String> {
        self.jobs.iter_mut().map(|job| job()).collect()
    }
}

/// Queues one job per name; each job returns `"hello, <name>"`.
fn schedule_greetings(scheduler: &mut Scheduler, names: &[&str]) {
    for name in names {
        let greeting = format!("hello, {name}");
        // course:solution
        scheduler.add(move || greeting.clone());
        // course:stub
        // scheduler.add(|| greeting.clone());
        // course:decoy leak-the-greeting Leaks the greeting so the closure can borrow it as `'static`.
        // let greeting: &'static str = Box::leak(greeting.into_boxed_str());
        // scheduler.add(move || greeting.to_string());
        // course:decoy hand-it-out-once Moves the greeting out on the first run, leaving an empty one.
        // let mut greeting = greeting;
        // scheduler.add(move || std::mem::take(&mut greeting));
        // course:end
    }
}

fn main() {
    let mut scheduler = Scheduler::default();
    schedule_greetings(&mut scheduler, &["Ada", "Grace"]);
    println!("{:?}", scheduler.run_all());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greetings_run_after_the_scheduling_function_returned() {
        let mut scheduler = Scheduler::default();
        schedule_greetings(&mut scheduler, &["Ada", "Grace"]);
        assert_eq!(scheduler.run_all(), ["hello, Ada", "hello, Grace"]);
    }

    #[test]
    fn jobs_can_run_more_than_once() {
        let mut scheduler = Scheduler::default();
        schedule_greetings(&mut scheduler, &["Ferris"]);
        assert_eq!(scheduler.run_all(), ["hello, Ferris"]);
        assert_eq!(scheduler.run_all(), ["hello, Ferris"]);
    }

    #[test]
    fn no_names_means_no_jobs() {
        let mut scheduler = Scheduler::default();
        schedule_greetings(&mut scheduler, &[]);
        assert!(scheduler.run_all().is_empty());
    }

    #[test]
    fn dropping_the_scheduler_frees_every_greeting() {
        let ((), _, leaked) = counting::measure(|| {
            let mut scheduler = Scheduler::default();
            schedule_greetings(&mut scheduler, &["Ada", "Grace"]);
            assert_eq!(scheduler.run_all(), ["hello, Ada", "hello, Grace"]);
        });
        assert_eq!(
            leaked, 0,
            "{leaked} bytes outlived the scheduler: let the closures own their greetings"
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

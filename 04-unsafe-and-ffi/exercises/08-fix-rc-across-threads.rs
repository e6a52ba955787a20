//! # Fix E0277: `Rc` cannot be sent between threads
//!
//! - **Goal:** `lengths_on_workers` hands one shared, read-only `Config` to several worker threads. It shares it with `Rc`, and the compiler refuses: `Rc<Config>` is not `Send`. Find the right way to share it. (Forcing the issue with a wrapper and `unsafe impl Send` compiles too; Miri, which runs this exercise's tests, will show you why that is a data race.)
//! - **Concepts:** E0277 with `Send`; why `Rc`'s non-atomic count makes it `!Send`; `Arc`; an `unsafe impl Send` on a type holding an `Rc` is unsound; Miri's data-race detector.
//! - **Read first:** `notes/01-unsafe-guarantees.md` ("Unsafe traits: `Send`, `Sync` and friends") and `notes/03-undefined-behavior.md` ("Data races").
//! - **Run:** `cargo run --bin m04-fix-rc-across-threads` in `learn/`.
//! - **Test:** `cargo course verify 04.8` (the tests also run under Miri).
//! - **Done when:** it compiles, the tests pass natively and under Miri, and the configuration is dropped exactly once, after the last worker.

use std::sync::atomic::{AtomicUsize, Ordering};
// course:solution
use std::sync::Arc;
// course:stub
// use std::rc::Rc;
// course:decoy send-wrapper The same wrapper as below.
// use std::rc::Rc;
// course:end

/// Settings every worker reads.
struct Config {
    /// The station name.
    station: String,
    /// Counts how many times a `Config` was dropped (shared with the test).
    drops: &'static AtomicUsize,
}

impl Drop for Config {
    fn drop(&mut self) {
        self.drops.fetch_add(1, Ordering::SeqCst);
    }
}

// course:solution
// course:stub
// course:decoy send-wrapper
// #[expect(unsafe_code, reason = "the decoy forces Send onto an Rc")]
// mod forced {
//     /// An `Rc` with a promise it cannot keep.
//     pub struct SendRc(pub std::rc::Rc<super::Config>);
//     // SAFETY: (wrong) the count inside the Rc is not atomic.
//     unsafe impl Send for SendRc {}
// }
// course:end

/// Starts `workers` threads; worker `i` returns the station name's length plus `i`.
fn lengths_on_workers(config: Config, workers: usize) -> Vec<usize> {
    // course:solution
    let shared = Arc::new(config);
    let handles: Vec<_> = (0..workers)
        .map(|index| {
            let config = Arc::clone(&shared);
            std::thread::spawn(move || config.station.len() + index)
        })
        .collect();
    drop(shared);
    // course:stub
    // let shared = Rc::new(config);
    // let handles: Vec<_> = (0..workers)
    //     .map(|index| {
    //         let config = Rc::clone(&shared);
    //         std::thread::spawn(move || config.station.len() + index)
    //     })
    //     .collect();
    // drop(shared);
    // course:decoy send-wrapper Wraps the Rc in a type with `unsafe impl Send`; the workers then update the non-atomic count at the same time.
    // let shared = Rc::new(config);
    // let handles: Vec<_> = (0..workers)
    //     .map(|index| {
    //         let config = forced::SendRc(Rc::clone(&shared));
    //         std::thread::spawn(move || {
    //             let config = config;
    //             config.0.station.len() + index
    //         })
    //     })
    //     .collect();
    // drop(shared);
    // course:end
    handles
        .into_iter()
        .map(|handle| handle.join().expect("a worker panicked"))
        .collect()
}

fn main() {
    static DROPS: AtomicUsize = AtomicUsize::new(0);
    let config = Config {
        station: String::from("north"),
        drops: &DROPS,
    };
    println!("{:?}", lengths_on_workers(config, 3));
    println!("dropped {} time(s)", DROPS.load(Ordering::SeqCst));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_worker_reads_the_shared_config() {
        static DROPS: AtomicUsize = AtomicUsize::new(0);
        let config = Config {
            station: String::from("harbour"),
            drops: &DROPS,
        };
        assert_eq!(lengths_on_workers(config, 3), [7, 8, 9]);
        assert_eq!(DROPS.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn zero_workers_still_drop_the_config_once() {
        static DROPS: AtomicUsize = AtomicUsize::new(0);
        let config = Config {
            station: String::new(),
            drops: &DROPS,
        };
        assert!(lengths_on_workers(config, 0).is_empty());
        assert_eq!(DROPS.load(Ordering::SeqCst), 1);
    }
}

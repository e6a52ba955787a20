//! # Fix E0597: spawning a future that borrows a local
//!
//! - **Goal:** run every job in its own task, each reading the same `Config`. `handle_job(&config, job)` borrows the config, and a spawned task must not borrow a local of the function that spawned it: share one config between the tasks without copying it and without leaking it.
//! - **Concepts:** `JoinSet::spawn` requires `'static`; the future of an `async fn` holds its reference arguments; `Arc` for shared, read-only state owned jointly by tasks; `Box::leak` and `.clone()` silence the error but leak or copy; E0597 "argument requires that `config` is borrowed for `'static`".
//! - **Read first:** `notes/04-state-machines.md` (section "Borrowing across `spawn`").
//! - **Run:** `cargo run --bin m03-fix-spawn-borrowed-config` inside `learn/` (reference solution: `cargo run -p async-ecosystem --bin m03-fix-spawn-borrowed-config`)
//! - **Test:** `cargo course verify 03.8` (reference solution: `cargo test -p async-ecosystem --bin m03-fix-spawn-borrowed-config`)
//! - **Done when:** it compiles and every test passes: the config is never cloned and is dropped exactly once, when the last job is done.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::task::JoinSet;

/// Counts clones and drops of a `Config`, for the tests.
#[derive(Debug, Default)]
struct Tally {
    /// How many times a config was cloned.
    clones: AtomicUsize,
    /// How many configs were dropped.
    drops: AtomicUsize,
}

/// Settings that every job reads. Cloning one is expensive in real programs (think of a large
/// routing table), so it must be shared, not copied.
#[derive(Debug)]
struct Config {
    /// Prepended to every result.
    prefix: String,
    /// Counts this config's clones and drops.
    tally: Arc<Tally>,
}

impl Clone for Config {
    fn clone(&self) -> Self {
        self.tally.clones.fetch_add(1, Ordering::SeqCst);
        Config {
            prefix: self.prefix.clone(),
            tally: Arc::clone(&self.tally),
        }
    }
}

impl Drop for Config {
    fn drop(&mut self) {
        self.tally.drops.fetch_add(1, Ordering::SeqCst);
    }
}

/// Runs one job; it awaits in the middle, as real work would.
async fn handle_job(config: &Config, job: u32) -> String {
    tokio::task::yield_now().await;
    format!("{}{job}", config.prefix)
}

/// Runs every job in its own task and returns the results sorted.
async fn run_jobs(config: Config, jobs: &[u32]) -> Vec<String> {
    let mut tasks = JoinSet::new();
    // course:solution
    let config = Arc::new(config);
    for &job in jobs {
        let config = Arc::clone(&config);
        tasks.spawn(async move { handle_job(&config, job).await });
    }
    // course:stub
    // for &job in jobs {
    //     tasks.spawn(handle_job(&config, job));
    // }
    // course:decoy clone-per-job Gives every task its own clone of the config.
    // for &job in jobs {
    //     let config = config.clone();
    //     tasks.spawn(async move { handle_job(&config, job).await });
    // }
    // course:decoy leak-for-static Leaks the config with `Box::leak` to borrow it for `'static`.
    // let config: &'static Config = Box::leak(Box::new(config));
    // for &job in jobs {
    //     tasks.spawn(handle_job(config, job));
    // }
    // course:end
    let mut results = tasks.join_all().await;
    results.sort();
    results
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let tally = Arc::new(Tally::default());
    let config = Config {
        prefix: "job-".to_string(),
        tally: Arc::clone(&tally),
    };
    println!("{:?}", run_jobs(config, &[3, 1, 2]).await);
    println!(
        "clones: {}, drops: {}",
        tally.clones.load(Ordering::SeqCst),
        tally.drops.load(Ordering::SeqCst)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(tally: &Arc<Tally>) -> Config {
        Config {
            prefix: "#".to_string(),
            tally: Arc::clone(tally),
        }
    }

    #[tokio::test]
    async fn every_job_runs_with_the_config() {
        let tally = Arc::new(Tally::default());
        let results = run_jobs(config(&tally), &[2, 1, 3]).await;
        assert_eq!(results, ["#1", "#2", "#3"]);
    }

    #[tokio::test]
    async fn the_config_is_shared_not_cloned() {
        let tally = Arc::new(Tally::default());
        run_jobs(config(&tally), &[1, 2, 3, 4]).await;
        assert_eq!(
            tally.clones.load(Ordering::SeqCst),
            0,
            "the config was cloned"
        );
    }

    #[tokio::test]
    async fn the_config_is_dropped_once_when_the_jobs_are_done() {
        let tally = Arc::new(Tally::default());
        run_jobs(config(&tally), &[1, 2]).await;
        assert_eq!(
            tally.drops.load(Ordering::SeqCst),
            1,
            "the config was leaked"
        );
    }

    #[tokio::test]
    async fn no_jobs_still_drops_the_config() {
        let tally = Arc::new(Tally::default());
        assert!(run_jobs(config(&tally), &[]).await.is_empty());
        assert_eq!(tally.drops.load(Ordering::SeqCst), 1);
    }
}

//! # Explore: cancellation is drop. Predict what runs, what is dropped, what leaks
//!
//! - **Goal:** for seven short async programs, predict the exact sequence of events: which bodies start, which reach their end, which values are dropped, and in what order. The tests run the programs (on Tokio's paused clock) and compare.
//! - **Concepts:** a future does nothing until polled; dropping a future cancels it at its current `.await` and runs the destructors of what it holds; `select!` drops the branches that lose; `timeout` drops the inner future; dropping a `JoinHandle` detaches the task and does not cancel it; `abort` cancels a task at its next suspension point; shutting down a runtime drops its tasks; `mem::forget` leaks a future, and its destructors never run.
//! - **Read first:** `notes/04-state-machines.md` (section "Cancellation is drop") and `notes/05-tokio-internals.md` (section "`select!` and cancel safety").
//! - **Run:** `cargo run --bin m03-predict-cancellation` inside `learn/` (prints what really happens: predict first)
//! - **Test:** `cargo course verify 03.11`
//! - **Done when:** every prediction matches, and for each you can name the rule that decides it.

use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::runtime::{Builder, Runtime};
use tokio::time::sleep;

/// One of the programs below: it runs and returns its events.
type Program = fn() -> Vec<String>;

/// The events of one program, in order.
type Log = Arc<Mutex<Vec<String>>>;

fn record(log: &Log, event: String) {
    log.lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(event);
}

/// A value that records its own drop as `"drop <name>"`.
struct Guard {
    /// Its name in the log.
    name: &'static str,
    /// Where it records.
    log: Log,
}

impl Drop for Guard {
    fn drop(&mut self) {
        record(&self.log, format!("drop {}", self.name));
    }
}

/// Holds a guard, records `"<name>: start"`, sleeps `seconds`, records `"<name>: end"`, and
/// then (at the end of its body) drops the guard.
async fn job(name: &'static str, seconds: u64, log: Log) {
    let _guard = Guard {
        name,
        log: Arc::clone(&log),
    };
    record(&log, format!("{name}: start"));
    sleep(Duration::from_secs(seconds)).await;
    record(&log, format!("{name}: end"));
}

/// Like `job`, but the guard is an argument, given by the caller.
async fn job_with(guard: Guard, log: Log) {
    record(&log, format!("{}: start", guard.name));
    sleep(Duration::from_secs(1)).await;
    record(&log, format!("{}: end", guard.name));
}

/// A current-thread runtime on a paused clock: sleeps complete instantly, in order.
fn runtime() -> Runtime {
    Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .expect("building a current-thread runtime does not fail")
}

/// Runs `program` with a fresh log and returns the log.
fn run<F: Future<Output = ()>>(program: impl FnOnce(Log) -> F) -> Vec<String> {
    let log = Log::default();
    runtime().block_on(program(Arc::clone(&log)));
    // Edition 2024: the lock guard (a temporary of this tail expression) is dropped before `log`.
    log.lock().unwrap_or_else(PoisonError::into_inner).clone()
}

/// 1. `select!` between a 1-second job and a 2-second job (`biased`: polled in written order).
fn observe_select() -> Vec<String> {
    run(|log| async move {
        tokio::select! {
            biased;
            () = job("fast", 1, Arc::clone(&log)) => record(&log, "select: fast won".into()),
            () = job("slow", 2, Arc::clone(&log)) => record(&log, "select: slow won".into()),
        }
    })
}

/// 2. A 3-second job under a 1-second timeout.
fn observe_timeout() -> Vec<String> {
    run(|log| async move {
        let outcome =
            tokio::time::timeout(Duration::from_secs(1), job("work", 3, Arc::clone(&log))).await;
        record(&log, format!("timed out: {}", outcome.is_err()));
    })
}

/// 3. A task spawned, and its `JoinHandle` dropped at once; then the caller sleeps 2 seconds.
fn observe_detached() -> Vec<String> {
    run(|log| async move {
        drop(tokio::spawn(job("background", 1, Arc::clone(&log))));
        record(&log, "handle dropped".into());
        sleep(Duration::from_secs(2)).await;
        record(&log, "caller done".into());
    })
}

/// 4. A 5-second task, aborted after 1 second, then awaited.
fn observe_abort() -> Vec<String> {
    run(|log| async move {
        let handle = tokio::spawn(job("victim", 5, Arc::clone(&log)));
        sleep(Duration::from_secs(1)).await;
        handle.abort();
        record(&log, "abort requested".into());
        let joined = handle.await;
        record(
            &log,
            format!(
                "cancelled: {}",
                joined.is_err_and(|error| error.is_cancelled())
            ),
        );
    })
}

/// 5. A future built from `job_with(guard, ...)`, then dropped without ever being polled.
fn observe_never_polled() -> Vec<String> {
    run(|log| async move {
        let guard = Guard {
            name: "argument",
            log: Arc::clone(&log),
        };
        let future = job_with(guard, Arc::clone(&log));
        record(&log, "future built".into());
        drop(future);
        record(&log, "future dropped".into());
    })
}

/// 6. A job polled once (it starts and suspends in its sleep), then `mem::forget`-ten.
fn observe_forget() -> Vec<String> {
    run(|log| async move {
        let mut future = Box::pin(job("ghost", 1, Arc::clone(&log)));
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        let _ = future.as_mut().poll(&mut cx);
        std::mem::forget(future);
        sleep(Duration::from_secs(5)).await;
        record(&log, "caller done".into());
    })
}

/// 7. A 10-second task spawned; the program's main future returns after 1 second and the
///    runtime is dropped.
fn observe_shutdown() -> Vec<String> {
    let log = Log::default();
    let runtime = runtime();
    runtime.block_on(async {
        drop(tokio::spawn(job("long", 10, Arc::clone(&log))));
        sleep(Duration::from_secs(1)).await;
        record(&log, "main returns".into());
    });
    drop(runtime);
    record(&log, "runtime dropped".into());
    // Edition 2024: the lock guard (a temporary of this tail expression) is dropped before `log`.
    log.lock().unwrap_or_else(PoisonError::into_inner).clone()
}

// Your predictions: write each program's events in order, exactly as they are logged
// (`"fast: start"`, `"drop fast"`, `"select: fast won"`, ...). Predict before you run `main`.

/// Program 1.
fn predict_select() -> Vec<&'static str> {
    // course:solution
    vec![
        "fast: start",
        "slow: start",
        "fast: end",
        "drop fast",
        "drop slow",
        "select: fast won",
    ]
    // course:end
}

/// Program 2.
fn predict_timeout() -> Vec<&'static str> {
    // course:solution
    vec!["work: start", "drop work", "timed out: true"]
    // course:end
}

/// Program 3.
fn predict_detached() -> Vec<&'static str> {
    // course:solution
    vec![
        "handle dropped",
        "background: start",
        "background: end",
        "drop background",
        "caller done",
    ]
    // course:end
}

/// Program 4.
fn predict_abort() -> Vec<&'static str> {
    // course:solution
    vec![
        "victim: start",
        "abort requested",
        "drop victim",
        "cancelled: true",
    ]
    // course:end
}

/// Program 5.
fn predict_never_polled() -> Vec<&'static str> {
    // course:solution
    vec!["future built", "drop argument", "future dropped"]
    // course:end
}

/// Program 6.
fn predict_forget() -> Vec<&'static str> {
    // course:solution
    vec!["ghost: start", "caller done"]
    // course:end
}

/// Program 7.
fn predict_shutdown() -> Vec<&'static str> {
    // course:solution
    vec![
        "long: start",
        "main returns",
        "drop long",
        "runtime dropped",
    ]
    // course:end
}

fn main() {
    let programs: [(&str, Program); 7] = [
        ("1. select", observe_select),
        ("2. timeout", observe_timeout),
        ("3. detached task", observe_detached),
        ("4. abort", observe_abort),
        ("5. never polled", observe_never_polled),
        ("6. mem::forget", observe_forget),
        ("7. runtime shutdown", observe_shutdown),
    ];
    for (name, program) in programs {
        println!("{name}: {:?}", program());
    }
    // The predictions are checked by the tests (`cargo course verify 03.11`), not here.
    let _predictions: [fn() -> Vec<&'static str>; 7] = [
        predict_select,
        predict_timeout,
        predict_detached,
        predict_abort,
        predict_never_polled,
        predict_forget,
        predict_shutdown,
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(predicted: Vec<&str>, observed: Vec<String>, program: &str, section: &str) {
        assert!(
            predicted == observed,
            "your prediction for program {program} is wrong: reread \"{section}\" and think about \
             which futures are polled, which are dropped, and when"
        );
    }

    #[test]
    fn select_prediction_matches() {
        check(
            predict_select(),
            observe_select(),
            "1 (select)",
            "Cancellation is drop",
        );
    }

    #[test]
    fn timeout_prediction_matches() {
        check(
            predict_timeout(),
            observe_timeout(),
            "2 (timeout)",
            "Cancellation is drop",
        );
    }

    #[test]
    fn detached_prediction_matches() {
        check(
            predict_detached(),
            observe_detached(),
            "3 (detached task)",
            "Spawned tasks and JoinHandle",
        );
    }

    #[test]
    fn abort_prediction_matches() {
        check(
            predict_abort(),
            observe_abort(),
            "4 (abort)",
            "Spawned tasks and JoinHandle",
        );
    }

    #[test]
    fn never_polled_prediction_matches() {
        check(
            predict_never_polled(),
            observe_never_polled(),
            "5 (never polled)",
            "The three extra states",
        );
    }

    #[test]
    fn forget_prediction_matches() {
        check(
            predict_forget(),
            observe_forget(),
            "6 (mem::forget)",
            "Leaking a future",
        );
    }

    #[test]
    fn shutdown_prediction_matches() {
        check(
            predict_shutdown(),
            observe_shutdown(),
            "7 (runtime shutdown)",
            "Spawned tasks and JoinHandle",
        );
    }
}

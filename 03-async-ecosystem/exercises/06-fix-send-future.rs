//! # Fix E0277: a spawned future that is not `Send`
//!
//! - **Goal:** count page visits from many spawned tasks. `visit` returns a boxed future, and `tokio::spawn` refuses it: make the future `Send`, which means no `std::sync::MutexGuard` may be alive across an `.await`, and keep every visit counted.
//! - **Concepts:** `tokio::spawn` requires `Future + Send + 'static`; `dyn Future` is `Send` only if it says so (`+ Send`); a future is `Send` only if everything it holds across an `.await` is; `std::sync::MutexGuard` is `!Send`; scope the guard instead of splitting a read-modify-write around the `.await`.
//! - **Read first:** `notes/04-state-machines.md` (section "What a future holds decides `Send`") and `notes/05-tokio-internals.md` (section "`std::sync::Mutex` or `tokio::sync::Mutex`").
//! - **Run:** `cargo run --bin m03-fix-send-future` inside `learn/` (reference solution: `cargo run -p async-ecosystem --bin m03-fix-send-future`)
//! - **Test:** `cargo course verify 03.6` (reference solution: `cargo test -p async-ecosystem --bin m03-fix-send-future`)
//! - **Done when:** it compiles and every test passes. Expect a second error once you fix the first: read it too.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use tokio::task::JoinHandle;

/// Visits per page, shared by every task.
type Counters = Arc<Mutex<HashMap<String, u64>>>;

/// The audit trail: one entry per visit, written after the visit is counted.
static AUDIT: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Writes an audit record; it awaits first (here it just yields to the scheduler, as real I/O
/// would), then appends the page to `AUDIT`.
async fn audit_log(page: &str) {
    tokio::task::yield_now().await;
    AUDIT
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(page.to_string());
}

// course:solution
/// Counts one visit of `page`, then writes the audit record.
fn visit(counters: Counters, page: String) -> Pin<Box<dyn Future<Output = ()> + Send>> {
    Box::pin(async move {
        {
            // The guard lives only in this block, so it is gone before the `.await`.
            let mut visits = counters.lock().unwrap_or_else(PoisonError::into_inner);
            *visits.entry(page.clone()).or_insert(0) += 1;
        }
        audit_log(&page).await;
    })
}
// course:stub
// /// Counts one visit of `page`, then writes the audit record.
// fn visit(counters: Counters, page: String) -> Pin<Box<dyn Future<Output = ()>>> {
//     Box::pin(async move {
//         let mut visits = counters.lock().unwrap_or_else(PoisonError::into_inner);
//         *visits.entry(page.clone()).or_insert(0) += 1;
//         audit_log(&page).await;
//     })
// }
// course:decoy no-audit Deletes the `.await` (and with it the audit record) to make the future `Send`.
// /// Counts one visit of `page`, then writes the audit record.
// fn visit(counters: Counters, page: String) -> Pin<Box<dyn Future<Output = ()> + Send>> {
//     Box::pin(async move {
//         let mut visits = counters.lock().unwrap_or_else(PoisonError::into_inner);
//         *visits.entry(page.clone()).or_insert(0) += 1;
//     })
// }
// course:decoy split-update Reads the count, awaits, then writes count + 1: concurrent visits overwrite each other.
// /// Counts one visit of `page`, then writes the audit record.
// fn visit(counters: Counters, page: String) -> Pin<Box<dyn Future<Output = ()> + Send>> {
//     Box::pin(async move {
//         let seen = counters
//             .lock()
//             .unwrap_or_else(PoisonError::into_inner)
//             .get(&page)
//             .copied()
//             .unwrap_or(0);
//         audit_log(&page).await;
//         counters.lock().unwrap_or_else(PoisonError::into_inner).insert(page, seen + 1);
//     })
// }
// course:end

/// Spawns one task per visit.
fn spawn_visits(counters: &Counters, pages: &[&str]) -> Vec<JoinHandle<()>> {
    pages
        .iter()
        .map(|page| tokio::spawn(visit(Arc::clone(counters), page.to_string())))
        .collect()
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let counters = Counters::default();
    for handle in spawn_visits(&counters, &["home", "about", "home"]) {
        handle.await.expect("a visit task panicked");
    }
    println!(
        "{:?}",
        counters.lock().unwrap_or_else(PoisonError::into_inner)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn needs_send<T: Send>(_: &T) {}

    #[tokio::test]
    async fn every_concurrent_visit_is_counted() {
        let counters = Counters::default();
        let pages = vec!["home"; 25];
        for handle in spawn_visits(&counters, &pages) {
            handle.await.unwrap();
        }
        assert_eq!(counters.lock().unwrap()["home"], 25);
    }

    #[tokio::test]
    async fn pages_are_counted_separately() {
        let counters = Counters::default();
        for handle in spawn_visits(&counters, &["home", "about", "home", "blog"]) {
            handle.await.unwrap();
        }
        let counters = counters.lock().unwrap();
        assert_eq!(
            (counters["home"], counters["about"], counters["blog"]),
            (2, 1, 1)
        );
    }

    #[tokio::test]
    async fn every_visit_is_audited_after_it_is_counted() {
        // A page name no other test uses: the audit trail is shared by the whole binary.
        let counters = Counters::default();
        for handle in spawn_visits(&counters, &["audited"; 4]) {
            handle.await.unwrap();
        }
        let audited = AUDIT
            .lock()
            .unwrap()
            .iter()
            .filter(|page| *page == "audited")
            .count();
        assert_eq!(audited, 4);
    }

    #[test]
    fn the_visit_future_is_send() {
        let future = visit(Counters::default(), "home".into());
        needs_send(&future);
    }
}

//! # Fix E0277: polling a future that cannot be unpinned
//!
//! - **Goal:** run a job for a limited number of polls and, if it has not finished, hand it back paused so that it can be resumed later. The stub stores the job by value and polls it through `Pin::new`, which only works for `Unpin` futures; an `async` block is not `Unpin`. Pin the job where it can stay put for as long as it lives.
//! - **Concepts:** `Pin::new` requires `Unpin`; compiler-generated futures are `!Unpin` because they may point into themselves; `pin!` pins on the stack (only until the function returns), `Box::pin` pins on the heap (as long as the box lives, and the box can move); E0277 "cannot be unpinned".
//! - **Read first:** `notes/02-pin-and-unpin.md` (sections "`Unpin`" and "Pinning on the stack or on the heap").
//! - **Run:** `cargo run --bin m03-fix-pin-a-future` inside `learn/` (reference solution: `cargo run -p async-ecosystem --bin m03-fix-pin-a-future`)
//! - **Test:** `cargo course verify 03.10` (reference solution: `cargo test -p async-ecosystem --bin m03-fix-pin-a-future`)
//! - **Done when:** it compiles and every test passes, including the ones whose jobs are `async` blocks that borrow their own locals across an `.await`.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

/// Where a job stands after a limited run.
enum Progress<F: Future> {
    /// It finished, with this output.
    Done(F::Output),
    /// It used its whole budget; resume it later.
    Paused(Paused<F>),
}

// course:solution
/// A job that has started and not finished. It is pinned on the heap: it may hold pointers into
/// itself, so it must never move again, while the `Paused` (which owns only the box) may.
struct Paused<F: Future> {
    /// The job.
    work: Pin<Box<F>>,
}

/// Starts `work` and polls it at most `budget` times.
fn run_with_budget<F: Future>(work: F, budget: u32) -> Progress<F> {
    Paused {
        work: Box::pin(work),
    }
    .resume(budget)
}

impl<F: Future> Paused<F> {
    /// Polls the job at most `budget` more times.
    fn resume(mut self, budget: u32) -> Progress<F> {
        let mut cx = Context::from_waker(Waker::noop());
        for _ in 0..budget {
            if let Poll::Ready(output) = self.work.as_mut().poll(&mut cx) {
                return Progress::Done(output);
            }
        }
        Progress::Paused(self)
    }
}
// course:stub
// /// A job that has started and not finished.
// struct Paused<F: Future> {
//     /// The job.
//     work: F,
// }
//
// /// Starts `work` and polls it at most `budget` times.
// fn run_with_budget<F: Future>(work: F, budget: u32) -> Progress<F> {
//     Paused { work }.resume(budget)
// }
//
// impl<F: Future> Paused<F> {
//     /// Polls the job at most `budget` more times.
//     fn resume(mut self, budget: u32) -> Progress<F> {
//         let mut cx = Context::from_waker(Waker::noop());
//         for _ in 0..budget {
//             if let Poll::Ready(output) = Pin::new(&mut self.work).poll(&mut cx) {
//                 return Progress::Done(output);
//             }
//         }
//         Progress::Paused(self)
//     }
// }
// course:decoy budget-off-by-one Polls one time fewer than the budget allows.
// /// A job that has started and not finished.
// struct Paused<F: Future> {
//     /// The job.
//     work: Pin<Box<F>>,
// }
//
// /// Starts `work` and polls it at most `budget` times.
// fn run_with_budget<F: Future>(work: F, budget: u32) -> Progress<F> {
//     Paused { work: Box::pin(work) }.resume(budget)
// }
//
// impl<F: Future> Paused<F> {
//     /// Polls the job at most `budget` more times.
//     fn resume(mut self, budget: u32) -> Progress<F> {
//         let mut cx = Context::from_waker(Waker::noop());
//         for _ in 1..budget {
//             if let Poll::Ready(output) = self.work.as_mut().poll(&mut cx) {
//                 return Progress::Done(output);
//             }
//         }
//         Progress::Paused(self)
//     }
// }
// course:decoy no-budget-zero-check Polls once even when the budget is zero.
// /// A job that has started and not finished.
// struct Paused<F: Future> {
//     /// The job.
//     work: Pin<Box<F>>,
// }
//
// /// Starts `work` and polls it at most `budget` times.
// fn run_with_budget<F: Future>(work: F, budget: u32) -> Progress<F> {
//     Paused { work: Box::pin(work) }.resume(budget)
// }
//
// impl<F: Future> Paused<F> {
//     /// Polls the job at most `budget` more times.
//     fn resume(mut self, budget: u32) -> Progress<F> {
//         let mut cx = Context::from_waker(Waker::noop());
//         for _ in 0..budget.max(1) {
//             if let Poll::Ready(output) = self.work.as_mut().poll(&mut cx) {
//                 return Progress::Done(output);
//             }
//         }
//         Progress::Paused(self)
//     }
// }
// course:end

/// Returns `Pending` once (waking itself), then `Ready`: one step of a job.
async fn step() {
    let mut yielded = false;
    std::future::poll_fn(|cx| {
        if yielded {
            Poll::Ready(())
        } else {
            yielded = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    })
    .await;
}

fn main() {
    let job = async {
        let words = ["pinned", "futures", "stay", "put"];
        let longest = words.iter().max_by_key(|word| word.len());
        step().await;
        step().await;
        longest.map(|word| word.to_string())
    };
    let mut progress = run_with_budget(job, 1);
    let mut runs = 1;
    loop {
        match progress {
            Progress::Done(output) => {
                println!("done after {runs} run(s): {output:?}");
                break;
            }
            Progress::Paused(paused) => {
                runs += 1;
                progress = paused.resume(1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    /// Steps `count` times, recording each finished step in `done`, then returns `count`.
    async fn stepper(count: u32, done: &Cell<u32>) -> u32 {
        for _ in 0..count {
            step().await;
            done.set(done.get() + 1);
        }
        count
    }

    fn finished<F: Future>(progress: Progress<F>) -> Option<F::Output> {
        match progress {
            Progress::Done(output) => Some(output),
            Progress::Paused(_) => None,
        }
    }

    #[test]
    fn a_job_within_budget_finishes() {
        let done = Cell::new(0);
        // Three steps need four polls: three Pending, then Ready.
        assert_eq!(finished(run_with_budget(stepper(3, &done), 4)), Some(3));
    }

    #[test]
    fn the_budget_is_exact() {
        let done = Cell::new(0);
        let Progress::Paused(paused) = run_with_budget(stepper(3, &done), 3) else {
            panic!("three polls cannot finish a job that needs four");
        };
        assert_eq!(done.get(), 2);
        assert_eq!(finished(paused.resume(1)), Some(3));
    }

    #[test]
    fn a_zero_budget_does_not_start_the_job() {
        let started = Cell::new(false);
        let job = async {
            started.set(true);
            step().await;
            1
        };
        let Progress::Paused(paused) = run_with_budget(job, 0) else {
            panic!("a zero budget finished a job");
        };
        assert!(!started.get(), "a zero budget polled the job");
        assert_eq!(finished(paused.resume(2)), Some(1));
    }

    #[test]
    fn a_paused_self_borrowing_job_resumes_where_it_stopped() {
        let mut progress = run_with_budget(
            async {
                let text = String::from("self-referential");
                // `word` points into `text`, and both live across the awaits: the future
                // holds a pointer into itself, which is why it is `!Unpin`.
                let word = &text[..4];
                step().await;
                step().await;
                word.len() + text.len()
            },
            1,
        );
        let mut resumes = 0;
        let output = loop {
            match progress {
                Progress::Done(output) => break output,
                Progress::Paused(paused) => {
                    resumes += 1;
                    assert!(
                        resumes <= 8,
                        "two steps need three polls, but eight resumes of budget 1 did not finish the job"
                    );
                    // Moving the `Paused` around is fine: the job itself stays in its box.
                    let moved = Box::new(paused);
                    progress = moved.resume(1);
                }
            }
        };
        assert_eq!((output, resumes), (20, 2));
    }
}

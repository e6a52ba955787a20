//! # Fix E0373: a `'static` bound on a closure that borrows a local
//!
//! - **Goal:** queue jobs in a scheduler that keeps them after the function that created them has returned; the closures borrow local `String`s, so they cannot meet the scheduler's `'static` bound.
//! - **Concepts:** `T: 'static` means "borrows nothing short-lived", not "lives forever"; a closure that borrows a local is not `'static`; a `move` closure owns its captures and is; E0373 "closure may outlive the current function, but it borrows `greeting`".
//! - **Read first:** `notes/03-lifetimes-explained.md` (section "`'static`: a bound versus a reference").
//! - **Run:** `cargo run -p syntax-and-ownership --bin m01-fix-static-bound`
//! - **Test:** `cargo test -p syntax-and-ownership --bin m01-fix-static-bound`
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
}

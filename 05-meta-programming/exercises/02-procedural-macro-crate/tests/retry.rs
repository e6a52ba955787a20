//! `#[retry(n)]` on free functions and methods: how many times the body runs, and which result
//! comes back.

use std::cell::Cell;

use meta_programming_macros::retry;

/// A flaky operation: fails (with the attempt number) until `succeed_on`, counting its calls.
struct Flaky {
    calls: Cell<u32>,
    succeed_on: u32,
}

impl Flaky {
    fn new(succeed_on: u32) -> Self {
        Flaky {
            calls: Cell::new(0),
            succeed_on,
        }
    }

    /// The operation, retried up to three times.
    #[retry(3)]
    #[must_use = "the result says whether the operation succeeded"]
    pub fn call(&self) -> Result<u32, String> {
        self.calls.set(self.calls.get() + 1);
        let attempt = self.calls.get();
        if attempt < self.succeed_on {
            return Err(format!("attempt {attempt} failed"));
        }
        Ok(attempt)
    }
}

#[retry(1)]
fn once(calls: &Cell<u32>) -> Result<(), &'static str> {
    calls.set(calls.get() + 1);
    Err("no")
}

#[test]
fn retry_returns_the_first_success() {
    let flaky = Flaky::new(1);
    assert_eq!(flaky.call(), Ok(1));
    assert_eq!(flaky.calls.get(), 1, "a first success must not be retried");
}

#[test]
fn retry_tries_again_after_a_failure() {
    let flaky = Flaky::new(3);
    assert_eq!(flaky.call(), Ok(3));
    assert_eq!(flaky.calls.get(), 3);
}

#[test]
fn retry_gives_up_after_n_attempts_with_the_last_error() {
    let flaky = Flaky::new(10);
    assert_eq!(flaky.call(), Err("attempt 3 failed".to_string()));
    assert_eq!(
        flaky.calls.get(),
        3,
        "#[retry(3)] runs the body at most three times"
    );
}

#[test]
fn retry_of_one_runs_the_body_once() {
    let calls = Cell::new(0);
    assert_eq!(once(&calls), Err("no"));
    assert_eq!(calls.get(), 1);
}

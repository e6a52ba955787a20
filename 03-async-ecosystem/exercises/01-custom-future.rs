//! # Hand-written futures: a timer and a join
//!
//! - **Goal:** write two futures by hand with `poll`: `Sleep`, which completes once a clock reaches its deadline and arranges its own wake-up, and `Join`, which runs two futures concurrently and returns both outputs; plus the `advance_to` that fires timers, and the `Drop` that cancels one.
//! - **Concepts:** `Future::poll` and `Poll::{Ready, Pending}`; the rule that a future returning `Pending` must have arranged a wake-up; keeping the waker of the *latest* poll; never polling a finished future again; cancellation is drop.
//! - **Read first:** `notes/01-future-trait.md` and `notes/03-waker-mechanism.md` (sections "The contract of `Pending`" and "Which waker to keep").
//! - **Run:** `cargo run --bin m03-custom-future` inside `learn/` (reference solution: `cargo run -p async-ecosystem --bin m03-custom-future`)
//! - **Test:** `cargo course verify 03.1` (reference solution: `cargo test -p async-ecosystem --bin m03-custom-future`)
//! - **Done when:** every test passes; the tests poll your futures by hand with a waker that counts its wake-ups.
//!
//! There is no runtime in this file: the clock is a number that the caller moves forward
//! (`TimerWheel::advance_to`), so every test is exact and instant.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

/// Identifies one registered timer inside a `TimerWheel`.
type TimerId = u64;

/// A hand-driven clock and the timers waiting on it.
///
/// Real runtimes have the same shape: Tokio's time driver keeps each pending `Sleep`'s deadline
/// and waker, and when time moves on it wakes the expired ones. Here "time" is a plain counter.
#[derive(Debug, Default)]
struct TimerWheel {
    /// The current time, in ticks.
    now: Cell<u64>,
    /// The next `TimerId` to hand out.
    next_id: Cell<TimerId>,
    /// Registered timers: id -> (deadline, waker of the last poll).
    waiting: RefCell<BTreeMap<TimerId, (u64, Waker)>>,
}

impl TimerWheel {
    /// A wheel at time 0 with no timers, shared by the futures that use it.
    fn new() -> Rc<Self> {
        Rc::new(TimerWheel::default())
    }

    /// The current time.
    fn now(&self) -> u64 {
        self.now.get()
    }

    /// How many timers are registered and not yet fired or cancelled.
    fn waiting_count(&self) -> usize {
        self.waiting.borrow().len()
    }

    /// Registers a timer for `deadline` that will wake `waker`; returns its id.
    fn register(&self, deadline: u64, waker: &Waker) -> TimerId {
        let id = self.next_id.get();
        self.next_id.set(id + 1);
        self.waiting
            .borrow_mut()
            .insert(id, (deadline, waker.clone()));
        id
    }

    /// Replaces the waker of timer `id` (if it is still registered) with `waker`.
    /// Cloning a waker may be expensive, so it is skipped when both wake the same task.
    fn update_waker(&self, id: TimerId, waker: &Waker) {
        if let Some((_, stored)) = self.waiting.borrow_mut().get_mut(&id)
            && !stored.will_wake(waker)
        {
            stored.clone_from(waker);
        }
    }

    /// Removes timer `id`, if it is still registered.
    fn cancel(&self, id: TimerId) {
        self.waiting.borrow_mut().remove(&id);
    }

    /// Moves the clock forward to `to` (never backwards) and fires every timer whose deadline is
    /// `<= to`: each is removed from the wheel and its waker is woken exactly once.
    /// Returns how many timers fired.
    fn advance_to(&self, to: u64) -> usize {
        // course:solution Set the clock, then remove and wake every expired timer.
        self.now.set(self.now.get().max(to));
        let now = self.now.get();
        // Collect first and wake afterwards: a waker may run arbitrary code (even code that
        // registers a new timer), so it must not be called while `waiting` is borrowed.
        let expired: Vec<Waker> = {
            let mut waiting = self.waiting.borrow_mut();
            let ids: Vec<TimerId> = waiting
                .iter()
                .filter(|(_, (deadline, _))| *deadline <= now)
                .map(|(id, _)| *id)
                .collect();
            ids.iter()
                .filter_map(|id| waiting.remove(id))
                .map(|(_, waker)| waker)
                .collect()
        };
        let fired = expired.len();
        for waker in expired {
            waker.wake();
        }
        fired
        // course:decoy wakes-everything Wakes every registered timer, expired or not.
        // self.now.set(self.now.get().max(to));
        // let wakers: Vec<Waker> = std::mem::take(&mut *self.waiting.borrow_mut())
        //     .into_values()
        //     .map(|(_, waker)| waker)
        //     .collect();
        // let fired = wakers.len();
        // wakers.into_iter().for_each(Waker::wake);
        // fired
        // course:decoy wakes-but-keeps Wakes expired timers but leaves them registered, so they fire again.
        // self.now.set(self.now.get().max(to));
        // let now = self.now.get();
        // let expired: Vec<Waker> = self
        //     .waiting
        //     .borrow()
        //     .values()
        //     .filter(|(deadline, _)| *deadline <= now)
        //     .map(|(_, waker)| waker.clone())
        //     .collect();
        // let fired = expired.len();
        // expired.into_iter().for_each(Waker::wake);
        // fired
        // course:end
    }
}

/// A future that completes when its wheel's clock reaches `deadline`.
#[derive(Debug)]
struct Sleep {
    /// The clock and timer list this sleep waits on.
    wheel: Rc<TimerWheel>,
    /// When the sleep is over.
    deadline: u64,
    /// Our registration in the wheel, once the first `Pending` poll has made one.
    timer: Option<TimerId>,
}

/// A `Sleep` that completes when `wheel`'s clock reaches `deadline`. Like every future, it does
/// nothing until it is polled.
fn sleep_until(wheel: &Rc<TimerWheel>, deadline: u64) -> Sleep {
    Sleep {
        wheel: Rc::clone(wheel),
        deadline,
        timer: None,
    }
}

impl Future for Sleep {
    type Output = ();

    /// `Ready(())` once the clock has reached the deadline. Otherwise `Pending`, and before
    /// returning it the sleep makes sure the wheel will wake the waker of *this* poll: it
    /// registers on its first pending poll and updates the stored waker on later ones (so
    /// re-polling never piles up registrations).
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // `Sleep` has no self-references, so it is `Unpin` and may be used as `&mut Sleep`.
        let this = self.get_mut();
        // course:solution Ready at or after the deadline; otherwise register or update the waker, then Pending.
        if this.wheel.now() >= this.deadline {
            return Poll::Ready(());
        }
        match this.timer {
            None => this.timer = Some(this.wheel.register(this.deadline, cx.waker())),
            Some(id) => this.wheel.update_waker(id, cx.waker()),
        }
        Poll::Pending
        // course:decoy lost-wakeup Returns Pending without arranging a wake-up: the task is never polled again.
        // if this.wheel.now() >= this.deadline {
        //     return Poll::Ready(());
        // }
        // Poll::Pending
        // course:decoy busy-wait Wakes itself at once instead of registering, so the executor spins until the deadline.
        // if this.wheel.now() >= this.deadline {
        //     return Poll::Ready(());
        // }
        // cx.waker().wake_by_ref();
        // Poll::Pending
        // course:decoy stale-waker Registers the first waker and ignores the wakers of later polls.
        // if this.wheel.now() >= this.deadline {
        //     return Poll::Ready(());
        // }
        // if this.timer.is_none() {
        //     this.timer = Some(this.wheel.register(this.deadline, cx.waker()));
        // }
        // Poll::Pending
        // course:decoy register-every-poll Registers anew on every poll, so spurious polls pile up timers.
        // if this.wheel.now() >= this.deadline {
        //     return Poll::Ready(());
        // }
        // this.timer = Some(this.wheel.register(this.deadline, cx.waker()));
        // Poll::Pending
        // course:decoy exact-tick Completes only when the clock is exactly at the deadline.
        // if this.wheel.now() == this.deadline {
        //     return Poll::Ready(());
        // }
        // match this.timer {
        //     None => this.timer = Some(this.wheel.register(this.deadline, cx.waker())),
        //     Some(id) => this.wheel.update_waker(id, cx.waker()),
        // }
        // Poll::Pending
        // course:end
    }
}

impl Drop for Sleep {
    /// Dropping a pending sleep is how it is cancelled: its timer must leave the wheel.
    fn drop(&mut self) {
        // course:solution
        if let Some(id) = self.timer.take() {
            self.wheel.cancel(id);
        }
        // course:stub
        // // TODO: cancel the registration, if there is one. (This body starts empty rather than
        // // as `todo!()`: a panic in `drop` while a test is already panicking aborts the process.)
        // course:decoy no-cancel Does nothing, so a cancelled sleep's timer stays in the wheel and fires for nobody.
        // let _ = self.timer;
        // course:end
    }
}

/// Two futures run concurrently inside one future: `Join` polls both from its own `poll`, and
/// completes with both outputs when both have completed.
///
/// The futures are boxed and pinned (`Pin<Box<F>>`) so that any future can be joined, including
/// `async` blocks, which are `!Unpin`; the note on `Pin` shows how `tokio::join!` avoids the boxes.
struct Join<A: Future, B: Future> {
    /// The first future, until it completes.
    first: Pin<Box<A>>,
    /// Its output, once it has completed.
    first_output: Option<A::Output>,
    /// The second future, until it completes.
    second: Pin<Box<B>>,
    /// Its output, once it has completed.
    second_output: Option<B::Output>,
}

/// Joins `first` and `second`: the result completes with `(first's output, second's output)`.
fn join<A: Future, B: Future>(first: A, second: B) -> Join<A, B> {
    Join {
        first: Box::pin(first),
        first_output: None,
        second: Box::pin(second),
        second_output: None,
    }
}

impl<A, B> Future for Join<A, B>
where
    A: Future,
    B: Future,
    A::Output: Unpin,
    B::Output: Unpin,
{
    type Output = (A::Output, B::Output);

    /// Polls each future that has not completed yet (and never one that has), stores each
    /// output as it arrives, and returns `Ready` with both once both are stored.
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // Every field is `Unpin` (a `Pin<Box<_>>` or an `Option` of an `Unpin` output).
        let this = self.get_mut();
        // course:solution Poll each unfinished side once; when both outputs are stored, take them.
        if this.first_output.is_none()
            && let Poll::Ready(output) = this.first.as_mut().poll(cx)
        {
            this.first_output = Some(output);
        }
        if this.second_output.is_none()
            && let Poll::Ready(output) = this.second.as_mut().poll(cx)
        {
            this.second_output = Some(output);
        }
        if this.first_output.is_some() && this.second_output.is_some() {
            let first = this.first_output.take();
            let second = this.second_output.take();
            if let (Some(first), Some(second)) = (first, second) {
                return Poll::Ready((first, second));
            }
        }
        Poll::Pending
        // course:decoy polls-finished-again Polls both futures on every call, even one that already completed.
        // if let Poll::Ready(output) = this.first.as_mut().poll(cx) {
        //     this.first_output = Some(output);
        // }
        // if let Poll::Ready(output) = this.second.as_mut().poll(cx) {
        //     this.second_output = Some(output);
        // }
        // match (this.first_output.take(), this.second_output.take()) {
        //     (Some(first), Some(second)) => Poll::Ready((first, second)),
        //     (first, second) => {
        //         this.first_output = first;
        //         this.second_output = second;
        //         Poll::Pending
        //     }
        // }
        // course:decoy one-after-the-other Polls the second future only after the first has completed: sequential, not concurrent.
        // if this.first_output.is_none() {
        //     match this.first.as_mut().poll(cx) {
        //         Poll::Ready(output) => this.first_output = Some(output),
        //         Poll::Pending => return Poll::Pending,
        //     }
        // }
        // if this.second_output.is_none()
        //     && let Poll::Ready(output) = this.second.as_mut().poll(cx)
        // {
        //     this.second_output = Some(output);
        // }
        // match (this.first_output.take(), this.second_output.take()) {
        //     (Some(first), Some(second)) => Poll::Ready((first, second)),
        //     (first, second) => {
        //         this.first_output = first;
        //         this.second_output = second;
        //         Poll::Pending
        //     }
        // }
        // course:decoy stops-after-first Stops polling the second future once the first has completed.
        // if this.first_output.is_none()
        //     && let Poll::Ready(output) = this.first.as_mut().poll(cx)
        // {
        //     this.first_output = Some(output);
        //     return Poll::Pending;
        // }
        // if this.first_output.is_none()
        //     && this.second_output.is_none()
        //     && let Poll::Ready(output) = this.second.as_mut().poll(cx)
        // {
        //     this.second_output = Some(output);
        // }
        // match (this.first_output.take(), this.second_output.take()) {
        //     (Some(first), Some(second)) => Poll::Ready((first, second)),
        //     (first, second) => {
        //         this.first_output = first;
        //         this.second_output = second;
        //         Poll::Pending
        //     }
        // }
        // course:end
    }
}

fn main() {
    // A tiny "executor": poll, and whenever the future is pending, move the clock to the next
    // deadline. Exercise 03.4 replaces this loop with a real executor.
    let wheel = TimerWheel::new();
    let both = join(
        async {
            sleep_until(&wheel, 30).await;
            "tea is ready"
        },
        async {
            sleep_until(&wheel, 10).await;
            "toast is ready"
        },
    );
    let mut both = std::pin::pin!(both);
    let mut cx = Context::from_waker(Waker::noop());
    let mut polls = 0;
    let outputs = loop {
        polls += 1;
        match both.as_mut().poll(&mut cx) {
            Poll::Ready(outputs) => break outputs,
            Poll::Pending => {
                let next = wheel.now() + 10;
                let waiting = wheel.waiting_count();
                let fired = wheel.advance_to(next);
                println!("t={next}: {fired} of {waiting} waiting timer(s) fired");
            }
        }
    };
    println!("{outputs:?} after {polls} polls, at t={}", wheel.now());
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::task::Wake;

    /// A waker that counts how often it was woken.
    #[derive(Default)]
    struct CountingWaker(AtomicUsize);

    impl Wake for CountingWaker {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// A counting waker and the `Waker` that points at it.
    fn counting_waker() -> (Arc<CountingWaker>, Waker) {
        let counter = Arc::new(CountingWaker::default());
        (Arc::clone(&counter), Waker::from(counter))
    }

    fn wakes(counter: &CountingWaker) -> usize {
        counter.0.load(Ordering::SeqCst)
    }

    fn poll_once<F: Future + Unpin>(future: &mut F, waker: &Waker) -> Poll<F::Output> {
        Pin::new(future).poll(&mut Context::from_waker(waker))
    }

    /// Completes on its first poll and panics if it is ever polled again.
    struct ReadyOnce(Option<u32>);

    impl Future for ReadyOnce {
        type Output = u32;
        fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<u32> {
            let value = self.0.take().expect("ReadyOnce polled after it completed");
            Poll::Ready(value)
        }
    }

    #[test]
    fn sleep_is_pending_before_the_deadline_and_does_not_wake_early() {
        let wheel = TimerWheel::new();
        let (counter, waker) = counting_waker();
        let mut sleep = sleep_until(&wheel, 5);
        assert!(poll_once(&mut sleep, &waker).is_pending());
        wheel.advance_to(4);
        assert!(poll_once(&mut sleep, &waker).is_pending());
        assert_eq!(
            wakes(&counter),
            0,
            "the sleep woke its task before its deadline"
        );
    }

    #[test]
    fn pending_sleep_is_woken_exactly_once_when_its_deadline_passes() {
        let wheel = TimerWheel::new();
        let (counter, waker) = counting_waker();
        let mut sleep = sleep_until(&wheel, 5);
        assert!(poll_once(&mut sleep, &waker).is_pending());
        assert_eq!(
            wheel.advance_to(5),
            1,
            "one timer should fire at its deadline"
        );
        assert_eq!(
            wakes(&counter),
            1,
            "a future that returns Pending must arrange for its waker to be woken"
        );
        assert!(poll_once(&mut sleep, &waker).is_ready());
        assert_eq!(wheel.advance_to(9), 0, "a fired timer fired again");
        assert_eq!(wakes(&counter), 1);
    }

    #[test]
    fn sleep_is_ready_when_the_clock_jumped_past_its_deadline() {
        let wheel = TimerWheel::new();
        let (_counter, waker) = counting_waker();
        let mut sleep = sleep_until(&wheel, 5);
        assert!(poll_once(&mut sleep, &waker).is_pending());
        wheel.advance_to(100);
        assert!(poll_once(&mut sleep, &waker).is_ready());
    }

    #[test]
    fn sleep_whose_deadline_already_passed_is_ready_without_registering() {
        let wheel = TimerWheel::new();
        wheel.advance_to(10);
        let (_counter, waker) = counting_waker();
        let mut sleep = sleep_until(&wheel, 3);
        assert!(poll_once(&mut sleep, &waker).is_ready());
        assert_eq!(wheel.waiting_count(), 0);
    }

    #[test]
    fn sleep_wakes_the_waker_of_its_latest_poll() {
        let wheel = TimerWheel::new();
        let (first_counter, first_waker) = counting_waker();
        let (second_counter, second_waker) = counting_waker();
        let mut sleep = sleep_until(&wheel, 5);
        assert!(poll_once(&mut sleep, &first_waker).is_pending());
        // The future moved to another task (as when a `select!` or a join re-polls it with a
        // different context): only the waker of the latest poll counts.
        assert!(poll_once(&mut sleep, &second_waker).is_pending());
        wheel.advance_to(5);
        assert_eq!(
            wakes(&second_counter),
            1,
            "the waker of the latest poll was not woken"
        );
        assert_eq!(wakes(&first_counter), 0);
    }

    #[test]
    fn repolling_a_sleep_keeps_one_registration() {
        let wheel = TimerWheel::new();
        let (counter, waker) = counting_waker();
        let mut sleep = sleep_until(&wheel, 5);
        for _ in 0..3 {
            assert!(poll_once(&mut sleep, &waker).is_pending());
        }
        assert_eq!(wheel.waiting_count(), 1);
        wheel.advance_to(5);
        assert_eq!(wakes(&counter), 1);
    }

    #[test]
    fn dropping_a_pending_sleep_cancels_its_timer() {
        let wheel = TimerWheel::new();
        let (counter, waker) = counting_waker();
        let mut sleep = sleep_until(&wheel, 5);
        assert!(poll_once(&mut sleep, &waker).is_pending());
        drop(sleep);
        assert_eq!(
            wheel.waiting_count(),
            0,
            "a dropped sleep left its timer behind"
        );
        assert_eq!(wheel.advance_to(5), 0);
        assert_eq!(wakes(&counter), 0);
    }

    #[test]
    fn advance_fires_only_expired_timers() {
        let wheel = TimerWheel::new();
        let (early_counter, early_waker) = counting_waker();
        let (late_counter, late_waker) = counting_waker();
        let mut early = sleep_until(&wheel, 3);
        let mut late = sleep_until(&wheel, 8);
        assert!(poll_once(&mut early, &early_waker).is_pending());
        assert!(poll_once(&mut late, &late_waker).is_pending());
        assert_eq!(wheel.advance_to(5), 1);
        assert_eq!((wakes(&early_counter), wakes(&late_counter)), (1, 0));
        assert_eq!(wheel.waiting_count(), 1);
        assert_eq!(wheel.advance_to(8), 1);
        assert_eq!((wakes(&early_counter), wakes(&late_counter)), (1, 1));
    }

    #[test]
    fn advance_never_moves_the_clock_backwards() {
        let wheel = TimerWheel::new();
        wheel.advance_to(7);
        wheel.advance_to(2);
        assert_eq!(wheel.now(), 7);
    }

    #[test]
    fn join_returns_both_outputs_in_order() {
        let wheel = TimerWheel::new();
        let (_counter, waker) = counting_waker();
        let mut both = join(
            async {
                sleep_until(&wheel, 6).await;
                "slow"
            },
            async {
                sleep_until(&wheel, 2).await;
                "fast"
            },
        );
        assert!(poll_once(&mut both, &waker).is_pending());
        wheel.advance_to(2);
        assert!(poll_once(&mut both, &waker).is_pending());
        wheel.advance_to(6);
        assert_eq!(poll_once(&mut both, &waker), Poll::Ready(("slow", "fast")));
    }

    #[test]
    fn join_polls_both_futures_on_its_first_poll() {
        let wheel = TimerWheel::new();
        let (counter, waker) = counting_waker();
        let mut both = join(sleep_until(&wheel, 10), sleep_until(&wheel, 4));
        assert!(poll_once(&mut both, &waker).is_pending());
        assert_eq!(
            wheel.waiting_count(),
            2,
            "both sleeps should be waiting after one poll of the join"
        );
        // The shorter sleep must wake the join at 4, although the longer one is listed first.
        wheel.advance_to(4);
        assert_eq!(wakes(&counter), 1);
        assert!(poll_once(&mut both, &waker).is_pending());
        wheel.advance_to(10);
        assert!(poll_once(&mut both, &waker).is_ready());
    }

    #[test]
    fn join_never_polls_a_finished_future_again() {
        let wheel = TimerWheel::new();
        let (_counter, waker) = counting_waker();
        let mut both = join(ReadyOnce(Some(7)), sleep_until(&wheel, 3));
        assert!(poll_once(&mut both, &waker).is_pending());
        assert!(poll_once(&mut both, &waker).is_pending());
        wheel.advance_to(3);
        assert_eq!(poll_once(&mut both, &waker), Poll::Ready((7, ())));
    }

    #[test]
    fn join_keeps_polling_the_second_future_after_the_first_finished() {
        let wheel = TimerWheel::new();
        let (counter, waker) = counting_waker();
        let mut both = join(ReadyOnce(Some(1)), sleep_until(&wheel, 3));
        assert!(poll_once(&mut both, &waker).is_pending());
        assert_eq!(
            wheel.waiting_count(),
            1,
            "the second future was never polled"
        );
        wheel.advance_to(3);
        assert_eq!(wakes(&counter), 1);
        assert_eq!(poll_once(&mut both, &waker), Poll::Ready((1, ())));
    }

    #[test]
    fn join_of_two_ready_futures_completes_on_the_first_poll() {
        let (_counter, waker) = counting_waker();
        let mut both = join(ReadyOnce(Some(1)), ReadyOnce(Some(2)));
        assert_eq!(poll_once(&mut both, &waker), Poll::Ready((1, 2)));
    }
}

//! # Async without Tokio, part 1: an executor with a task queue and real wakers
//!
//! - **Goal:** write a single-threaded executor: `spawn` stores a task and schedules it; a task's waker puts it back in the ready queue (once, however often it is woken, from any thread); `run_until_stalled` polls ready tasks, and only ready tasks, until none is left, dropping each task as soon as it completes.
//! - **Concepts:** tasks, a ready queue, `Waker` built from `Arc<impl Wake>`; why a waker must be `Send + Sync` even when the executor is single-threaded; a task is polled only after a wake; a finished task is never polled again; spawning from inside a task.
//! - **Read first:** `notes/03-waker-mechanism.md` (sections "An executor, from the waker's side" and "The poll/wake sequence").
//! - **Run:** `cargo run --bin m03-executor` inside `learn/` (reference solution: `cargo run -p async-ecosystem --bin m03-executor`)
//! - **Test:** `cargo course verify 03.4` (reference solution: `cargo test -p async-ecosystem --bin m03-executor`)
//! - **Done when:** every test passes. Exercise 03.5 puts this executor on top of a reactor and runs a TCP echo server with it.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Wake, Waker};

/// Identifies a task inside one executor.
type TaskId = u64;

/// A spawned future. The executor is single-threaded, so tasks need not be `Send`.
type Task = Pin<Box<dyn Future<Output = ()>>>;

/// The ids of the tasks that are ready to be polled, in the order they were woken.
///
/// This is the one part of the executor that wakers touch, and wakers may be called from any
/// thread (a timer thread, an I/O thread), so it lives behind an `Arc<Mutex<_>>`.
#[derive(Debug, Default)]
struct ReadyQueue {
    /// Ready task ids, oldest first.
    order: VecDeque<TaskId>,
    /// The same ids as a set, so that a task woken twice is queued once.
    queued: HashSet<TaskId>,
}

/// Shared handle to the ready queue.
type SharedQueue = Arc<Mutex<ReadyQueue>>;

/// Locks the queue. A panic while it is locked cannot leave it inconsistent (every update is
/// a push or a pop of both fields together), so a poisoned lock is simply used again.
fn lock(queue: &SharedQueue) -> std::sync::MutexGuard<'_, ReadyQueue> {
    queue.lock().unwrap_or_else(PoisonError::into_inner)
}

/// What a task's `Waker` points at: which task, and which queue to put it in.
#[derive(Debug)]
struct TaskWaker {
    /// The task to schedule.
    task: TaskId,
    /// The queue of the executor that owns the task.
    queue: SharedQueue,
}

impl Wake for TaskWaker {
    /// Schedules the task: appends its id to the ready queue unless it is already there.
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        // course:solution Queue `self.task` once: skip it if it is already queued.
        let mut ready = lock(&self.queue);
        if ready.queued.insert(self.task) {
            ready.order.push_back(self.task);
        }
        // course:decoy forgets-to-queue Does nothing: a woken task is never polled again.
        // let _ = (&self.queue, self.task);
        // course:decoy queues-duplicates Queues the task again on every wake, so one readiness can cause several polls.
        // let mut ready = lock(&self.queue);
        // ready.queued.insert(self.task);
        // ready.order.push_back(self.task);
        // course:end
    }
}

/// Lets tasks spawn more tasks while the executor is polling them (the executor itself is
/// borrowed during a poll, so new tasks wait here until the executor collects them).
#[derive(Clone, Default)]
struct Spawner {
    /// Futures spawned through this handle and not yet collected by the executor.
    new_tasks: Rc<RefCell<Vec<Task>>>,
}

impl Spawner {
    /// Spawns `future` on the executor this spawner belongs to.
    fn spawn(&self, future: impl Future<Output = ()> + 'static) {
        self.new_tasks.borrow_mut().push(Box::pin(future));
    }
}

/// A single-threaded executor.
#[derive(Default)]
struct Executor {
    /// Every live (spawned and not yet completed) task.
    tasks: HashMap<TaskId, Task>,
    /// Tasks to poll next.
    ready: SharedQueue,
    /// The id the next task gets.
    next_id: TaskId,
    /// Where tasks put the futures they spawn.
    spawner: Spawner,
}

impl Executor {
    /// An executor with no tasks.
    fn new() -> Self {
        Executor::default()
    }

    /// A handle that futures can keep to spawn more tasks.
    fn spawner(&self) -> Spawner {
        self.spawner.clone()
    }

    /// How many tasks are alive: spawned and not yet completed.
    fn live_tasks(&self) -> usize {
        self.tasks.len() + self.spawner.new_tasks.borrow().len()
    }

    /// Adds `future` as a new task and schedules its first poll; returns its id. Polls nothing.
    fn spawn(&mut self, future: impl Future<Output = ()> + 'static) -> TaskId {
        self.add_task(Box::pin(future))
    }

    /// Stores an already boxed task and schedules it.
    fn add_task(&mut self, task: Task) -> TaskId {
        // course:solution Give the task an id, store it, and put the id in the ready queue.
        let id = self.next_id;
        self.next_id += 1;
        self.tasks.insert(id, task);
        let mut ready = lock(&self.ready);
        ready.queued.insert(id);
        ready.order.push_back(id);
        id
        // course:decoy not-scheduled Stores the task but never schedules its first poll.
        // let id = self.next_id;
        // self.next_id += 1;
        // self.tasks.insert(id, task);
        // id
        // course:end
    }

    /// Polls ready tasks, one at a time in the order they became ready, until no task is ready;
    /// tasks woken during this call (even by the task being polled) are polled in this call too.
    /// Each task is polled with a waker for that task; a task that completes is dropped at once.
    /// Tasks spawned through a `Spawner` are added (and scheduled) before each poll.
    /// Returns how many polls it made.
    fn run_until_stalled(&mut self) -> usize {
        // course:solution Loop: collect spawned tasks, pop one ready id (releasing the lock before polling!), poll that task with its own waker, drop it if it completed.
        let mut polls = 0;
        loop {
            let spawned: Vec<Task> = self.spawner.new_tasks.borrow_mut().drain(..).collect();
            for task in spawned {
                self.add_task(task);
            }
            // The lock must be released before the poll: the task may wake itself, and
            // waking locks the queue.
            let next = {
                let mut ready = lock(&self.ready);
                let next = ready.order.pop_front();
                if let Some(id) = next {
                    ready.queued.remove(&id);
                }
                next
            };
            let Some(id) = next else {
                return polls;
            };
            // A task may be woken after it completed (someone kept a clone of its waker).
            let Some(task) = self.tasks.get_mut(&id) else {
                continue;
            };
            let waker = Waker::from(Arc::new(TaskWaker {
                task: id,
                queue: Arc::clone(&self.ready),
            }));
            polls += 1;
            if task
                .as_mut()
                .poll(&mut Context::from_waker(&waker))
                .is_ready()
            {
                self.tasks.remove(&id);
            }
        }
        // course:decoy polls-everyone Ignores the queue and polls every live task until a round makes no task complete.
        // let mut polls = 0;
        // loop {
        //     let spawned: Vec<Task> = self.spawner.new_tasks.borrow_mut().drain(..).collect();
        //     for task in spawned {
        //         self.add_task(task);
        //     }
        //     lock(&self.ready).order.clear();
        //     lock(&self.ready).queued.clear();
        //     let ids: Vec<TaskId> = self.tasks.keys().copied().collect();
        //     let before = self.tasks.len();
        //     for id in ids {
        //         let waker = Waker::from(Arc::new(TaskWaker { task: id, queue: Arc::clone(&self.ready) }));
        //         polls += 1;
        //         if let Some(task) = self.tasks.get_mut(&id)
        //             && task.as_mut().poll(&mut Context::from_waker(&waker)).is_ready()
        //         {
        //             self.tasks.remove(&id);
        //         }
        //     }
        //     if self.tasks.len() == before && self.spawner.new_tasks.borrow().is_empty() {
        //         return polls;
        //     }
        // }
        // course:decoy keeps-finished Keeps completed tasks, so a late wake polls a finished future again.
        // let mut polls = 0;
        // let mut finished = HashSet::new();
        // loop {
        //     let spawned: Vec<Task> = self.spawner.new_tasks.borrow_mut().drain(..).collect();
        //     for task in spawned {
        //         self.add_task(task);
        //     }
        //     let next = {
        //         let mut ready = lock(&self.ready);
        //         let next = ready.order.pop_front();
        //         if let Some(id) = next {
        //             ready.queued.remove(&id);
        //         }
        //         next
        //     };
        //     let Some(id) = next else {
        //         return polls;
        //     };
        //     let Some(task) = self.tasks.get_mut(&id) else {
        //         continue;
        //     };
        //     let waker = Waker::from(Arc::new(TaskWaker { task: id, queue: Arc::clone(&self.ready) }));
        //     polls += 1;
        //     if task.as_mut().poll(&mut Context::from_waker(&waker)).is_ready() {
        //         finished.insert(id);
        //     }
        //     let _still_stored = finished.len();
        // }
        // course:decoy one-pass Polls only the tasks that were ready when it was called, not those woken during the run.
        // let spawned: Vec<Task> = self.spawner.new_tasks.borrow_mut().drain(..).collect();
        // for task in spawned {
        //     self.add_task(task);
        // }
        // let batch: Vec<TaskId> = {
        //     let mut ready = lock(&self.ready);
        //     ready.queued.clear();
        //     ready.order.drain(..).collect()
        // };
        // let mut polls = 0;
        // for id in batch {
        //     let Some(task) = self.tasks.get_mut(&id) else {
        //         continue;
        //     };
        //     let waker = Waker::from(Arc::new(TaskWaker { task: id, queue: Arc::clone(&self.ready) }));
        //     polls += 1;
        //     if task.as_mut().poll(&mut Context::from_waker(&waker)).is_ready() {
        //         self.tasks.remove(&id);
        //     }
        // }
        // polls
        // course:end
    }
}

/// A one-value channel between tasks of the same executor: `send` stores the value and wakes the
/// receiver; the receiver's future is pending until a value is there. (Given: a leaf future that
/// the tests and `main` use to make tasks wait for each other.)
#[derive(Default)]
struct Slot<T> {
    /// The value, once sent.
    value: RefCell<Option<T>>,
    /// The waker of the task waiting in `recv`, if any.
    waiting: RefCell<Option<Waker>>,
}

impl<T> Slot<T> {
    /// Stores `value` and wakes the receiver.
    fn send(&self, value: T) {
        *self.value.borrow_mut() = Some(value);
        let waiting = self.waiting.borrow_mut().take();
        if let Some(waker) = waiting {
            waker.wake();
        }
    }

    /// Waits for the value.
    async fn recv(&self) -> T {
        std::future::poll_fn(|cx| match self.value.borrow_mut().take() {
            Some(value) => Poll::Ready(value),
            None => {
                *self.waiting.borrow_mut() = Some(cx.waker().clone());
                Poll::Pending
            }
        })
        .await
    }
}

fn main() {
    let mut executor = Executor::new();
    let ping: Rc<Slot<u32>> = Rc::default();
    let pong: Rc<Slot<u32>> = Rc::default();
    let spawner = executor.spawner();
    {
        let (ping, pong) = (Rc::clone(&ping), Rc::clone(&pong));
        executor.spawn(async move {
            for round in 1..=3 {
                ping.send(round);
                let answer = pong.recv().await;
                println!("round {round}: got {answer}");
            }
        });
    }
    executor.spawn(async move {
        for _ in 1..=3 {
            let value = ping.recv().await;
            // Spawning from inside a task goes through the spawner.
            spawner.spawn(async move { println!("  (a task spawned to log {value})") });
            pong.send(value * 100);
        }
    });
    let polls = executor.run_until_stalled();
    println!("{polls} polls, {} live task(s) left", executor.live_tasks());
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    /// A future that counts its polls and waits until the test sets `open`.
    struct Gate {
        polls: Rc<Cell<u32>>,
        open: Rc<Cell<bool>>,
        waker: WakerSlot,
    }

    impl Future for Gate {
        type Output = ();
        fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            self.polls.set(self.polls.get() + 1);
            if self.open.get() {
                Poll::Ready(())
            } else {
                *self.waker.borrow_mut() = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }

    /// Where a test future leaves the waker of its last poll.
    type WakerSlot = Rc<RefCell<Option<Waker>>>;

    /// A gate and the handles the test keeps: poll count, the open flag and the stored waker.
    fn gate() -> (Gate, Rc<Cell<u32>>, Rc<Cell<bool>>, WakerSlot) {
        let gate = Gate {
            polls: Rc::default(),
            open: Rc::default(),
            waker: Rc::default(),
        };
        let handles = (
            Rc::clone(&gate.polls),
            Rc::clone(&gate.open),
            Rc::clone(&gate.waker),
        );
        (gate, handles.0, handles.1, handles.2)
    }

    fn stored_waker(slot: &WakerSlot) -> Waker {
        slot.borrow()
            .clone()
            .expect("the task never stored a waker")
    }

    #[test]
    fn spawn_polls_nothing_and_run_polls_each_new_task_once() {
        let mut executor = Executor::new();
        let (first, first_polls, _, _) = gate();
        let (second, second_polls, _, _) = gate();
        executor.spawn(first);
        executor.spawn(second);
        assert_eq!(
            first_polls.get() + second_polls.get(),
            0,
            "spawn must not poll"
        );
        assert_eq!(executor.run_until_stalled(), 2);
        assert_eq!((first_polls.get(), second_polls.get()), (1, 1));
        assert_eq!(executor.live_tasks(), 2);
    }

    #[test]
    fn a_pending_task_is_not_polled_again_until_woken() {
        let mut executor = Executor::new();
        let (task, polls, _, _) = gate();
        executor.spawn(task);
        executor.run_until_stalled();
        assert_eq!(executor.run_until_stalled(), 0);
        assert_eq!(executor.run_until_stalled(), 0);
        assert_eq!(polls.get(), 1, "a task that was not woken was polled again");
    }

    #[test]
    fn waking_a_task_gets_it_polled_and_a_finished_task_is_dropped() {
        let mut executor = Executor::new();
        let (task, polls, open, waker) = gate();
        executor.spawn(task);
        executor.run_until_stalled();
        open.set(true);
        stored_waker(&waker).wake();
        assert_eq!(executor.run_until_stalled(), 1);
        assert_eq!(polls.get(), 2);
        assert_eq!(executor.live_tasks(), 0, "a completed task must be dropped");
    }

    #[test]
    fn several_wakes_before_a_poll_cause_one_poll() {
        let mut executor = Executor::new();
        let (task, polls, _, waker) = gate();
        executor.spawn(task);
        executor.run_until_stalled();
        let waker = stored_waker(&waker);
        waker.wake_by_ref();
        waker.wake_by_ref();
        waker.wake_by_ref();
        assert_eq!(executor.run_until_stalled(), 1);
        assert_eq!(polls.get(), 2);
    }

    #[test]
    fn a_late_wake_never_polls_a_finished_task() {
        let mut executor = Executor::new();
        let finished = Rc::new(Cell::new(0));
        let kept_waker: Rc<RefCell<Option<Waker>>> = Rc::default();
        {
            let (finished, kept_waker) = (Rc::clone(&finished), Rc::clone(&kept_waker));
            // The `async` block's future panics if it is polled after it completed.
            executor.spawn(async move {
                std::future::poll_fn(|cx| {
                    *kept_waker.borrow_mut() = Some(cx.waker().clone());
                    Poll::Ready(())
                })
                .await;
                finished.set(finished.get() + 1);
            });
        }
        executor.run_until_stalled();
        assert_eq!(finished.get(), 1);
        stored_waker(&kept_waker).wake();
        assert_eq!(executor.run_until_stalled(), 0);
        assert_eq!(executor.live_tasks(), 0);
    }

    #[test]
    fn a_wake_from_another_thread_schedules_the_task() {
        let mut executor = Executor::new();
        let (task, polls, open, waker) = gate();
        executor.spawn(task);
        executor.run_until_stalled();
        open.set(true);
        // `Waker` is `Send + Sync`: the waker built from `Arc<TaskWaker>` must really work there.
        let waker = stored_waker(&waker);
        std::thread::spawn(move || waker.wake()).join().unwrap();
        assert_eq!(executor.run_until_stalled(), 1);
        assert_eq!(polls.get(), 2);
        assert_eq!(executor.live_tasks(), 0);
    }

    #[test]
    fn tasks_that_wake_each_other_all_finish_in_one_run() {
        let mut executor = Executor::new();
        let log = Rc::new(RefCell::new(Vec::new()));
        let ping: Rc<Slot<u32>> = Rc::default();
        let pong: Rc<Slot<u32>> = Rc::default();
        {
            let (ping, pong, log) = (Rc::clone(&ping), Rc::clone(&pong), Rc::clone(&log));
            executor.spawn(async move {
                for round in 1..=3 {
                    ping.send(round);
                    let answer = pong.recv().await;
                    log.borrow_mut().push(answer);
                }
            });
        }
        executor.spawn(async move {
            for _ in 1..=3 {
                let value = ping.recv().await;
                pong.send(value * 10);
            }
        });
        executor.run_until_stalled();
        assert_eq!(*log.borrow(), [10, 20, 30]);
        assert_eq!(executor.live_tasks(), 0);
    }

    #[test]
    fn a_task_that_yields_is_polled_again_in_the_same_run() {
        let mut executor = Executor::new();
        let polls = Rc::new(Cell::new(0));
        {
            let polls = Rc::clone(&polls);
            executor.spawn(std::future::poll_fn(move |cx| {
                polls.set(polls.get() + 1);
                if polls.get() < 4 {
                    // Yield: wake ourselves while being polled.
                    cx.waker().wake_by_ref();
                    Poll::Pending
                } else {
                    Poll::Ready(())
                }
            }));
        }
        assert_eq!(executor.run_until_stalled(), 4);
        assert_eq!(polls.get(), 4);
    }

    #[test]
    fn tasks_spawned_by_tasks_run_in_the_same_run() {
        let mut executor = Executor::new();
        let spawner = executor.spawner();
        let done = Rc::new(Cell::new(0));
        {
            let done = Rc::clone(&done);
            executor.spawn(async move {
                for _ in 0..3 {
                    let done = Rc::clone(&done);
                    spawner.spawn(async move { done.set(done.get() + 1) });
                }
            });
        }
        executor.run_until_stalled();
        assert_eq!(done.get(), 3);
        assert_eq!(executor.live_tasks(), 0);
    }

    #[test]
    fn tasks_spawned_through_the_spawner_count_as_live_before_they_run() {
        let mut executor = Executor::new();
        let (task, _, _, _) = gate();
        executor.spawn(task);
        let spawner = executor.spawner();
        spawner.spawn(async {});
        spawner.spawn(async {});
        assert_eq!(executor.live_tasks(), 3);
        executor.run_until_stalled();
        assert_eq!(executor.live_tasks(), 1);
    }

    #[test]
    fn ready_tasks_are_polled_in_the_order_they_were_woken() {
        let mut executor = Executor::new();
        let order = Rc::new(RefCell::new(Vec::new()));
        let wakers: Vec<Rc<RefCell<Option<Waker>>>> = (0..3).map(|_| Rc::default()).collect();
        for (index, slot) in wakers.iter().enumerate() {
            let (order, slot) = (Rc::clone(&order), Rc::clone(slot));
            let mut first = true;
            executor.spawn(std::future::poll_fn(move |cx| {
                if first {
                    first = false;
                    *slot.borrow_mut() = Some(cx.waker().clone());
                    return Poll::Pending;
                }
                order.borrow_mut().push(index);
                Poll::Ready(())
            }));
        }
        executor.run_until_stalled();
        for index in [2, 0, 1] {
            stored_waker(&wakers[index]).wake();
        }
        executor.run_until_stalled();
        assert_eq!(*order.borrow(), [2, 0, 1]);
    }
}

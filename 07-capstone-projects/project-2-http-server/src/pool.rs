//! A fixed-size thread pool with an optionally bounded queue.
//!
//! This module knows nothing about HTTP: it runs jobs on worker threads and nothing else.
//! The server hands it whole connections, but a test can hand it any closure.
//!
//! Three promises, each tested below:
//!
//! - **Bounded queue.** With [`ThreadPool::with_capacity`], at most `capacity` jobs wait for a
//!   worker; [`ThreadPool::execute`] gives the job back in [`Rejected::Full`] instead of queueing
//!   more, so the caller decides what to do with it (the server answers `503`).
//! - **Self-healing.** A job that panics kills its worker thread, and a guard object on that
//!   thread's stack (the *sentinel*) starts a replacement while the stack unwinds, so the pool
//!   keeps its size.
//! - **Graceful shutdown.** [`ThreadPool::shutdown`] (also run on drop) closes the queue, lets the
//!   workers finish every job already queued, and joins them.
//!
//! # Why a condition variable and not a shared channel
//!
//! The Rust Book's pool shares one `mpsc::Receiver` behind a `Mutex`, and each worker calls
//! `lock().recv()`. That is correct, but an idle worker then waits on the *mutex*, not on a job:
//! one worker holds the lock while it sleeps in `recv`, the others sleep on the lock. When a job
//! arrives, the sender wakes the lock holder; it takes the job and unlocks, which wakes a second
//! worker whose only business is to go back to sleep in `recv`. Two wake-ups per job, one wasted.
//! Under a flood of tiny jobs (one per short HTTP connection) `strace -c` counted about four
//! `futex` calls per job that way.
//!
//! Here the queue is a plain `VecDeque` behind a `Mutex`, and idle workers wait on a `Condvar`,
//! which releases the lock while they sleep. `execute` pushes under the lock and wakes exactly
//! one sleeper, if there is one: one wake-up per job. The bounded capacity also becomes a plain
//! length check under the same lock.

use std::collections::VecDeque;
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};

/// Why a pool could not be started.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PoolError {
    /// A pool of zero threads was requested.
    #[error("the thread pool needs at least one thread")]
    ZeroThreads,
    /// The OS refused to start a worker thread.
    #[error("cannot start a worker thread: {0}")]
    Spawn(#[source] io::Error),
}

/// A unit of work the pool can run.
///
/// Every `FnOnce() + Send + 'static` closure is a `Job`.
/// A caller can also implement it for its own struct, which lets it take the struct back apart
/// when [`ThreadPool::execute`] rejects it; the server does that to answer `503` on the
/// connection inside a rejected job.
pub trait Job: Send + 'static {
    /// Runs the job on a worker thread.
    fn run(self);
}

impl<F> Job for F
where
    F: FnOnce() + Send + 'static,
{
    fn run(self) {
        self()
    }
}

/// Why [`ThreadPool::execute`] did not accept a job; the job is handed back unrun.
pub enum Rejected<J> {
    /// The queue already holds `capacity` jobs.
    Full(J),
    /// The pool is shutting down and takes no more work.
    ShutDown(J),
}

// Written by hand so that `Rejected<J>` is `Debug` even when the job (often a closure) is not,
// which lets callers use `expect` on the result of `execute`.
impl<J> std::fmt::Debug for Rejected<J> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Rejected::Full(_) => f.write_str("Full(..)"),
            Rejected::ShutDown(_) => f.write_str("ShutDown(..)"),
        }
    }
}

impl<J> Rejected<J> {
    /// Gives back the job that was not run.
    pub fn into_job(self) -> J {
        match self {
            Rejected::Full(job) | Rejected::ShutDown(job) => job,
        }
    }
}

/// What waits in the queue: a type-erased job.
/// `Box<dyn FnOnce()>` is callable by value since Rust 1.35.
type BoxedJob = Box<dyn FnOnce() + Send + 'static>;

/// The jobs waiting for a worker, and whether more may come.
struct Queue {
    jobs: VecDeque<BoxedJob>,
    /// Set when shutdown begins. Workers leave once it is set *and* `jobs` is empty, so every
    /// job queued before shutdown still runs.
    closed: bool,
}

/// State shared by the pool handle and every worker.
struct Shared {
    /// All workers take jobs from this queue; the mutex makes "take the next job" atomic.
    queue: Mutex<Queue>,
    /// Signalled when a job is queued (one waiter) or the queue closes (all waiters).
    job_ready: Condvar,
    /// One slot per worker. A replacement worker puts its handle into its predecessor's slot.
    handles: Mutex<Vec<Option<JoinHandle<()>>>>,
    /// Worker threads currently inside their job loop.
    live: AtomicUsize,
    /// How many workers have been replaced after a panic (for tests and diagnostics).
    replaced: AtomicUsize,
}

/// A fixed number of worker threads running [`Job`]s in the order they were queued.
///
/// # Examples
///
/// ```
/// use std::sync::mpsc;
/// use webserver::pool::ThreadPool;
///
/// # fn main() -> Result<(), webserver::pool::PoolError> {
/// let pool = ThreadPool::new(2)?;
/// let (done_tx, done_rx) = mpsc::channel();
/// for n in 0..4 {
///     let done_tx = done_tx.clone();
///     pool.execute(move || done_tx.send(n * n).expect("the test keeps the receiver"))
///         .expect("an unbounded pool accepts every job");
/// }
/// pool.shutdown();
/// let mut squares: Vec<i32> = done_rx.try_iter().collect();
/// squares.sort();
/// assert_eq!(squares, [0, 1, 4, 9]);
/// # Ok(())
/// # }
/// ```
pub struct ThreadPool {
    shared: Arc<Shared>,
    capacity: usize,
}

impl std::fmt::Debug for ThreadPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ThreadPool")
            .field("size", &self.size())
            .field("live", &self.live_workers())
            .field("queued", &self.queued())
            .field("capacity", &self.capacity)
            .finish()
    }
}

impl ThreadPool {
    /// Starts `size` workers behind an unbounded queue.
    ///
    /// # Errors
    ///
    /// [`PoolError::ZeroThreads`] if `size` is zero, [`PoolError::Spawn`] if the OS refuses a thread.
    pub fn new(size: usize) -> Result<ThreadPool, PoolError> {
        ThreadPool::with_capacity(size, usize::MAX)
    }

    /// Starts `size` workers; at most `capacity` jobs may wait for a free worker.
    ///
    /// # Errors
    ///
    /// [`PoolError::ZeroThreads`] if `size` is zero, [`PoolError::Spawn`] if the OS refuses a thread.
    pub fn with_capacity(size: usize, capacity: usize) -> Result<ThreadPool, PoolError> {
        if size == 0 {
            return Err(PoolError::ZeroThreads);
        }
        let shared = Arc::new(Shared {
            queue: Mutex::new(Queue {
                jobs: VecDeque::new(),
                closed: false,
            }),
            job_ready: Condvar::new(),
            handles: Mutex::new((0..size).map(|_| None).collect()),
            live: AtomicUsize::new(0),
            replaced: AtomicUsize::new(0),
        });
        let pool = ThreadPool { shared, capacity };
        // course:solution p2.4 Start `size` workers (`spawn_worker`) and store each handle in its slot; a failed spawn is PoolError::Spawn.
        for id in 0..size {
            // If a spawn fails, `pool` is dropped on the way out, which joins the workers
            // already started: no thread outlives the error.
            let handle = spawn_worker(Arc::clone(&pool.shared), id).map_err(PoolError::Spawn)?;
            lock(&pool.shared.handles)[id] = Some(handle);
        }
        // course:stub
        // // Until p2.4 there are no workers: `execute` runs each job on the caller's thread.
        // course:end
        Ok(pool)
    }

    /// Queues `job` for the next free worker.
    ///
    /// # Errors
    ///
    /// Hands the job back in [`Rejected::Full`] when `capacity` jobs are already waiting, or in
    /// [`Rejected::ShutDown`] after shutdown began.
    pub fn execute<J: Job>(&self, job: J) -> Result<(), Rejected<J>> {
        // course:solution p2.4 Under the queue's lock: refuse with ShutDown once closed, with Full at `capacity`; otherwise push the boxed job, unlock, and wake one worker.
        let mut queue = lock(&self.shared.queue);
        if queue.closed {
            return Err(Rejected::ShutDown(job));
        }
        // Checked under the same lock as the push, so two producers can never both take the
        // last free slot.
        if queue.jobs.len() >= self.capacity {
            return Err(Rejected::Full(job));
        }
        queue.jobs.push_back(Box::new(move || job.run()));
        // Unlock before waking, so the woken worker does not find the lock still taken.
        drop(queue);
        self.shared.job_ready.notify_one();
        Ok(())
        // course:stub
        // // Until p2.4 the job runs right here, on the caller's thread.
        // job.run();
        // Ok(())
        // course:decoy thread-per-connection Starts a new thread for every job instead of queueing it for the workers, so threads grow with the connections.
        // if lock(&self.shared.queue).closed {
        //     return Err(Rejected::ShutDown(job));
        // }
        // thread::spawn(move || job.run());
        // Ok(())
        // course:end
    }

    /// Number of worker slots (the size given to the constructor).
    pub fn size(&self) -> usize {
        lock(&self.shared.handles).len()
    }

    /// Worker threads currently running their job loop.
    /// Right after a panic this can dip below [`size`](Self::size) until the replacement starts.
    pub fn live_workers(&self) -> usize {
        self.shared.live.load(Ordering::Acquire)
    }

    /// Jobs queued but not yet taken by a worker.
    pub fn queued(&self) -> usize {
        lock(&self.shared.queue).jobs.len()
    }

    /// How many workers were replaced after a job panicked.
    pub fn replaced_workers(&self) -> usize {
        self.shared.replaced.load(Ordering::Acquire)
    }

    /// Stops taking jobs, lets the workers finish every queued job, and joins them.
    pub fn shutdown(mut self) {
        self.join_all();
    }

    fn join_all(&mut self) {
        // course:solution p2.5 Close the queue and wake every worker, then join each slot's handle, looking at the slot again after each join (a replacement may have taken it).
        // Closing the queue is the workers' signal to leave their loop once it is empty.
        lock(&self.shared.queue).closed = true;
        self.shared.job_ready.notify_all();
        let size = self.size();
        for id in 0..size {
            // A worker that panics stores its replacement's handle in its own slot *before* its
            // thread ends, so after joining one handle we look at the slot again.
            loop {
                // Take the handle in its own statement: a guard created in a `while let`
                // condition would stay locked during `join`, and a dying worker's sentinel needs
                // that lock to store its replacement, which would deadlock.
                let next = lock(&self.shared.handles)[id].take();
                let Some(handle) = next else { break };
                // `Err` means the job panicked; the panic was already reported by the hook.
                let _ = handle.join();
            }
        }
        // course:stub
        // // Until p2.5 nothing is waited for: the workers are left running.
        // course:decoy no-join Closes the queue and wakes the workers but does not join them, so shutdown returns while requests are still being answered.
        // lock(&self.shared.queue).closed = true;
        // self.shared.job_ready.notify_all();
        // course:decoy drop-queued Empties the queue before closing it, so requests already accepted but waiting for a worker are never answered.
        // {
        //     let mut queue = lock(&self.shared.queue);
        //     queue.jobs.clear();
        //     queue.closed = true;
        // }
        // self.shared.job_ready.notify_all();
        // let size = self.size();
        // for id in 0..size {
        //     loop {
        //         let next = lock(&self.shared.handles)[id].take();
        //         let Some(handle) = next else { break };
        //         let _ = handle.join();
        //     }
        // }
        // course:end
    }
}

impl Drop for ThreadPool {
    fn drop(&mut self) {
        self.join_all();
    }
}

/// Locks a mutex, ignoring poisoning.
///
/// Poisoning is safe to ignore here: jobs run outside every lock, so a panicking job never
/// leaves the queue or the handle list half-updated.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn spawn_worker(shared: Arc<Shared>, id: usize) -> io::Result<JoinHandle<()>> {
    thread::Builder::new()
        .name(format!("worker-{id}"))
        .spawn(move || worker_loop(shared, id))
}

fn worker_loop(shared: Arc<Shared>, id: usize) {
    // course:solution p2.4 Count the worker live, put a Sentinel on the stack, run jobs from `next_job` until it returns None, then drop the sentinel.
    shared.live.fetch_add(1, Ordering::AcqRel);
    let sentinel = Sentinel {
        shared: Arc::clone(&shared),
        id,
    };
    while let Some(job) = next_job(&shared) {
        job();
    }
    drop(sentinel);
    // course:end
}

/// Waits for the next job; `None` once the queue is closed and empty (shutdown).
/// The lock is released before this returns, so the job runs while other workers take theirs.
fn next_job(shared: &Shared) -> Option<BoxedJob> {
    // course:solution p2.4 Pop the next job under the lock; None once the queue is closed and empty; otherwise wait on `job_ready` (in a loop: wake-ups can be spurious).
    let mut queue = lock(&shared.queue);
    loop {
        if let Some(job) = queue.jobs.pop_front() {
            return Some(job);
        }
        if queue.closed {
            return None;
        }
        // `wait` releases the lock while sleeping and takes it again before returning. It may
        // also return without a notification (a spurious wake-up), hence the loop.
        queue = shared
            .job_ready
            .wait(queue)
            .unwrap_or_else(PoisonError::into_inner);
    }
    // course:end
}

/// Lives on each worker's stack; its `Drop` runs both on a normal exit and while a panic
/// unwinds, and only in the second case does it start a replacement.
struct Sentinel {
    shared: Arc<Shared>,
    id: usize,
}

impl Drop for Sentinel {
    fn drop(&mut self) {
        // course:solution p2.4 Count the worker gone; if the thread is panicking, count a replacement and spawn a new worker into the same slot.
        self.shared.live.fetch_sub(1, Ordering::AcqRel);
        if !thread::panicking() {
            return;
        }
        self.shared.replaced.fetch_add(1, Ordering::AcqRel);
        match spawn_worker(Arc::clone(&self.shared), self.id) {
            Ok(handle) => lock(&self.shared.handles)[self.id] = Some(handle),
            // Nothing to return an error to from inside a dying thread; the pool runs one
            // worker short, which `live_workers` shows.
            Err(error) => eprintln!("webserver: could not replace worker {}: {error}", self.id),
        }
        // course:decoy no-replacement Counts the worker gone but never starts a replacement, so every panicking job shrinks the pool.
        // self.shared.live.fetch_sub(1, Ordering::AcqRel);
        // course:end
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicBool;
    use std::sync::{Barrier, mpsc};
    use std::time::{Duration, Instant};

    /// Waits (bounded) until `condition` holds; returns whether it did.
    fn eventually(condition: impl Fn() -> bool) -> bool {
        // Miri interprets every instruction (and unwinding a panic is slow there), so the hang
        // guard is far more generous under it.
        let patience = Duration::from_secs(if cfg!(miri) { 300 } else { 5 });
        let deadline = Instant::now() + patience;
        while Instant::now() < deadline {
            if condition() {
                return true;
            }
            thread::sleep(Duration::from_millis(5));
        }
        condition()
    }

    /// Runs `size` jobs that each wait until all `size` are running at once.
    /// Succeeds only if the pool really has `size` workers.
    fn all_workers_run_at_once(pool: &ThreadPool, size: usize) -> bool {
        let arrived = Arc::new(AtomicUsize::new(0));
        let (seen_tx, seen_rx) = mpsc::channel();
        for _ in 0..size {
            let arrived = Arc::clone(&arrived);
            let seen_tx = seen_tx.clone();
            pool.execute(move || {
                arrived.fetch_add(1, Ordering::AcqRel);
                let all_here = eventually(|| arrived.load(Ordering::Acquire) == size);
                seen_tx.send(all_here).expect("the test holds the receiver");
            })
            .expect("unbounded pool");
        }
        (0..size).all(|_| seen_rx.recv_timeout(Duration::from_secs(10)) == Ok(true))
    }

    #[test]
    fn pool_rejects_zero_threads() {
        assert!(matches!(ThreadPool::new(0), Err(PoolError::ZeroThreads)));
    }

    #[test]
    fn pool_runs_every_job() {
        let pool = ThreadPool::new(3).expect("spawn");
        let counter = Arc::new(AtomicUsize::new(0));
        for _ in 0..100 {
            let counter = Arc::clone(&counter);
            pool.execute(move || {
                counter.fetch_add(1, Ordering::AcqRel);
            })
            .expect("unbounded pool");
        }
        pool.shutdown();
        assert_eq!(counter.load(Ordering::Acquire), 100);
    }

    #[test]
    fn pool_runs_jobs_in_parallel() {
        let pool = ThreadPool::new(4).expect("spawn");
        assert!(all_workers_run_at_once(&pool, 4));
    }

    #[test]
    fn pool_replaces_worker_after_panic() {
        let pool = ThreadPool::new(3).expect("spawn");
        for _ in 0..3 {
            pool.execute(|| panic!("a job panics on purpose (pool test)"))
                .expect("unbounded pool");
        }
        assert!(eventually(|| pool.replaced_workers() == 3));
        assert!(eventually(|| pool.live_workers() == 3));
        assert_eq!(pool.size(), 3);
        // The strongest check: three jobs can still run *at the same time*.
        assert!(all_workers_run_at_once(&pool, 3));
    }

    #[test]
    fn pool_hands_back_job_when_queue_full() {
        let pool = ThreadPool::with_capacity(1, 1).expect("spawn");
        let gate = Arc::new(Barrier::new(2));
        let blocker = Arc::clone(&gate);
        // Occupies the only worker until the test releases the barrier.
        pool.execute(move || {
            blocker.wait();
        })
        .expect("first job is accepted");
        assert!(eventually(|| pool.queued() == 0)); // the worker took it
        pool.execute(|| {}).expect("one queue slot is free");
        let ran = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&ran);
        let rejected = pool.execute(move || flag.store(true, Ordering::Release));
        let Err(Rejected::Full(job)) = rejected else {
            panic!("expected Full, got {rejected:?}");
        };
        // The job comes back intact and can still be run by the caller.
        job.run();
        assert!(ran.load(Ordering::Acquire));
        gate.wait();
        pool.shutdown();
    }

    #[test]
    fn pool_shutdown_finishes_queued_jobs() {
        let pool = ThreadPool::new(1).expect("spawn");
        let finished = Arc::new(AtomicUsize::new(0));
        for _ in 0..5 {
            let finished = Arc::clone(&finished);
            pool.execute(move || {
                thread::sleep(Duration::from_millis(20));
                finished.fetch_add(1, Ordering::AcqRel);
            })
            .expect("unbounded pool");
        }
        pool.shutdown();
        assert_eq!(finished.load(Ordering::Acquire), 5);
    }

    #[test]
    fn pool_shutdown_joins_after_panic_during_shutdown() {
        let pool = ThreadPool::new(2).expect("spawn");
        let ran_after = Arc::new(AtomicBool::new(false));
        pool.execute(|| panic!("a job panics on purpose (pool test)"))
            .expect("unbounded pool");
        let flag = Arc::clone(&ran_after);
        pool.execute(move || flag.store(true, Ordering::Release))
            .expect("unbounded pool");
        pool.shutdown(); // must return: joins the replacement too
        assert!(ran_after.load(Ordering::Acquire));
    }
}

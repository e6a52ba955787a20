//! # Async without Tokio, part 2: a reactor over `poll(2)` and a TCP echo on loopback
//!
//! - **Goal:** write the two halves of non-blocking I/O: `poll_io`, which tries an operation on a non-blocking socket and, when the kernel says "would block", registers the task's waker with the reactor before returning `Pending`; and `Reactor::wait`, which asks the kernel (`poll(2)` through `libc`) which sockets are ready and wakes exactly the tasks waiting on them. Then an echo server and its clients run on one thread, on 127.0.0.1.
//! - **Concepts:** readiness-based I/O; `EWOULDBLOCK` means "register and wait", not "error"; the reactor owns the wakers of tasks waiting for I/O; one-shot interest (a fired registration is removed); the executor sleeps in the reactor when no task is ready; what Tokio's I/O driver does with epoll.
//! - **Read first:** `notes/03-waker-mechanism.md` (section "A reactor: who calls the waker for a socket") and `notes/05-tokio-internals.md` (section "The I/O driver").
//! - **Run:** `cargo run --bin m03-reactor-echo` inside `learn/` (reference solution: `cargo run -p async-ecosystem --bin m03-reactor-echo`)
//! - **Test:** `cargo course verify 03.5` (reference solution: `cargo test -p async-ecosystem --bin m03-reactor-echo`)
//! - **Done when:** every test passes. Every socket binds 127.0.0.1 with port 0; nothing leaves the machine.
//!
//! The executor at the bottom of this file is a compact version of the one you wrote in 03.4,
//! extended with the step every real runtime has: when no task is ready, block in the reactor.
#![expect(
    unsafe_code,
    reason = "the reactor calls poll(2) through libc, which is an unsafe foreign function"
)]

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::os::fd::{AsRawFd, RawFd};
use std::pin::Pin;
use std::rc::Rc;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Wake, Waker};

/// Which readiness a task waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Direction {
    /// Data (or a connection, or end of stream) to read.
    Read,
    /// Room in the send buffer.
    Write,
}

/// The reactor: the wakers of tasks waiting for a socket to become ready.
///
/// Registrations are *one-shot*: when a socket becomes ready, its waker is woken and removed,
/// and the task registers again if its next attempt would block again.
#[derive(Debug, Default)]
struct Reactor {
    /// (socket, direction) -> the waker of the task waiting for it.
    waiting: RefCell<HashMap<(RawFd, Direction), Waker>>,
}

impl Reactor {
    /// Registers `waker` to be woken when `fd` is ready in `direction` (replacing any earlier
    /// waker for the same pair: only the latest poll's waker counts).
    fn register(&self, fd: RawFd, direction: Direction, waker: &Waker) {
        self.waiting
            .borrow_mut()
            .insert((fd, direction), waker.clone());
    }

    /// How many (socket, direction) registrations are waiting.
    fn waiting_count(&self) -> usize {
        self.waiting.borrow().len()
    }

    /// Blocks until at least one registered socket is ready or `timeout_ms` milliseconds have
    /// passed (0 = just look, do not block), then wakes and removes the registrations of every
    /// ready socket. A socket counts as ready to read on `POLLIN`, and to write on `POLLOUT`;
    /// `POLLHUP` and `POLLERR` make it ready in both directions (the next read or write will
    /// report what happened). Returns how many wakers it woke.
    ///
    /// # Errors
    /// The error of `poll(2)`, except `EINTR`, which counts as "nothing ready".
    fn wait(&self, timeout_ms: i32) -> io::Result<usize> {
        // course:solution Build one pollfd per socket, call libc::poll, then remove and wake each ready registration (after releasing the RefCell borrow).
        let mut fds: Vec<libc::pollfd> = Vec::new();
        for &(fd, direction) in self.waiting.borrow().keys() {
            let events = match direction {
                Direction::Read => libc::POLLIN,
                Direction::Write => libc::POLLOUT,
            };
            match fds.iter_mut().find(|entry| entry.fd == fd) {
                Some(entry) => entry.events |= events,
                None => fds.push(libc::pollfd {
                    fd,
                    events,
                    revents: 0,
                }),
            }
        }
        let count = libc::nfds_t::try_from(fds.len())
            .map_err(|_| io::Error::other("too many sockets for one poll(2) call"))?;
        // SAFETY: `fds` is a live, exclusively borrowed array of exactly `count` initialised
        // `pollfd`s, which is what poll(2) reads and writes; it keeps no pointer after returning.
        let ready = unsafe { libc::poll(fds.as_mut_ptr(), count, timeout_ms) };
        if ready < 0 {
            let error = io::Error::last_os_error();
            if error.kind() == io::ErrorKind::Interrupted {
                return Ok(0);
            }
            return Err(error);
        }
        let mut to_wake = Vec::new();
        {
            let mut waiting = self.waiting.borrow_mut();
            for entry in fds.iter().filter(|entry| entry.revents != 0) {
                let either = libc::POLLHUP | libc::POLLERR | libc::POLLNVAL;
                if entry.revents & (libc::POLLIN | either) != 0 {
                    to_wake.extend(waiting.remove(&(entry.fd, Direction::Read)));
                }
                if entry.revents & (libc::POLLOUT | either) != 0 {
                    to_wake.extend(waiting.remove(&(entry.fd, Direction::Write)));
                }
            }
        }
        let woken = to_wake.len();
        for waker in to_wake {
            waker.wake();
        }
        Ok(woken)
        // course:decoy wakes-everyone Wakes every registered task after poll(2) returns, ready or not.
        // let mut fds: Vec<libc::pollfd> = self
        //     .waiting
        //     .borrow()
        //     .keys()
        //     .map(|&(fd, _)| libc::pollfd { fd, events: libc::POLLIN | libc::POLLOUT, revents: 0 })
        //     .collect();
        // let count = libc::nfds_t::try_from(fds.len()).map_err(io::Error::other)?;
        // // SAFETY: as in the solution: a live array of `count` pollfds.
        // let ready = unsafe { libc::poll(fds.as_mut_ptr(), count, timeout_ms) };
        // if ready < 0 {
        //     return Err(io::Error::last_os_error());
        // }
        // let all: Vec<Waker> = self.waiting.borrow_mut().drain().map(|(_, waker)| waker).collect();
        // let woken = all.len();
        // all.into_iter().for_each(Waker::wake);
        // Ok(woken)
        // course:decoy keeps-registrations Wakes ready tasks but keeps their registrations, so they are woken again on every later wait.
        // let mut fds: Vec<libc::pollfd> = Vec::new();
        // for &(fd, direction) in self.waiting.borrow().keys() {
        //     let events = match direction {
        //         Direction::Read => libc::POLLIN,
        //         Direction::Write => libc::POLLOUT,
        //     };
        //     fds.push(libc::pollfd { fd, events, revents: 0 });
        // }
        // let count = libc::nfds_t::try_from(fds.len()).map_err(io::Error::other)?;
        // // SAFETY: as in the solution: a live array of `count` pollfds.
        // let ready = unsafe { libc::poll(fds.as_mut_ptr(), count, timeout_ms) };
        // if ready < 0 {
        //     return Err(io::Error::last_os_error());
        // }
        // let mut to_wake = Vec::new();
        // for entry in fds.iter().filter(|entry| entry.revents != 0) {
        //     let direction = if entry.events == libc::POLLIN { Direction::Read } else { Direction::Write };
        //     to_wake.extend(self.waiting.borrow().get(&(entry.fd, direction)).cloned());
        // }
        // let woken = to_wake.len();
        // to_wake.into_iter().for_each(Waker::wake);
        // Ok(woken)
        // course:decoy ignores-hangup Wakes only on POLLIN/POLLOUT, so a reader whose peer hung up is never told.
        // let mut fds: Vec<libc::pollfd> = Vec::new();
        // for &(fd, direction) in self.waiting.borrow().keys() {
        //     let events = match direction {
        //         Direction::Read => libc::POLLIN,
        //         Direction::Write => libc::POLLOUT,
        //     };
        //     match fds.iter_mut().find(|entry| entry.fd == fd) {
        //         Some(entry) => entry.events |= events,
        //         None => fds.push(libc::pollfd { fd, events, revents: 0 }),
        //     }
        // }
        // let count = libc::nfds_t::try_from(fds.len()).map_err(io::Error::other)?;
        // // SAFETY: as in the solution: a live array of `count` pollfds.
        // let ready = unsafe { libc::poll(fds.as_mut_ptr(), count, timeout_ms) };
        // if ready < 0 {
        //     return Err(io::Error::last_os_error());
        // }
        // let mut to_wake = Vec::new();
        // {
        //     let mut waiting = self.waiting.borrow_mut();
        //     for entry in &fds {
        //         if entry.revents & libc::POLLIN != 0 {
        //             to_wake.extend(waiting.remove(&(entry.fd, Direction::Read)));
        //         }
        //         if entry.revents & libc::POLLOUT != 0 {
        //             to_wake.extend(waiting.remove(&(entry.fd, Direction::Write)));
        //         }
        //     }
        // }
        // let woken = to_wake.len();
        // to_wake.into_iter().for_each(Waker::wake);
        // Ok(woken)
        // course:end
    }
}

/// One step of a non-blocking I/O future: tries `operation` once on a socket in non-blocking
/// mode. Its result is the future's output, except `WouldBlock`, which means the socket is not
/// ready: then the task's waker is registered with `reactor` for (`fd`, `direction`) and the
/// step is `Pending`. (`Interrupted` is retried at once.)
fn poll_io<T>(
    reactor: &Reactor,
    cx: &mut Context<'_>,
    fd: RawFd,
    direction: Direction,
    mut operation: impl FnMut() -> io::Result<T>,
) -> Poll<io::Result<T>> {
    // course:solution Loop over attempts: WouldBlock -> register and Pending; Interrupted -> retry; anything else is the output.
    loop {
        match operation() {
            Err(error) if error.kind() == io::ErrorKind::WouldBlock => {
                reactor.register(fd, direction, cx.waker());
                return Poll::Pending;
            }
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            result => return Poll::Ready(result),
        }
    }
    // course:decoy lost-wakeup Returns Pending on WouldBlock without registering the waker.
    // loop {
    //     match operation() {
    //         Err(error) if error.kind() == io::ErrorKind::WouldBlock => return Poll::Pending,
    //         Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
    //         result => return Poll::Ready(result),
    //     }
    // }
    // course:decoy would-block-is-an-error Passes WouldBlock to the caller as an ordinary error.
    // let _ = (reactor, cx, fd, direction);
    // Poll::Ready(operation())
    // course:decoy wrong-direction Registers every wait as a wait for reading, so a blocked writer waits for data instead of room.
    // loop {
    //     match operation() {
    //         Err(error) if error.kind() == io::ErrorKind::WouldBlock => {
    //             let _ = direction;
    //             reactor.register(fd, Direction::Read, cx.waker());
    //             return Poll::Pending;
    //         }
    //         Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
    //         result => return Poll::Ready(result),
    //     }
    // }
    // course:end
}

/// A TCP stream in non-blocking mode whose reads and writes are futures.
struct AsyncStream {
    /// The socket, in non-blocking mode.
    socket: TcpStream,
    /// Where to register when a read or write would block.
    reactor: Rc<Reactor>,
}

impl AsyncStream {
    /// Wraps `socket`, switching it to non-blocking mode.
    fn new(socket: TcpStream, reactor: &Rc<Reactor>) -> io::Result<Self> {
        socket.set_nonblocking(true)?;
        Ok(AsyncStream {
            socket,
            reactor: Rc::clone(reactor),
        })
    }

    /// Reads some bytes into `buffer`; `Ok(0)` means the peer closed its side.
    async fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        let fd = self.socket.as_raw_fd();
        std::future::poll_fn(|cx| {
            poll_io(&self.reactor, cx, fd, Direction::Read, || {
                self.socket.read(buffer)
            })
        })
        .await
    }

    /// Writes all of `bytes`, waiting for room in the send buffer whenever it is full.
    async fn write_all(&mut self, mut bytes: &[u8]) -> io::Result<()> {
        let fd = self.socket.as_raw_fd();
        while !bytes.is_empty() {
            let written = std::future::poll_fn(|cx| {
                poll_io(&self.reactor, cx, fd, Direction::Write, || {
                    self.socket.write(bytes)
                })
            })
            .await?;
            if written == 0 {
                return Err(io::ErrorKind::WriteZero.into());
            }
            bytes = &bytes[written..];
        }
        Ok(())
    }
}

/// A listening socket whose `accept` is a future.
struct AsyncListener {
    /// The socket, in non-blocking mode.
    listener: TcpListener,
    /// Where to register when no connection is waiting.
    reactor: Rc<Reactor>,
}

impl AsyncListener {
    /// Binds 127.0.0.1 on a free port.
    fn bind_loopback(reactor: &Rc<Reactor>) -> io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        Ok(AsyncListener {
            listener,
            reactor: Rc::clone(reactor),
        })
    }

    /// Waits for the next connection.
    async fn accept(&self) -> io::Result<AsyncStream> {
        let fd = self.listener.as_raw_fd();
        let (socket, _peer) = std::future::poll_fn(|cx| {
            poll_io(&self.reactor, cx, fd, Direction::Read, || {
                self.listener.accept()
            })
        })
        .await?;
        AsyncStream::new(socket, &self.reactor)
    }
}

/// Echoes everything it reads back to the peer, until the peer closes its side.
async fn echo(mut stream: AsyncStream) -> io::Result<()> {
    let mut buffer = vec![0u8; 4096];
    loop {
        let read = stream.read(&mut buffer).await?;
        if read == 0 {
            return Ok(());
        }
        stream.write_all(&buffer[..read]).await?;
    }
}

/// Accepts `connections` connections and echoes on each, all concurrently.
async fn serve(listener: AsyncListener, connections: usize, spawner: Spawner) -> io::Result<()> {
    for _ in 0..connections {
        let stream = listener.accept().await?;
        spawner.spawn(async move {
            if let Err(error) = echo(stream).await {
                eprintln!("echo: {error}");
            }
        });
    }
    Ok(())
}

/// Connects to `port` on 127.0.0.1, sends `message`, closes its sending side and returns all
/// that comes back. Sending and receiving run concurrently (a join): sending everything first
/// would deadlock with a large message, once both sides' buffers are full.
async fn echo_client(port: u16, reactor: Rc<Reactor>, message: Vec<u8>) -> io::Result<Vec<u8>> {
    // Connecting to loopback completes at once (the kernel queues the connection until the
    // server accepts it), so a blocking connect does not stall the thread here.
    let socket = TcpStream::connect(("127.0.0.1", port))?;
    let reader = socket.try_clone()?;
    let mut writer = AsyncStream::new(socket, &reactor)?;
    let mut reader = AsyncStream::new(reader, &reactor)?;
    let send = async {
        writer.write_all(&message).await?;
        writer.socket.shutdown(Shutdown::Write)
    };
    let receive = async {
        let mut received = Vec::new();
        let mut buffer = [0u8; 4096];
        loop {
            let read = reader.read(&mut buffer).await?;
            if read == 0 {
                return Ok::<_, io::Error>(received);
            }
            received.extend_from_slice(&buffer[..read]);
        }
    };
    let (sent, received) = join(send, receive).await;
    sent?;
    received
}

/// Polls two futures concurrently until both are done (a compact version of exercise 03.1's).
async fn join<A: Future, B: Future>(first: A, second: B) -> (A::Output, B::Output) {
    let mut first = std::pin::pin!(first);
    let mut second = std::pin::pin!(second);
    let (mut first_output, mut second_output) = (None, None);
    std::future::poll_fn(|cx| {
        if first_output.is_none()
            && let Poll::Ready(output) = first.as_mut().poll(cx)
        {
            first_output = Some(output);
        }
        if second_output.is_none()
            && let Poll::Ready(output) = second.as_mut().poll(cx)
        {
            second_output = Some(output);
        }
        match (first_output.take(), second_output.take()) {
            (Some(first), Some(second)) => Poll::Ready((first, second)),
            (first, second) => {
                first_output = first;
                second_output = second;
                Poll::Pending
            }
        }
    })
    .await
}

// ------------------------------------------------------------------------------------------
// The executor (given): 03.4's design, plus `block_on`, which sleeps in the reactor.

/// A spawned task.
type Task = Pin<Box<dyn Future<Output = ()>>>;

/// The ids of tasks to poll, shared with their wakers.
type ReadyQueue = Arc<Mutex<VecDeque<usize>>>;

/// A task's waker: puts the task's id back in the ready queue.
struct TaskWaker {
    /// Which task.
    id: usize,
    /// Whose queue.
    ready: ReadyQueue,
}

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        let mut ready = self.ready.lock().unwrap_or_else(PoisonError::into_inner);
        if !ready.contains(&self.id) {
            ready.push_back(self.id);
        }
    }
}

/// Lets tasks spawn more tasks.
#[derive(Clone, Default)]
struct Spawner {
    /// Futures waiting to become tasks.
    new_tasks: Rc<RefCell<Vec<Task>>>,
}

impl Spawner {
    /// Spawns `future` as a new task.
    fn spawn(&self, future: impl Future<Output = ()> + 'static) {
        self.new_tasks.borrow_mut().push(Box::pin(future));
    }
}

/// Why `block_on` gave up.
#[derive(Debug, PartialEq, Eq)]
enum Stalled {
    /// No task is ready and no task waits for I/O: nothing can ever wake the main future.
    NothingToWaitFor,
    /// The reactor waited a whole second and no socket became ready.
    NoProgress,
}

/// A single-threaded runtime: tasks, a ready queue, and a reactor.
#[derive(Default)]
struct Runtime {
    /// Live tasks by id (`None` once finished).
    tasks: Vec<Option<Task>>,
    /// Tasks to poll next.
    ready: ReadyQueue,
    /// The reactor all sockets register with.
    reactor: Rc<Reactor>,
    /// Where tasks put the futures they spawn.
    spawner: Spawner,
}

impl Runtime {
    /// Polls every ready task (including the ones they spawn) until none is ready.
    fn run_ready_tasks(&mut self) {
        loop {
            for task in self.spawner.new_tasks.borrow_mut().drain(..) {
                self.ready
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push_back(self.tasks.len());
                self.tasks.push(Some(task));
            }
            let next = self
                .ready
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .pop_front();
            let Some(id) = next else { return };
            let Some(task) = self.tasks[id].as_mut() else {
                continue;
            };
            let waker = Waker::from(Arc::new(TaskWaker {
                id,
                ready: Arc::clone(&self.ready),
            }));
            if task
                .as_mut()
                .poll(&mut Context::from_waker(&waker))
                .is_ready()
            {
                self.tasks[id] = None;
            }
        }
    }

    /// Runs `main` and every spawned task until `main` completes. When no task is ready, it
    /// blocks in the reactor (at most one second at a time) until a socket is ready.
    fn block_on<T: 'static>(
        &mut self,
        main: impl Future<Output = T> + 'static,
    ) -> Result<T, Stalled> {
        let output = Rc::new(RefCell::new(None));
        let slot = Rc::clone(&output);
        self.spawner.spawn(async move {
            let value = main.await;
            *slot.borrow_mut() = Some(value);
        });
        loop {
            self.run_ready_tasks();
            if let Some(value) = output.borrow_mut().take() {
                return Ok(value);
            }
            if self.reactor.waiting_count() == 0 {
                return Err(Stalled::NothingToWaitFor);
            }
            match self.reactor.wait(1000) {
                Ok(0) | Err(_) => return Err(Stalled::NoProgress),
                Ok(_) => {}
            }
        }
    }
}

/// Counts finished clients and wakes the task waiting for all of them.
#[derive(Default)]
struct Latch {
    /// How many clients have not finished yet.
    remaining: usize,
    /// The waker of the task waiting for `remaining` to reach zero.
    waiting: Option<Waker>,
}

/// Runs an echo server and one client per message concurrently on one thread, on loopback;
/// returns what each client got back, in order.
///
/// # Errors
/// The first I/O error of the server or of a client, or an error saying the runtime stalled.
fn run_echo(messages: Vec<Vec<u8>>) -> io::Result<Vec<Vec<u8>>> {
    let mut runtime = Runtime::default();
    let reactor = Rc::clone(&runtime.reactor);
    let spawner = runtime.spawner.clone();
    let listener = AsyncListener::bind_loopback(&reactor)?;
    let port = listener.listener.local_addr()?.port();
    let clients = messages.len();
    let outcome = runtime.block_on(async move {
        let results: Rc<RefCell<Vec<io::Result<Vec<u8>>>>> = Rc::default();
        let latch = Rc::new(RefCell::new(Latch {
            remaining: clients,
            waiting: None,
        }));
        for message in messages {
            let (results, latch, reactor) =
                (Rc::clone(&results), Rc::clone(&latch), Rc::clone(&reactor));
            let index = results.borrow().len();
            results.borrow_mut().push(Ok(Vec::new()));
            spawner.spawn(async move {
                results.borrow_mut()[index] = echo_client(port, reactor, message).await;
                let mut latch = latch.borrow_mut();
                latch.remaining -= 1;
                if let Some(waker) = latch.waiting.take() {
                    waker.wake();
                }
            });
        }
        serve(listener, clients, spawner).await?;
        std::future::poll_fn(|cx| {
            let mut latch = latch.borrow_mut();
            if latch.remaining == 0 {
                Poll::Ready(())
            } else {
                latch.waiting = Some(cx.waker().clone());
                Poll::Pending
            }
        })
        .await;
        results.borrow_mut().drain(..).collect()
    });
    outcome.map_err(|stalled| io::Error::other(format!("the runtime stalled: {stalled:?}")))?
}

fn main() {
    let messages = vec![b"hello, reactor".to_vec(), vec![b'x'; 100_000]];
    match run_echo(messages) {
        Ok(echoed) => {
            for bytes in echoed {
                println!("echoed {} bytes", bytes.len());
            }
        }
        Err(error) => println!("echo failed: {error}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[derive(Default)]
    struct CountingWaker(AtomicUsize);

    impl Wake for CountingWaker {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn counting_waker() -> (Arc<CountingWaker>, Waker) {
        let counter = Arc::new(CountingWaker::default());
        (Arc::clone(&counter), Waker::from(counter))
    }

    /// A connected pair of loopback sockets, the first in non-blocking mode.
    fn socket_pair() -> (TcpStream, TcpStream) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (server, _) = listener.accept().unwrap();
        client.set_nonblocking(true).unwrap();
        (client, server)
    }

    #[test]
    fn would_block_registers_the_waker_and_is_pending() {
        let reactor = Reactor::default();
        let (mut client, _server) = socket_pair();
        let (_counter, waker) = counting_waker();
        let mut buffer = [0u8; 16];
        let fd = client.as_raw_fd();
        let step = poll_io(
            &reactor,
            &mut Context::from_waker(&waker),
            fd,
            Direction::Read,
            || client.read(&mut buffer),
        );
        assert!(
            step.is_pending(),
            "a read with no data must be Pending, not an error"
        );
        assert_eq!(
            reactor.waiting_count(),
            1,
            "Pending without a registration is a lost wake-up"
        );
    }

    #[test]
    fn a_ready_operation_completes_without_registering() {
        let reactor = Reactor::default();
        let (mut client, mut server) = socket_pair();
        server.write_all(b"hi").unwrap();
        let (_counter, waker) = counting_waker();
        let mut buffer = [0u8; 16];
        let fd = client.as_raw_fd();
        // The data may take a moment to cross loopback: wait for it with poll(2) first.
        reactor.register(fd, Direction::Read, &waker);
        reactor.wait(1000).unwrap();
        let step = poll_io(
            &reactor,
            &mut Context::from_waker(&waker),
            fd,
            Direction::Read,
            || client.read(&mut buffer),
        );
        assert!(matches!(step, Poll::Ready(Ok(2))));
        assert_eq!(reactor.waiting_count(), 0);
    }

    #[test]
    fn other_errors_are_returned_not_waited_for() {
        let reactor = Reactor::default();
        let (_counter, waker) = counting_waker();
        let step: Poll<io::Result<()>> = poll_io(
            &reactor,
            &mut Context::from_waker(&waker),
            0,
            Direction::Read,
            || Err(io::ErrorKind::ConnectionReset.into()),
        );
        assert!(
            matches!(step, Poll::Ready(Err(ref e)) if e.kind() == io::ErrorKind::ConnectionReset)
        );
        assert_eq!(reactor.waiting_count(), 0);
    }

    #[test]
    fn an_interrupted_operation_is_retried_at_once() {
        let reactor = Reactor::default();
        let (_counter, waker) = counting_waker();
        let mut attempts = 0;
        let step = poll_io(
            &reactor,
            &mut Context::from_waker(&waker),
            0,
            Direction::Read,
            || {
                attempts += 1;
                if attempts == 1 {
                    Err(io::ErrorKind::Interrupted.into())
                } else {
                    Ok(5)
                }
            },
        );
        assert!(
            matches!(step, Poll::Ready(Ok(5))),
            "EINTR is not an error: try again"
        );
        assert_eq!(reactor.waiting_count(), 0);
    }

    #[test]
    fn a_blocked_writer_waits_for_room_to_write() {
        let reactor = Reactor::default();
        let (mut client, _server) = socket_pair();
        let (_counter, waker) = counting_waker();
        let fd = client.as_raw_fd();
        let chunk = vec![0u8; 65536];
        // Fill the send buffer (and the peer's receive buffer) until the kernel says WouldBlock.
        let mut attempts = 0;
        loop {
            attempts += 1;
            assert!(attempts < 10_000, "the socket never filled up");
            let step = poll_io(
                &reactor,
                &mut Context::from_waker(&waker),
                fd,
                Direction::Write,
                || client.write(&chunk),
            );
            if step.is_pending() {
                break;
            }
        }
        assert_eq!(
            reactor.waiting.borrow().keys().copied().collect::<Vec<_>>(),
            [(fd, Direction::Write)]
        );
    }

    #[test]
    fn wait_wakes_nobody_while_no_socket_is_ready() {
        let reactor = Reactor::default();
        let (client, _server) = socket_pair();
        let (counter, waker) = counting_waker();
        reactor.register(client.as_raw_fd(), Direction::Read, &waker);
        assert_eq!(reactor.wait(0).unwrap(), 0);
        assert_eq!(
            counter.0.load(Ordering::SeqCst),
            0,
            "woke a reader that has nothing to read"
        );
        assert_eq!(reactor.waiting_count(), 1);
    }

    #[test]
    fn wait_wakes_a_reader_once_when_data_arrives_and_forgets_it() {
        let reactor = Reactor::default();
        let (client, mut server) = socket_pair();
        let (counter, waker) = counting_waker();
        reactor.register(client.as_raw_fd(), Direction::Read, &waker);
        server.write_all(b"ping").unwrap();
        assert_eq!(reactor.wait(1000).unwrap(), 1);
        assert_eq!(counter.0.load(Ordering::SeqCst), 1);
        assert_eq!(
            reactor.waiting_count(),
            0,
            "a fired registration must be removed"
        );
        assert_eq!(reactor.wait(0).unwrap(), 0);
        assert_eq!(counter.0.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn wait_watches_several_sockets_at_once() {
        let reactor = Reactor::default();
        let (quiet, _quiet_peer) = socket_pair();
        let (busy, mut busy_peer) = socket_pair();
        let (quiet_reader, quiet_waker) = counting_waker();
        let (busy_reader, busy_waker) = counting_waker();
        reactor.register(quiet.as_raw_fd(), Direction::Read, &quiet_waker);
        reactor.register(busy.as_raw_fd(), Direction::Read, &busy_waker);
        busy_peer.write_all(b"data").unwrap();
        assert_eq!(reactor.wait(1000).unwrap(), 1);
        assert_eq!(
            busy_reader.0.load(Ordering::SeqCst),
            1,
            "the socket with data was not watched"
        );
        assert_eq!(quiet_reader.0.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn wait_wakes_only_the_ready_direction() {
        let reactor = Reactor::default();
        let (client, _server) = socket_pair();
        let (reader, reader_waker) = counting_waker();
        let (writer, writer_waker) = counting_waker();
        let fd = client.as_raw_fd();
        reactor.register(fd, Direction::Read, &reader_waker);
        reactor.register(fd, Direction::Write, &writer_waker);
        // An idle connected socket has room to write and nothing to read.
        assert_eq!(reactor.wait(1000).unwrap(), 1);
        assert_eq!(reader.0.load(Ordering::SeqCst), 0);
        assert_eq!(writer.0.load(Ordering::SeqCst), 1);
        assert_eq!(reactor.waiting_count(), 1);
    }

    #[test]
    fn wait_wakes_a_reader_on_hangup_alone() {
        // A pipe whose write end is closed reports POLLHUP without POLLIN: the reader must still
        // be woken, or it waits forever for an end of stream that has already happened.
        let mut ends = [0; 2];
        // SAFETY: `ends` is a writable array of two `c_int`s, as pipe(2) requires.
        assert_eq!(unsafe { libc::pipe(ends.as_mut_ptr()) }, 0);
        let reactor = Reactor::default();
        let (counter, waker) = counting_waker();
        reactor.register(ends[0], Direction::Read, &waker);
        // SAFETY: `ends[1]` is the write end that pipe(2) just opened, closed once here.
        unsafe { libc::close(ends[1]) };
        let woken = reactor.wait(1000).unwrap();
        // SAFETY: `ends[0]` is the read end, still open, closed once here.
        unsafe { libc::close(ends[0]) };
        assert_eq!(woken, 1, "a hang-up must wake the reader");
        assert_eq!(counter.0.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn wait_wakes_the_waiters_of_a_descriptor_that_is_not_open() {
        // poll(2) answers POLLNVAL (and nothing else) for a descriptor that is not open; both
        // directions must be woken, so that their next attempt reports the error.
        let reactor = Reactor::default();
        let (reader, reader_waker) = counting_waker();
        let (writer, writer_waker) = counting_waker();
        let not_open: RawFd = 1_000_000;
        reactor.register(not_open, Direction::Read, &reader_waker);
        reactor.register(not_open, Direction::Write, &writer_waker);
        assert_eq!(reactor.wait(1000).unwrap(), 2);
        assert_eq!(reader.0.load(Ordering::SeqCst), 1);
        assert_eq!(writer.0.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn incoming_data_does_not_wake_a_writer_whose_buffer_is_full() {
        let reactor = Reactor::default();
        let (mut client, mut server) = socket_pair();
        let fd = client.as_raw_fd();
        // Fill the client's send buffer (the server never reads).
        let chunk = vec![0u8; 65536];
        let mut attempts = 0;
        while client.write(&chunk).is_ok() {
            attempts += 1;
            assert!(attempts < 10_000, "the socket never filled up");
        }
        let (reader, reader_waker) = counting_waker();
        let (writer, writer_waker) = counting_waker();
        reactor.register(fd, Direction::Read, &reader_waker);
        reactor.register(fd, Direction::Write, &writer_waker);
        server.write_all(b"reply").unwrap();
        assert_eq!(reactor.wait(1000).unwrap(), 1);
        assert_eq!(reader.0.load(Ordering::SeqCst), 1);
        assert_eq!(
            writer.0.load(Ordering::SeqCst),
            0,
            "woke a writer that still has no room"
        );
        assert_eq!(reactor.waiting_count(), 1);
    }

    #[test]
    fn echo_returns_a_short_message() {
        let echoed = run_echo(vec![b"hello".to_vec()]).expect("the echo failed");
        assert_eq!(echoed, [b"hello".to_vec()]);
    }

    #[test]
    fn echo_serves_several_clients_with_large_messages_concurrently() {
        let messages: Vec<Vec<u8>> = (0..3u8)
            .map(|client| (0..300_000u32).map(|i| (i % 251) as u8 ^ client).collect())
            .collect();
        let echoed = run_echo(messages.clone()).expect("the echo failed");
        assert_eq!(echoed.len(), messages.len());
        for (sent, received) in messages.iter().zip(&echoed) {
            assert_eq!(received.len(), sent.len());
            assert!(received == sent, "the echo changed the bytes");
        }
    }
}

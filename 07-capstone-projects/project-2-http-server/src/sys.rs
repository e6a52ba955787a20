//! Thin wrappers over the system calls std does not expose: `epoll(7)` (the reader stage's
//! [`Poller`]), `poll(2)`, `sendfile(2)`, `send(2)` with `MSG_MORE`, `accept4(2)` and
//! `openat(2)`.
//!
//! Everything unsafe in the server's I/O lives here, each call behind a safe function whose
//! arguments make misuse impossible (slices instead of pointer + length, borrowed sockets and
//! files instead of raw descriptors).
#![expect(
    unsafe_code,
    reason = "epoll, poll, sendfile, send, accept4 and openat have no safe wrapper in std; each call is checked below"
)]

use std::ffi::CStr;
use std::fs::File;
use std::io;
use std::net::TcpStream;
#[cfg(target_os = "linux")]
use std::os::fd::{AsFd, OwnedFd};
use std::os::fd::{AsRawFd, FromRawFd, RawFd};
use std::time::Duration;

/// One entry of a poll set: which descriptor, which events we wait for, which happened.
type PollFd = libc::pollfd;

/// Writable.
const WRITABLE: libc::c_short = libc::POLLOUT;

/// A poll entry waiting for `events` on `fd`.
fn poll_fd(fd: RawFd, events: libc::c_short) -> PollFd {
    libc::pollfd {
        fd,
        events,
        revents: 0,
    }
}

/// Waits until at least one entry of `fds` has an event, or `timeout` passes.
/// Returns the number of entries with events (0 on timeout). `EINTR` counts as a timeout, so a
/// signal (such as the shutdown signal) makes the caller look at its flags promptly.
///
/// # Errors
///
/// Any other error from `poll(2)`.
fn poll(fds: &mut [PollFd], timeout: Duration) -> io::Result<usize> {
    let timeout_ms = timeout_millis(timeout);
    let count = libc::nfds_t::try_from(fds.len()).map_err(io::Error::other)?;
    // SAFETY: the pointer and count describe exactly the `fds` slice, which is valid and
    // exclusively borrowed for the duration of the call; `poll` only writes `revents` fields.
    let ready = unsafe { libc::poll(fds.as_mut_ptr(), count, timeout_ms) };
    if ready < 0 {
        let error = io::Error::last_os_error();
        if error.kind() == io::ErrorKind::Interrupted {
            return Ok(0);
        }
        return Err(error);
    }
    // `ready` is non-negative here, so the conversion is lossless.
    Ok(ready.unsigned_abs() as usize)
}

/// A timeout in whole milliseconds for `poll`/`epoll_wait`, rounded up so a deadline 0.4 ms
/// away does not become a busy loop of zero-length waits, and saturated at `c_int::MAX`.
fn timeout_millis(timeout: Duration) -> libc::c_int {
    let millis = timeout.as_micros().div_ceil(1000);
    libc::c_int::try_from(millis).unwrap_or(libc::c_int::MAX)
}

/// Waits until `socket` can take more bytes, for at most `timeout`.
///
/// # Errors
///
/// [`io::ErrorKind::TimedOut`] if it stays full, or an error from `poll(2)`.
pub(crate) fn wait_writable(socket: &TcpStream, timeout: Duration) -> io::Result<()> {
    let mut fds = [poll_fd(socket.as_raw_fd(), WRITABLE)];
    match poll(&mut fds, timeout)? {
        0 => Err(io::Error::new(
            io::ErrorKind::TimedOut,
            "client did not read the response in time",
        )),
        _ => Ok(()),
    }
}

/// Copies up to `count` bytes from `file` at `*offset` straight to `socket` inside the kernel,
/// advancing `*offset` by the number of bytes sent. The file position is not used or changed.
///
/// # Errors
///
/// `WouldBlock` when the (non-blocking) socket is full, or any other `sendfile(2)` error.
#[cfg(target_os = "linux")]
pub(crate) fn sendfile(
    socket: &TcpStream,
    file: &File,
    offset: &mut u64,
    count: usize,
) -> io::Result<usize> {
    let mut kernel_offset = libc::off_t::try_from(*offset).map_err(io::Error::other)?;
    // SAFETY: both descriptors are borrowed from live Rust objects for the duration of the call;
    // `kernel_offset` is a valid, exclusively borrowed `off_t` that the kernel updates.
    let sent = unsafe {
        libc::sendfile(
            socket.as_raw_fd(),
            file.as_raw_fd(),
            &mut kernel_offset,
            count,
        )
    };
    if sent < 0 {
        return Err(io::Error::last_os_error());
    }
    // `sent` is non-negative here, so the conversions are lossless.
    let sent = sent.unsigned_abs();
    *offset += sent as u64;
    Ok(sent)
}

/// Writes some of `bytes` to `socket` with `MSG_MORE`, which tells the kernel more data follows
/// at once, so it holds this (small) piece back and sends it in the same segment as the start of
/// the data that follows. Used for a response head followed by `sendfile`: without it the head
/// leaves as its own tiny packet and wakes the client once more per response.
///
/// # Errors
///
/// `WouldBlock` when the (non-blocking) socket is full, or any other `send(2)` error.
#[cfg(target_os = "linux")]
pub(crate) fn send_more(socket: &TcpStream, bytes: &[u8]) -> io::Result<usize> {
    // SAFETY: the pointer and length describe exactly the `bytes` slice, which stays borrowed for
    // the duration of the call; the descriptor is borrowed from a live `TcpStream`.
    let sent = unsafe {
        libc::send(
            socket.as_raw_fd(),
            bytes.as_ptr().cast(),
            bytes.len(),
            libc::MSG_MORE | libc::MSG_NOSIGNAL,
        )
    };
    if sent < 0 {
        return Err(io::Error::last_os_error());
    }
    // `sent` is non-negative here, so the conversion is lossless.
    Ok(sent.unsigned_abs())
}

/// Open flags for a directory that is only used to look up names in it. On Linux that is
/// `O_PATH`: no read permission is needed (search permission is, as for any path lookup) and no
/// readable open file is set up. Elsewhere it is a plain read-only open.
#[cfg(target_os = "linux")]
pub(crate) const LOOKUP_ONLY: libc::c_int = libc::O_PATH;
/// See the Linux version.
#[cfg(not(target_os = "linux"))]
pub(crate) const LOOKUP_ONLY: libc::c_int = libc::O_RDONLY;

/// Opens `name`, a single path component, inside the directory `dir` with `openat(2)`.
///
/// The component is never followed if it is a symbolic link: the call fails instead
/// (`O_NOFOLLOW`; `ELOOP`, or `ENOTDIR` for a directory lookup), so the caller learns that the
/// path is not canonical as it stands.
///
/// With `directory` unset, the file is opened read-only, without blocking (opening a FIFO would
/// otherwise wait for a writer) and without becoming a controlling terminal. With `directory`
/// set, anything but a directory fails with `ENOTDIR`, and the handle is only good for looking
/// up names inside it ([`LOOKUP_ONLY`]), so passing through a directory costs less.
///
/// # Errors
///
/// Any `openat(2)` error: `ENOENT`, `EACCES`, `ELOOP` for a symlink, `ENOTDIR`, ...
pub(crate) fn open_in_dir(dir: &File, name: &CStr, directory: bool) -> io::Result<File> {
    let flags = if directory {
        LOOKUP_ONLY | libc::O_DIRECTORY | libc::O_CLOEXEC | libc::O_NOFOLLOW
    } else {
        libc::O_RDONLY | libc::O_CLOEXEC | libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY
    };
    // SAFETY: the directory descriptor is borrowed from a live `File`, and `name` is a valid
    // NUL-terminated string borrowed for the duration of the call. No mode argument is passed,
    // which is correct because `O_CREAT` is not among the flags.
    let fd = unsafe { libc::openat(dir.as_raw_fd(), name.as_ptr(), flags) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `fd` was just opened for us and nothing else owns it; the `File` takes sole
    // ownership and closes it when dropped.
    Ok(unsafe { File::from_raw_fd(fd) })
}

/// Accepts one connection and returns it already in non-blocking mode.
///
/// On Linux `accept4(2)` sets the mode in the same system call; elsewhere it takes a second
/// call. The peer address is not asked for: the server never uses it.
///
/// # Errors
///
/// `WouldBlock` when no connection is waiting, or any other `accept` error (e.g. `EMFILE`).
#[cfg(target_os = "linux")]
pub(crate) fn accept_nonblocking(listener: &std::net::TcpListener) -> io::Result<TcpStream> {
    // SAFETY: null address and length pointers are allowed and mean "do not report the peer
    // address"; the listening descriptor is borrowed from a live `TcpListener`.
    let fd = unsafe {
        libc::accept4(
            listener.as_raw_fd(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC,
        )
    };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `fd` is a socket the kernel just created for us and nothing else owns it; the
    // `TcpStream` takes sole ownership and closes it when dropped.
    Ok(unsafe { TcpStream::from_raw_fd(fd) })
}

/// Portable version of [`accept_nonblocking`] for systems without `accept4`.
#[cfg(not(target_os = "linux"))]
pub(crate) fn accept_nonblocking(listener: &std::net::TcpListener) -> io::Result<TcpStream> {
    let (stream, _peer) = listener.accept()?;
    stream.set_nonblocking(true)?;
    Ok(stream)
}

/// The reader stage's readiness queue: which of many sockets can be read now.
///
/// `poll(2)` is handed the whole set on every call and the kernel checks every entry, so each
/// round costs O(connections) even when one socket is ready. With `epoll(7)` the set lives in
/// the kernel, which queues a socket as ready when data arrives; `epoll_wait` costs O(ready).
///
/// Connections are armed *once* (`EPOLLONESHOT`): after one report the socket stays in the set
/// but reports nothing until armed again. So a socket handed to a worker needs no system call
/// to be silenced, and one returned for keep-alive needs one (`EPOLL_CTL_MOD`) to be heard
/// again. Closing a socket removes it from the set, because no descriptor is ever duplicated.
#[cfg(target_os = "linux")]
#[derive(Debug)]
pub(crate) struct Poller {
    epoll: OwnedFd,
    events: Vec<libc::epoll_event>,
}

#[cfg(target_os = "linux")]
impl Poller {
    /// An empty set that reports at most `batch` ready sockets per [`wait`](Self::wait).
    ///
    /// # Errors
    ///
    /// Any `epoll_create1(2)` error (`EMFILE`, `ENOMEM`).
    pub(crate) fn new(batch: usize) -> io::Result<Poller> {
        // SAFETY: `epoll_create1` takes no pointers; a valid flag is passed.
        let fd = unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: `fd` was just created for us and nothing else owns it.
        let epoll = unsafe { OwnedFd::from_raw_fd(fd) };
        let empty = libc::epoll_event { events: 0, u64: 0 };
        Ok(Poller {
            epoll,
            events: vec![empty; batch.max(1)],
        })
    }

    /// Reports `token` whenever `fd` is readable, for as long as it is open (level-triggered).
    /// For the listener and the wake-up pipe.
    ///
    /// # Errors
    ///
    /// Any `epoll_ctl(2)` error.
    pub(crate) fn watch(&self, fd: &impl AsRawFd, token: u64) -> io::Result<()> {
        self.control(
            libc::EPOLL_CTL_ADD,
            fd.as_raw_fd(),
            libc::EPOLLIN as u32,
            token,
        )
    }

    /// Reports `token` the next time `fd` is readable (or hung up, or failed), once.
    /// `fd` may or may not be in the set already: `known` says which to try first, and the
    /// other is tried if the kernel disagrees, so a wrong guess costs one system call.
    ///
    /// # Errors
    ///
    /// Any `epoll_ctl(2)` error.
    pub(crate) fn arm_once(&self, fd: &impl AsRawFd, token: u64, known: bool) -> io::Result<()> {
        let events = (libc::EPOLLIN | libc::EPOLLONESHOT) as u32;
        let fd = fd.as_raw_fd();
        let (first, second, wrong_guess) = if known {
            (libc::EPOLL_CTL_MOD, libc::EPOLL_CTL_ADD, libc::ENOENT)
        } else {
            (libc::EPOLL_CTL_ADD, libc::EPOLL_CTL_MOD, libc::EEXIST)
        };
        match self.control(first, fd, events, token) {
            Err(error) if error.raw_os_error() == Some(wrong_guess) => {
                self.control(second, fd, events, token)
            }
            other => other,
        }
    }

    /// Forgets `fd` before it is closed. On Linux closing does that by itself, so this does
    /// nothing; the `poll` version needs it.
    pub(crate) fn forget(&mut self, _fd: &impl AsRawFd) {}

    fn control(
        &self,
        operation: libc::c_int,
        fd: RawFd,
        events: u32,
        token: u64,
    ) -> io::Result<()> {
        let mut event = libc::epoll_event { events, u64: token };
        // SAFETY: both descriptors are valid for the call (the caller borrows `fd` from a live
        // object), and `event` is a valid, exclusively borrowed `epoll_event` the kernel reads.
        let result =
            unsafe { libc::epoll_ctl(self.epoll.as_fd().as_raw_fd(), operation, fd, &mut event) };
        if result < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }

    /// Waits until a watched or armed socket is ready, or `timeout` passes, and returns the
    /// tokens of the ready ones (none on timeout or when a signal interrupted the wait).
    ///
    /// # Errors
    ///
    /// Any `epoll_wait(2)` error but `EINTR`.
    pub(crate) fn wait(&mut self, timeout: Duration) -> io::Result<impl Iterator<Item = u64> + '_> {
        let capacity = libc::c_int::try_from(self.events.len()).unwrap_or(libc::c_int::MAX);
        // SAFETY: the pointer and capacity describe exactly the `events` buffer, which is
        // exclusively borrowed for the call; the kernel writes at most `capacity` entries.
        let ready = unsafe {
            libc::epoll_wait(
                self.epoll.as_fd().as_raw_fd(),
                self.events.as_mut_ptr(),
                capacity,
                timeout_millis(timeout),
            )
        };
        let ready = if ready < 0 {
            let error = io::Error::last_os_error();
            if error.kind() != io::ErrorKind::Interrupted {
                return Err(error);
            }
            0
        } else {
            // Non-negative here, so the conversion is lossless.
            ready.unsigned_abs() as usize
        };
        Ok(self.events[..ready].iter().map(|event| event.u64))
    }
}

/// The portable [`Poller`]: the same interface over `poll(2)`, which is O(registered sockets)
/// per wait. It keeps the set in user space, so a socket must be forgotten before it is closed.
#[cfg(not(target_os = "linux"))]
#[derive(Debug)]
pub(crate) struct Poller {
    /// (descriptor, token, armed, once)
    entries: Vec<(RawFd, u64, bool, bool)>,
    fds: Vec<PollFd>,
    ready: Vec<u64>,
}

#[cfg(not(target_os = "linux"))]
impl Poller {
    /// See the Linux version.
    pub(crate) fn new(_batch: usize) -> io::Result<Poller> {
        Ok(Poller {
            entries: Vec::new(),
            fds: Vec::new(),
            ready: Vec::new(),
        })
    }

    /// See the Linux version.
    pub(crate) fn watch(&mut self, fd: &impl AsRawFd, token: u64) -> io::Result<()> {
        self.entries.push((fd.as_raw_fd(), token, true, false));
        Ok(())
    }

    /// See the Linux version.
    pub(crate) fn arm_once(
        &mut self,
        fd: &impl AsRawFd,
        token: u64,
        _known: bool,
    ) -> io::Result<()> {
        let fd = fd.as_raw_fd();
        match self.entries.iter_mut().find(|entry| entry.0 == fd) {
            Some(entry) => *entry = (fd, token, true, true),
            None => self.entries.push((fd, token, true, true)),
        }
        Ok(())
    }

    /// Removes `fd` from the set; it must be called before `fd` is closed or handed away.
    pub(crate) fn forget(&mut self, fd: &impl AsRawFd) {
        let fd = fd.as_raw_fd();
        self.entries.retain(|entry| entry.0 != fd);
    }

    /// See the Linux version.
    pub(crate) fn wait(&mut self, timeout: Duration) -> io::Result<impl Iterator<Item = u64> + '_> {
        self.fds.clear();
        self.fds.extend(
            self.entries
                .iter()
                .filter(|entry| entry.2)
                .map(|entry| poll_fd(entry.0, libc::POLLIN)),
        );
        poll(&mut self.fds, timeout)?;
        self.ready.clear();
        for fd in &self.fds {
            if fd.revents == 0 {
                continue;
            }
            if let Some(entry) = self.entries.iter_mut().find(|entry| entry.0 == fd.fd) {
                self.ready.push(entry.1);
                entry.2 = !entry.3; // a one-shot entry is disarmed by its report
            }
        }
        Ok(self.ready.iter().copied())
    }
}

//! Thin wrappers over the system calls std does not expose: `poll(2)`, `sendfile(2)`,
//! `send(2)` with `MSG_MORE`, `accept4(2)` and `openat(2)`.
//!
//! Everything unsafe in the server's I/O lives here, each call behind a safe function whose
//! arguments make misuse impossible (slices instead of pointer + length, borrowed sockets and
//! files instead of raw descriptors).
#![expect(
    unsafe_code,
    reason = "poll, sendfile, send, accept4 and openat have no safe wrapper in std; each call is checked below"
)]

use std::ffi::CStr;
use std::fs::File;
use std::io;
use std::net::TcpStream;
use std::os::fd::{AsRawFd, FromRawFd, RawFd};
use std::time::Duration;

/// One entry of a poll set: which descriptor, which events we wait for, which happened.
pub(crate) type PollFd = libc::pollfd;

/// Readable (or a peer hang-up, which also makes `read` return).
pub(crate) const READABLE: libc::c_short = libc::POLLIN;
/// Writable.
pub(crate) const WRITABLE: libc::c_short = libc::POLLOUT;
/// Any event that means "look at this descriptor now", including errors and hang-ups,
/// which `poll` reports even when nobody asked for them.
pub(crate) const ANY_EVENT: libc::c_short =
    libc::POLLIN | libc::POLLOUT | libc::POLLERR | libc::POLLHUP | libc::POLLNVAL;

/// A poll entry waiting for `events` on `fd`.
pub(crate) fn poll_fd(fd: &impl AsRawFd, events: libc::c_short) -> PollFd {
    raw_poll_fd(fd.as_raw_fd(), events)
}

fn raw_poll_fd(fd: RawFd, events: libc::c_short) -> PollFd {
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
pub(crate) fn poll(fds: &mut [PollFd], timeout: Duration) -> io::Result<usize> {
    let timeout_ms = libc::c_int::try_from(timeout.as_millis()).unwrap_or(libc::c_int::MAX);
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

/// Waits until `socket` can take more bytes, for at most `timeout`.
///
/// # Errors
///
/// [`io::ErrorKind::TimedOut`] if it stays full, or an error from `poll(2)`.
pub(crate) fn wait_writable(socket: &TcpStream, timeout: Duration) -> io::Result<()> {
    let mut fds = [poll_fd(socket, WRITABLE)];
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

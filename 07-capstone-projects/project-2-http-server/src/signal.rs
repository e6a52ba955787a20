//! Turns SIGINT (Ctrl-C) and SIGTERM into a flag the accept loop polls.
//!
//! A signal handler may only do async-signal-safe work (see `signal-safety(7)`,
//! <https://man7.org/linux/man-pages/man7/signal-safety.7.html>): no locks, no allocation, no
//! printing. Storing to a lock-free atomic is safe, so the handler does exactly that and nothing
//! more; the server notices the flag within one poll interval.
#![expect(
    unsafe_code,
    reason = "installing a signal handler needs sigaction(2), which std does not wrap"
)]

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set by the handler; read by `server::serve`.
static SHUTDOWN_REQUESTED: AtomicBool = AtomicBool::new(false);

extern "C" fn record_shutdown(_signal: libc::c_int) {
    SHUTDOWN_REQUESTED.store(true, Ordering::SeqCst);
}

/// Installs the handler for SIGINT and SIGTERM and returns the flag it sets.
///
/// # Errors
///
/// Any error from `sigaction(2)`.
pub fn install_shutdown_handler() -> io::Result<&'static AtomicBool> {
    for signal in [libc::SIGINT, libc::SIGTERM] {
        // SAFETY: `sigaction` is a plain C struct for which all-zero bytes is a valid value
        // (no handler, empty mask, no flags); every field we rely on is set below.
        let mut action: libc::sigaction = unsafe { std::mem::zeroed() };
        // The handler field is declared as an integer (`sighandler_t`) in libc, so the function
        // pointer is cast to it; the kernel calls it with the C ABI it was declared with.
        action.sa_sigaction = record_shutdown as extern "C" fn(libc::c_int) as libc::sighandler_t;
        // SA_RESTART: system calls interrupted by the signal are restarted instead of failing
        // with EINTR, so no other code path has to care; `poll` is never restarted by the kernel
        // and simply returns, which is what lets the loop react at once.
        action.sa_flags = libc::SA_RESTART;
        // SAFETY: `action.sa_mask` is a valid, exclusively borrowed `sigset_t`.
        unsafe { libc::sigemptyset(&mut action.sa_mask) };
        // SAFETY: `action` is fully initialised and outlives the call; passing a null old-action
        // pointer is allowed and means "do not report the previous handler".
        let result = unsafe { libc::sigaction(signal, &action, std::ptr::null_mut()) };
        if result != 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(&SHUTDOWN_REQUESTED)
}

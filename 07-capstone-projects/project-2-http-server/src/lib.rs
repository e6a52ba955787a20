//! A static-file HTTP/1.0 server built on `std::net` and a hand-written thread pool.
//!
//! Capstone 2 of the course. No web framework and no async runtime: the interesting parts are
//! written out so they can be read.
//!
//! # Layout
//!
//! - [`pool`]: worker threads and a bounded job queue. Knows nothing about HTTP.
//! - [`request`]: parses request heads from bytes. No I/O.
//! - [`response`]: status codes, header fields, bodies; renders heads to bytes. No I/O.
//! - [`files`]: confines request paths to the served root and serves files from it.
//! - [`router`]: method + path prefix → handler; the health check lives here.
//! - [`server`]: the sockets: the reader stage (accept, collect heads, deadlines) in front of the
//!   pool, and the workers' response writing.
//! - [`cli`]: command-line parsing for the `webserver` binary.
//! - [`signal`]: SIGINT/SIGTERM → a shutdown flag.
//!
//! The entry point is [`server::serve`]; it takes a bound listener and a shutdown flag:
//!
//! ```no_run
//! use std::net::TcpListener;
//! use std::sync::atomic::AtomicBool;
//! use webserver::server::{serve, Config};
//!
//! # fn main() -> Result<(), webserver::Error> {
//! let listener = TcpListener::bind("127.0.0.1:7878")?;
//! let shutdown = AtomicBool::new(false);
//! serve(listener, Config::default(), &shutdown)?;
//! # Ok(())
//! # }
//! ```
#![warn(clippy::unwrap_used)]

pub mod cli;
pub mod files;
pub mod pool;
pub mod request;
pub mod response;
pub mod router;
pub mod server;
pub mod signal;
mod sys;

use std::io;
use std::path::PathBuf;

/// Everything that can go wrong when starting or running the server.
///
/// Problems with single requests are not errors: they become responses (`400`, `404`, ...).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The root directory cannot be opened.
    #[error("cannot serve {}: {source}", path.display())]
    Root {
        /// The root as given.
        path: PathBuf,
        /// Why it cannot be opened.
        source: io::Error,
    },
    /// The root exists but is not a directory.
    #[error("cannot serve {}: not a directory", path.display())]
    RootNotDirectory {
        /// The root as given.
        path: PathBuf,
    },
    /// A thread pool of zero threads was requested.
    #[error("the thread pool needs at least one thread")]
    ZeroThreads,
    /// The OS refused to start a worker thread.
    #[error("cannot start a worker thread: {0}")]
    Spawn(#[source] io::Error),
    /// The command line is not understood.
    #[error("{0}")]
    Usage(String),
    /// The listener or the poll loop failed.
    #[error(transparent)]
    Io(#[from] io::Error),
}

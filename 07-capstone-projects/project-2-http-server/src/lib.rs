//! A static-file HTTP/1.0 server built on `std::net` and a hand-written thread pool.
//!
//! Capstone 2 of the course. No web framework and no async runtime: the interesting parts are
//! written out so they can be read.
//!
//! # Layout
//!
//! Each module does one job and imports only the ones listed before it (ARCHITECTURE.md draws
//! the graph):
//!
//! - [`pool`]: worker threads and a bounded job queue. Knows nothing about HTTP.
//! - [`response`]: status codes, header fields, bodies; renders heads to bytes. No I/O.
//! - [`request`]: parses request heads and `Range` values from bytes. No I/O.
//! - [`root`]: the security boundary: confines request paths to the served root.
//! - [`router`]: method + path prefix → handler, with the 405/501 rules.
//! - [`static_files`]: the handler that serves what `root` resolved: content types,
//!   conditional requests, ranges, listings.
//! - `connection` (private): one socket and its read buffer; writes responses.
//! - [`server`]: the reader stage (accept, collect heads, deadlines) in front of the pool.
//! - [`cli`]: the `webserver` command line, on clap.
//! - [`signal`]: SIGINT/SIGTERM → a shutdown flag.
//!
//! The entry point is [`server::serve`]. It takes its resources instead of creating them: a
//! bound listener, a router (here [`default_router`] over a [`root::Root`] opened once),
//! the configuration and a shutdown flag:
//!
//! ```no_run
//! use std::net::TcpListener;
//! use std::path::Path;
//! use std::sync::atomic::AtomicBool;
//! use webserver::root::Root;
//! use webserver::server::{Config, serve};
//! use webserver::static_files::Listing;
//!
//! # fn main() -> Result<(), webserver::Error> {
//! let root = Root::new(Path::new("/srv/www"))?;
//! let listener = TcpListener::bind("127.0.0.1:7878")?;
//! let shutdown = AtomicBool::new(false);
//! let router = webserver::default_router(root, Listing::Off);
//! serve(listener, router, Config::default(), &shutdown)?;
//! # Ok(())
//! # }
//! ```
#![warn(clippy::unwrap_used)]

pub mod cli;
mod connection;
pub mod pool;
pub mod request;
pub mod response;
pub mod root;
pub mod router;
pub mod server;
pub mod signal;
pub mod static_files;
mod sys;

use std::io;

use request::{Method, Request};
use response::{Response, StatusCode};
use root::Root;
use router::Router;
use static_files::{Listing, StaticFiles};

/// Any error of the library, for callers that want one type: each subsystem has its own.
///
/// Problems with single requests are not errors: they become responses (`400`, `404`, ...).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The served root cannot be used.
    #[error(transparent)]
    Root(#[from] root::RootError),
    /// The server could not start or had to stop.
    #[error(transparent)]
    Serve(#[from] server::ServeError),
    /// Binding or configuring a socket failed before serving began.
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// The path of the health check.
pub const HEALTH_PATH: &str = "/healthz";

/// The server's standard routes: `GET /healthz` answers `ok`, everything else under `/` is a
/// static file from `root`.
///
/// It lives here rather than in `router` so that the router stays generic and `static_files`
/// (which implements the router's `Handler`) is imported by nobody but the crate root.
pub fn default_router(root: Root, listing: Listing) -> Router {
    Router::new()
        .route(&[Method::Get], HEALTH_PATH, |_: &Request<'_>| {
            Response::text(StatusCode::OK, "ok\n")
        })
        .route(&[Method::Get], "/", StaticFiles::new(root, listing))
}

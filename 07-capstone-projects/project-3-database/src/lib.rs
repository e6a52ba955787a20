//! `kv`: an embedded, persistent, ordered key-value store built to show how databases work.
//!
//! # Layout
//!
//! - [`page`] and [`codec`]: the on-disk page format and its hand-written codec.
//! - [`lru`]: a hand-written LRU map with a byte budget.
//! - [`pager`]: the buffer pool (sharded LRU plus dirty pages) and the page allocator.
//! - [`btree`]: the B+tree over pages; it never touches a file.
//! - [`wal`]: the write-ahead log, group commit and the recovery scan.
//! - [`store`]: the public [`Store`], transactions, checkpoints and recovery.
//! - [`cli`]: the `kv` command-line tool.
//!
//! The byte formats, invariants and the crash-case analysis are in `ARCHITECTURE.md`.
//! The crate contains no `unsafe` code.
//!
//! # Example
//!
//! ```
//! # fn main() -> Result<(), kv::Error> {
//! let dir = tempfile::tempdir()?;
//! let store = kv::Store::open(dir.path(), kv::Options::default())?;
//! store.put(b"apple", b"red")?;
//! store.transaction(|tx| {
//!     tx.put(b"banana", b"yellow")?;
//!     tx.delete(b"apple")?;
//!     Ok(())
//! })?;
//! assert_eq!(store.get(b"banana")?, Some(b"yellow".to_vec()));
//! let keys: Vec<Vec<u8>> = store.scan_prefix(b"b")?.map(|pair| pair.map(|(k, _)| k)).collect::<Result<_, _>>()?;
//! assert_eq!(keys, vec![b"banana".to_vec()]);
//! # Ok(())
//! # }
//! ```

#![forbid(unsafe_code)]
#![warn(clippy::unwrap_used)]

pub mod backend;
pub mod btree;
pub mod cli;
pub mod codec;
pub mod error;
pub mod lru;
pub mod page;
pub mod pager;
pub mod store;
pub mod wal;

pub use error::{BTreeError, CodecError, Error, Result, WalError};
pub use page::{MAX_KEY_LEN, MAX_VALUE_LEN};
pub use store::{Durability, Iter, Options, ReadTxn, Stats, Store, VerifyReport, WriteTxn};

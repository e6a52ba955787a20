//! `kv`: an embedded, persistent, ordered key-value store built to show how databases work.
//!
//! # Layout
//!
//! - `page` and `codec`: the on-disk page format and its hand-written codec.
//! - `lru`: a hand-written LRU map with a byte budget.
//! - `pager`: the buffer pool (sharded LRU plus dirty pages).
//! - `alloc`: page allocation under the copy-on-write rule, and the checkpoint's free-list plan.
//! - `btree`: the B+tree over pages; it never touches a file.
//! - [`wal`]: the write-ahead log, group commit and the recovery scan.
//! - [`backend`]: where the bytes go (files, or memory that can simulate a power cut);
//!   `mmap`: reading the data file through a memory map (the only `unsafe` code).
//! - `values`: the value codec of compressed stores.
//! - `index`: the entry encoding of secondary indexes.
//! - `backup`: the backup directory format, restore and its checks.
//! - [`store`]: the public [`Store`], transactions, checkpoints and recovery.
//! - [`cli`]: the `kv` command-line tool.
//!
//! The byte formats, invariants and the crash-case analysis are in `ARCHITECTURE.md`.
//! The only `unsafe` code is the memory map in `mmap`, whose module docs give the argument;
//! every other module is held to the workspace's `unsafe_code = "deny"`.
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

#![warn(clippy::unwrap_used)]

mod alloc;
pub mod backend;
mod backup;
mod btree;
pub mod cli;
mod codec;
pub mod error;
mod index;
mod lru;
mod mmap;
mod page;
mod pager;
pub mod store;
mod values;
pub mod wal;

pub use backend::{Backend, FileBackend, MemBackend};
pub use error::{BTreeError, CodecError, Error, Result, WalError};
pub use page::{MAX_KEY_LEN, MAX_VALUE_LEN, PAGE_SIZE};
pub use store::{
    Backends, BackupReport, Compression, Durability, IndexHit, Iter, Options, ReadMode, ReadTxn,
    RestoreReport, Stats, Store, VerifyReport, WriteTxn,
};

//! The write-ahead log: record format, group commit, truncation, and the recovery scan.
//!
//! The byte map is in `ARCHITECTURE.md` ("WAL records"); the constants below mirror it.
//! One record holds one committed transaction. [`Wal::append`] writes a record without
//! syncing; [`Wal::sync_to`] waits until a record is durable, and concurrent callers share
//! one `fdatasync` (group commit). [`scan`] reads a log back and tells a torn tail (cut off,
//! never acknowledged) from a hole in the middle (corruption).

use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

use crate::backend::Backend;
use crate::codec::{Reader, Writer};
use crate::error::{CodecError, WalError};

/// First bytes of every record.
pub const WAL_MAGIC: [u8; 4] = *b"KVWL";
/// The record format version this build writes and reads.
pub const WAL_VERSION: u8 = 1;
/// Record kind: one transaction.
pub const WAL_KIND_TRANSACTION: u8 = 1;
/// Offset of the magic.
pub const WAL_MAGIC_OFFSET: usize = 0;
/// Offset of the version byte.
pub const WAL_VERSION_OFFSET: usize = WAL_MAGIC_OFFSET + 4;
/// Offset of the kind byte.
pub const WAL_KIND_OFFSET: usize = WAL_VERSION_OFFSET + 1;
/// Offset of the two reserved bytes.
pub const WAL_RESERVED_OFFSET: usize = WAL_KIND_OFFSET + 1;
/// Offset of the `u32` payload length.
pub const WAL_LEN: usize = WAL_RESERVED_OFFSET + 2;
/// Offset of the payload's CRC-32C.
pub const WAL_PAYLOAD_CRC: usize = WAL_LEN + 4;
/// Offset of the header's own CRC-32C (over bytes `0..WAL_HEADER_CRC`).
pub const WAL_HEADER_CRC: usize = WAL_PAYLOAD_CRC + 4;
/// Offset of the payload, which is also the header length.
pub const WAL_PAYLOAD: usize = WAL_HEADER_CRC + 4;
/// Header length in bytes.
pub const WAL_HEADER_LEN: usize = WAL_PAYLOAD;

/// The log file is extended in steps of this many bytes, filled with zeros and synced once,
/// so that a commit's `fdatasync` only has to flush data: the file's size and block map do not
/// change on every append (on ext4 that saves a journal commit per transaction).
/// A zero-filled region reads back as a torn tail, which recovery cuts off.
pub const WAL_PREALLOCATE: u64 = 1 << 20;

const OP_PUT: u8 = 1;
const OP_DELETE: u8 = 2;
const OP_INDEX_PUT: u8 = 3;
const OP_INDEX_DELETE: u8 = 4;

/// One change inside a transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    /// Set a key to a value.
    Put(Vec<u8>, Vec<u8>),
    /// Remove a key.
    Delete(Vec<u8>),
    /// Add an entry to the index tree (its value is empty).
    IndexPut(Vec<u8>),
    /// Remove an entry from the index tree.
    IndexDelete(Vec<u8>),
}

/// One committed transaction as it is logged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The checkpoint generation this record applies on top of.
    pub generation: u64,
    /// Position in the log; consecutive records differ by one.
    pub sequence: u64,
    /// The changes, applied in order. Empty for a checkpoint marker.
    pub ops: Vec<Op>,
}

/// Encodes a record, header included.
///
/// # Errors
/// [`WalError::TooLarge`] when the payload does not fit the `u32` length field.
pub fn encode_record(record: &Record) -> Result<Vec<u8>, WalError> {
    // course:solution p3.1 Encode the payload (generation, sequence, op count, each op as tag, length-prefixed key and value) behind a 20-byte header; fill the header last: magic, version, kind, payload length, payload CRC-32C, and the CRC-32C of header bytes 0..16. Lengths that do not fit a u32 are `WalError::TooLarge`.
    let payload_len: usize = 8
        + 8
        + 4
        + record
            .ops
            .iter()
            .map(|op| match op {
                Op::Put(key, value) => 1 + 4 + key.len() + 4 + value.len(),
                Op::Delete(key) | Op::IndexPut(key) | Op::IndexDelete(key) => 1 + 4 + key.len(),
            })
            .sum::<usize>();
    let too_large = || WalError::TooLarge { bytes: payload_len };
    let len32 = u32::try_from(payload_len).map_err(|_| too_large())?;
    let count32 = u32::try_from(record.ops.len()).map_err(|_| too_large())?;
    let mut out = Writer::with_capacity(WAL_HEADER_LEN + payload_len);
    out.raw(&[0u8; WAL_HEADER_LEN]);
    out.u64(record.generation);
    out.u64(record.sequence);
    out.u32(count32);
    for op in &record.ops {
        match op {
            Op::Put(key, value) => {
                out.u8(OP_PUT);
                out.u32(u32::try_from(key.len()).map_err(|_| too_large())?);
                out.raw(key);
                out.u32(u32::try_from(value.len()).map_err(|_| too_large())?);
                out.raw(value);
            }
            Op::Delete(key) | Op::IndexPut(key) | Op::IndexDelete(key) => {
                out.u8(match op {
                    Op::Delete(_) => OP_DELETE,
                    Op::IndexPut(_) => OP_INDEX_PUT,
                    _ => OP_INDEX_DELETE,
                });
                out.u32(u32::try_from(key.len()).map_err(|_| too_large())?);
                out.raw(key);
            }
        }
    }
    let mut bytes = out.bytes;
    let payload_crc = crc32c::crc32c(&bytes[WAL_PAYLOAD..]);
    bytes[WAL_MAGIC_OFFSET..WAL_MAGIC_OFFSET + 4].copy_from_slice(&WAL_MAGIC);
    bytes[WAL_VERSION_OFFSET] = WAL_VERSION;
    bytes[WAL_KIND_OFFSET] = WAL_KIND_TRANSACTION;
    bytes[WAL_LEN..WAL_LEN + 4].copy_from_slice(&len32.to_le_bytes());
    bytes[WAL_PAYLOAD_CRC..WAL_PAYLOAD_CRC + 4].copy_from_slice(&payload_crc.to_le_bytes());
    let header_crc = crc32c::crc32c(&bytes[..WAL_HEADER_CRC]);
    bytes[WAL_HEADER_CRC..WAL_HEADER_CRC + 4].copy_from_slice(&header_crc.to_le_bytes());
    Ok(bytes)
    // course:end
}

/// Decodes a payload whose checksum has already been verified.
///
/// # Errors
/// [`CodecError`] for any malformed input; never panics.
pub fn decode_payload(payload: &[u8]) -> Result<Record, CodecError> {
    // course:solution p3.1 Decode what `encode_record` wrote after the header. Any malformed input is a `CodecError` (truncation, an unknown op tag, trailing bytes), never a panic, and a hostile op count must not allocate unbounded memory.
    let mut reader = Reader::new(payload);
    let generation = reader.u64()?;
    let sequence = reader.u64()?;
    let count = reader.u32()? as usize;
    // Each op needs at least 5 bytes, which bounds a hostile count before allocating.
    let mut ops = Vec::with_capacity(count.min(reader.remaining() / 5));
    for _ in 0..count {
        let tag = reader.u8()?;
        let key_len = reader.u32()? as usize;
        let key = reader.take(key_len)?.to_vec();
        ops.push(match tag {
            OP_PUT => {
                let value_len = reader.u32()? as usize;
                Op::Put(key, reader.take(value_len)?.to_vec())
            }
            OP_DELETE => Op::Delete(key),
            OP_INDEX_PUT => Op::IndexPut(key),
            OP_INDEX_DELETE => Op::IndexDelete(key),
            other => {
                return Err(CodecError::Invalid {
                    field: "log op tag",
                    reason: format!("{other}"),
                });
            }
        });
    }
    if reader.remaining() != 0 {
        return Err(CodecError::Invalid {
            field: "log payload",
            reason: format!("{} trailing bytes", reader.remaining()),
        });
    }
    Ok(Record {
        generation,
        sequence,
        ops,
    })
    // course:decoy trailing-bytes-accepted Stops after the last op and ignores whatever follows, so a payload with extra bytes decodes as valid.
    // let mut reader = Reader::new(payload);
    // let generation = reader.u64()?;
    // let sequence = reader.u64()?;
    // let count = reader.u32()? as usize;
    // // Each op needs at least 5 bytes, which bounds a hostile count before allocating.
    // let mut ops = Vec::with_capacity(count.min(reader.remaining() / 5));
    // for _ in 0..count {
    //     let tag = reader.u8()?;
    //     let key_len = reader.u32()? as usize;
    //     let key = reader.take(key_len)?.to_vec();
    //     ops.push(match tag {
    //         OP_PUT => {
    //             let value_len = reader.u32()? as usize;
    //             Op::Put(key, reader.take(value_len)?.to_vec())
    //         }
    //         OP_DELETE => Op::Delete(key),
    //         OP_INDEX_PUT => Op::IndexPut(key),
    //         OP_INDEX_DELETE => Op::IndexDelete(key),
    //         other => {
    //             return Err(CodecError::Invalid {
    //                 field: "log op tag",
    //                 reason: format!("{other}"),
    //             });
    //         }
    //     });
    // }
    // Ok(Record {
    //     generation,
    //     sequence,
    //     ops,
    // })
    // course:end
}

/// Outcome of trying to read one record at an offset.
enum Attempt {
    /// A complete, valid record and the offset after it.
    Valid(Record, usize),
    /// Incomplete or failing its checksums: maybe a torn write.
    Bad,
}

fn try_record(bytes: &[u8], offset: usize) -> Result<Attempt, WalError> {
    // course:solution p3.2 Read the record at `offset`: `Bad` when the header is incomplete, has the wrong magic, version or kind, or fails its CRC, or when the payload is incomplete or fails its CRC; a payload that passes its CRC but does not decode is corruption (an error), not a torn write.
    let Some(header) = bytes.get(offset..offset + WAL_HEADER_LEN) else {
        return Ok(Attempt::Bad);
    };
    let field = |at: usize| {
        u32::from_le_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]])
    };
    if header[..4] != WAL_MAGIC
        || header[WAL_VERSION_OFFSET] != WAL_VERSION
        || header[WAL_KIND_OFFSET] != WAL_KIND_TRANSACTION
        || field(WAL_HEADER_CRC) != crc32c::crc32c(&header[..WAL_HEADER_CRC])
    {
        return Ok(Attempt::Bad);
    }
    let len = field(WAL_LEN) as usize;
    let start = offset + WAL_HEADER_LEN;
    let Some(payload) = bytes.get(start..start + len) else {
        return Ok(Attempt::Bad);
    };
    if crc32c::crc32c(payload) != field(WAL_PAYLOAD_CRC) {
        return Ok(Attempt::Bad);
    }
    // Both checksums match, so these are the bytes that were written: a payload that does
    // not decode was written wrong or forged, which is corruption, not a torn tail.
    let record = decode_payload(payload).map_err(|err| WalError::Corrupt {
        offset: offset as u64,
        reason: err.to_string(),
    })?;
    Ok(Attempt::Valid(record, start + len))
    // course:decoy no-payload-crc Trusts the payload once the header checks out, so a torn or garbled payload whose bytes still decode is replayed.
    // let Some(header) = bytes.get(offset..offset + WAL_HEADER_LEN) else {
    //     return Ok(Attempt::Bad);
    // };
    // let field = |at: usize| {
    //     u32::from_le_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]])
    // };
    // if header[..4] != WAL_MAGIC
    //     || header[WAL_VERSION_OFFSET] != WAL_VERSION
    //     || header[WAL_KIND_OFFSET] != WAL_KIND_TRANSACTION
    //     || field(WAL_HEADER_CRC) != crc32c::crc32c(&header[..WAL_HEADER_CRC])
    // {
    //     return Ok(Attempt::Bad);
    // }
    // let len = field(WAL_LEN) as usize;
    // let start = offset + WAL_HEADER_LEN;
    // let Some(payload) = bytes.get(start..start + len) else {
    //     return Ok(Attempt::Bad);
    // };
    // // Both checksums match, so these are the bytes that were written: a payload that does
    // // not decode was written wrong or forged, which is corruption, not a torn tail.
    // let record = decode_payload(payload).map_err(|err| WalError::Corrupt {
    //     offset: offset as u64,
    //     reason: err.to_string(),
    // })?;
    // Ok(Attempt::Valid(record, start + len))
    // course:end
}

/// The result of reading a whole log.
#[derive(Debug, Default)]
pub struct Scan {
    /// Valid records in order.
    pub records: Vec<Record>,
    /// Bytes covered by valid records; the rest was a torn tail.
    pub valid_len: u64,
    /// True when a torn tail was found and must be cut off.
    pub torn_tail: bool,
}

/// Reads a log image: valid records up to the first bad one; anything after that must not
/// contain a valid record (or the log is corrupt), and is reported as a torn tail.
///
/// # Errors
/// [`WalError::Corrupt`] for a hole in the middle, a sequence gap, or an undecodable record.
pub fn scan(bytes: &[u8]) -> Result<Scan, WalError> {
    // course:solution p3.2 Keep valid records while each has the next sequence number; a lower sequence number ends the log (a leftover from before the last reset); a gap is corruption. At the first bad record, look for any later valid record with a higher sequence number: if there is one, the damage is a hole in acknowledged history (corruption); otherwise it is a torn tail (`torn_at`).
    let mut result = Scan::default();
    let mut offset = 0;
    while offset < bytes.len() {
        match try_record(bytes, offset)? {
            Attempt::Valid(record, next) => {
                if let Some(previous) = result.records.last()
                    && record.sequence <= previous.sequence
                {
                    // Sequence numbers grow for the store's whole life, also across log
                    // resets, so an older record here is a leftover of the log before the
                    // last reset whose truncation did not reach the disk: the end of the log.
                    return Ok(torn_at(result, offset));
                }
                if let Some(previous) = result.records.last()
                    && record.sequence != previous.sequence + 1
                {
                    return Err(WalError::Corrupt {
                        offset: offset as u64,
                        reason: format!(
                            "sequence {} follows {}",
                            record.sequence, previous.sequence
                        ),
                    });
                }
                result.records.push(record);
                offset = next;
            }
            Attempt::Bad => {
                // A torn write can only damage the end. If any valid record follows, the bad
                // one is a hole in the middle of acknowledged history.
                let last_sequence = result.records.last().map(|record| record.sequence);
                // The usual end of the log is the zero-filled rest of its preallocated
                // region, where no record can start (the magic is not zero): one pass that
                // the compiler vectorises settles that, instead of trying every offset.
                if bytes[offset..].iter().fold(0u8, |acc, &byte| acc | byte) == 0 {
                    return Ok(torn_at(result, offset));
                }
                let later = (offset + 1..bytes.len().saturating_sub(WAL_HEADER_LEN - 1))
                    .filter(|&at| bytes[at..at + 4] == WAL_MAGIC)
                    .find(|&at| match try_record(bytes, at) {
                        Ok(Attempt::Valid(record, _)) => {
                            last_sequence.is_none_or(|last| record.sequence > last)
                        }
                        _ => false,
                    });
                if let Some(at) = later {
                    return Err(WalError::Corrupt {
                        offset: offset as u64,
                        reason: format!("damaged record followed by a valid one at {at}"),
                    });
                }
                return Ok(torn_at(result, offset));
            }
        }
    }
    result.valid_len = offset as u64;
    Ok(result)
    // course:decoy trust-torn-tail Treats every bad record as the torn end of the log without looking further, so damage in the middle silently drops acknowledged commits.
    // let mut result = Scan::default();
    // let mut offset = 0;
    // while offset < bytes.len() {
    //     match try_record(bytes, offset)? {
    //         Attempt::Valid(record, next) => {
    //             if let Some(previous) = result.records.last()
    //                 && record.sequence <= previous.sequence
    //             {
    //                 // Sequence numbers grow for the store's whole life, also across log
    //                 // resets, so an older record here is a leftover of the log before the
    //                 // last reset whose truncation did not reach the disk: the end of the log.
    //                 return Ok(torn_at(result, offset));
    //             }
    //             if let Some(previous) = result.records.last()
    //                 && record.sequence != previous.sequence + 1
    //             {
    //                 return Err(WalError::Corrupt {
    //                     offset: offset as u64,
    //                     reason: format!(
    //                         "sequence {} follows {}",
    //                         record.sequence, previous.sequence
    //                     ),
    //                 });
    //             }
    //             result.records.push(record);
    //             offset = next;
    //         }
    //         Attempt::Bad => {
    //             // A torn write can only damage the end. If any valid record follows, the bad
    //             // one is a hole in the middle of acknowledged history.
    //             let last_sequence = result.records.last().map(|record| record.sequence);
    //             let later = (offset + 1..bytes.len().saturating_sub(WAL_HEADER_LEN - 1))
    //                 .filter(|&at| bytes[at..at + 4] == WAL_MAGIC)
    //                 .find(|&at| match try_record(bytes, at) {
    //                     Ok(Attempt::Valid(record, _)) => {
    //                         last_sequence.is_none_or(|last| record.sequence > last)
    //                     }
    //                     _ => false,
    //                 });
    //             if let Some(at) = later.filter(|_| false) {
    //                 return Err(WalError::Corrupt {
    //                     offset: offset as u64,
    //                     reason: format!("damaged record followed by a valid one at {at}"),
    //                 });
    //             }
    //             return Ok(torn_at(result, offset));
    //         }
    //     }
    // }
    // result.valid_len = offset as u64;
    // Ok(result)
    // course:end
}

/// Ends a scan at `offset`: what follows is a torn tail.
fn torn_at(mut result: Scan, offset: usize) -> Scan {
    result.torn_tail = true;
    result.valid_len = offset as u64;
    result
}

#[derive(Debug)]
struct WalState {
    /// Where the next record goes.
    end: u64,
    /// Bytes of the file that exist and are zero-filled or written (`>= end`).
    allocated: u64,
    /// Number of records appended since open (a log sequence number for `sync_to`).
    appended: u64,
    /// All records up to this number are durable.
    durable: u64,
    /// A leader is inside `fdatasync` right now.
    syncing: bool,
    /// A sync failed: nothing is known to be durable any more.
    failed: bool,
    /// Number of `fdatasync` calls.
    syncs: u64,
}

/// The open log.
#[derive(Debug)]
pub struct Wal {
    backend: Box<dyn Backend>,
    state: Mutex<WalState>,
    synced: Condvar,
}

impl Wal {
    /// Opens a log whose first `valid_len` bytes hold valid records (see [`scan`]). If the
    /// rest is all zeros (the preallocated region) it is kept for the next appends; any other
    /// torn tail is cut off and the cut made durable.
    ///
    /// # Errors
    /// I/O errors.
    pub fn open(
        backend: Box<dyn Backend>,
        valid_len: u64,
        zero_tail: bool,
    ) -> Result<Self, WalError> {
        let len = backend.len()?;
        let allocated = if len > valid_len && zero_tail {
            len
        } else {
            if len != valid_len {
                backend.set_len(valid_len)?;
                backend.sync()?;
            }
            valid_len
        };
        Ok(Wal {
            backend,
            state: Mutex::new(WalState {
                end: valid_len,
                allocated,
                appended: 0,
                durable: 0,
                syncing: false,
                failed: false,
                syncs: 0,
            }),
            synced: Condvar::new(),
        })
    }

    fn lock(&self) -> MutexGuard<'_, WalState> {
        // Every update of the state is a single assignment sequence without panics in between,
        // so a poisoned lock still guards consistent numbers.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Writes an encoded record at the end of the log (not yet durable) and returns its
    /// number for [`Wal::sync_to`].
    ///
    /// # Errors
    /// I/O errors; the caller must then stop writing (the tail may hold part of the record).
    pub fn append(&self, record: &[u8]) -> Result<u64, WalError> {
        // course:solution p3.2 Write the encoded record at the end of the log (growing the zero-filled region with `preallocate` in `WAL_PREALLOCATE` steps when needed) and return its number for `sync_to`. After a failed write, refuse every later append.
        let mut state = self.lock();
        if state.failed {
            return Err(WalError::Io(std::io::Error::other(
                "an earlier log sync failed",
            )));
        }
        let needed = state.end + record.len() as u64;
        if needed > state.allocated {
            let target = needed.div_ceil(WAL_PREALLOCATE) * WAL_PREALLOCATE;
            // Zero-fill only what the record leaves of the new region: the record's own
            // range is written by the record just below (and read as zeros until then, as a
            // hole). A record larger than the step (one bulk transaction) was otherwise
            // written twice, zeros first, and its zeros synced on their own.
            if let Err(err) = self.preallocate(needed, target) {
                state.failed = true;
                return Err(err.into());
            }
            state.allocated = target;
        }
        if let Err(err) = self.backend.write_all_at(record, state.end) {
            state.failed = true;
            return Err(err.into());
        }
        state.end += record.len() as u64;
        state.appended += 1;
        Ok(state.appended)
        // course:end
    }

    /// Writes zeros over `from..to` and syncs, so later appends inside it change no metadata.
    fn preallocate(&self, from: u64, to: u64) -> std::io::Result<()> {
        const CHUNK: usize = 64 * 1024;
        let zeros = vec![0u8; CHUNK];
        let mut at = from;
        while at < to {
            let len = (to - at).min(CHUNK as u64) as usize;
            self.backend.write_all_at(&zeros[..len], at)?;
            at += len as u64;
        }
        self.backend.sync()
    }

    /// Returns once record `lsn` is durable. Group commit: if another thread is syncing, wait
    /// for it; if its sync did not cover `lsn`, the first waiter becomes the next leader and
    /// syncs everything appended so far, for all waiters at once.
    ///
    /// # Errors
    /// I/O errors from `fdatasync`; after one, every later call fails too.
    pub fn sync_to(&self, lsn: u64) -> Result<(), WalError> {
        // course:solution p3.5 Group commit: return once record `lsn` is durable. If another thread is inside `fdatasync`, wait on the condition variable; otherwise become the leader and sync everything appended so far, for all waiters at once. After a failed sync every call fails.
        let mut state = self.lock();
        loop {
            if state.durable >= lsn {
                return Ok(());
            }
            if state.failed {
                return Err(WalError::Io(std::io::Error::other(
                    "an earlier log sync failed",
                )));
            }
            if state.syncing {
                state = self
                    .synced
                    .wait(state)
                    .unwrap_or_else(PoisonError::into_inner);
                continue;
            }
            state.syncing = true;
            let target = state.appended;
            drop(state);
            let result = self.backend.sync();
            state = self.lock();
            state.syncing = false;
            match result {
                Ok(()) => {
                    state.durable = state.durable.max(target);
                    state.syncs += 1;
                }
                Err(err) => {
                    state.failed = true;
                    self.synced.notify_all();
                    return Err(err.into());
                }
            }
            self.synced.notify_all();
        }
        // course:stub
        // // TODO: p3.5 group commit (this starting version syncs once per caller).
        // let state = self.lock();
        // if state.durable >= lsn {
        //     return Ok(());
        // }
        // let target = state.appended;
        // drop(state);
        // self.backend.sync()?;
        // let mut state = self.lock();
        // state.durable = state.durable.max(target);
        // state.syncs += 1;
        // Ok(())
        // course:end
    }

    /// Empties the log and writes `marker` as its first record, durably. Called by a
    /// checkpoint after the new meta is durable; everything appended before is now covered.
    ///
    /// # Errors
    /// I/O errors.
    pub fn reset(&self, marker: &[u8]) -> Result<(), WalError> {
        let mut state = self.lock();
        let allocated = (marker.len() as u64).div_ceil(WAL_PREALLOCATE) * WAL_PREALLOCATE;
        let result = (|| {
            self.backend.set_len(0)?;
            self.backend.write_all_at(marker, 0)?;
            // Also syncs the marker.
            self.preallocate(marker.len() as u64, allocated)
        })();
        if let Err(err) = result {
            state.failed = true;
            return Err(err.into());
        }
        state.end = marker.len() as u64;
        state.allocated = allocated;
        state.appended += 1;
        state.durable = state.appended;
        state.syncs += 1;
        self.synced.notify_all();
        Ok(())
    }

    /// Current length of the log in bytes.
    pub fn len(&self) -> u64 {
        self.lock().end
    }

    /// True when the log holds no bytes.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of `fdatasync` calls so far.
    pub fn syncs(&self) -> u64 {
        self.lock().syncs
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::MemBackend;
    use proptest::prelude::*;

    fn record(sequence: u64) -> Record {
        Record {
            generation: 3,
            sequence,
            ops: vec![
                Op::Put(
                    format!("key{sequence}").into_bytes(),
                    vec![sequence as u8; 30],
                ),
                Op::Delete(b"gone".to_vec()),
            ],
        }
    }

    fn log_of(count: u64) -> (Vec<u8>, Vec<usize>) {
        let mut bytes = Vec::new();
        let mut ends = Vec::new();
        for sequence in 0..count {
            bytes.extend(encode_record(&record(sequence)).unwrap());
            ends.push(bytes.len());
        }
        (bytes, ends)
    }

    #[test]
    fn wal_record_round_trips() {
        let (bytes, _) = log_of(3);
        let scanned = scan(&bytes).unwrap();
        assert_eq!(scanned.records, vec![record(0), record(1), record(2)]);
        assert!(!scanned.torn_tail);
        assert_eq!(scanned.valid_len, bytes.len() as u64);
    }

    #[test]
    fn wal_header_layout_matches_the_document() {
        let bytes = encode_record(&Record {
            generation: 1,
            sequence: 2,
            ops: vec![],
        })
        .unwrap();
        assert_eq!(&bytes[..4], b"KVWL");
        assert_eq!(bytes[4], 1);
        assert_eq!(bytes[5], 1);
        assert_eq!(u32::from_le_bytes(bytes[8..12].try_into().unwrap()), 20);
        assert_eq!(bytes.len(), WAL_HEADER_LEN + 20);
        assert_eq!(WAL_HEADER_LEN, 20);
    }

    #[test]
    fn wal_recovery_stops_at_torn_tail_at_every_offset() {
        let (bytes, ends) = log_of(4);
        for cut in 0..=bytes.len() {
            let scanned = scan(&bytes[..cut]).unwrap();
            // The records that survive are exactly those that end at or before the cut.
            let whole = ends.iter().filter(|&&end| end <= cut).count();
            assert_eq!(scanned.records.len(), whole, "cut at {cut}");
            assert_eq!(
                scanned.torn_tail,
                !ends.contains(&cut) && cut != 0,
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn wal_recovery_discards_garbled_tail() {
        let (mut bytes, ends) = log_of(3);
        for byte in &mut bytes[ends[1] + 3..] {
            *byte = 0xAB;
        }
        let scanned = scan(&bytes).unwrap();
        assert_eq!(scanned.records.len(), 2);
        assert!(scanned.torn_tail);
        assert_eq!(scanned.valid_len, ends[1] as u64);
    }

    #[test]
    fn wal_flip_in_middle_record_is_corruption() {
        let (bytes, ends) = log_of(3);
        for offset in 0..ends[1] {
            let mut damaged = bytes.clone();
            damaged[offset] ^= 0x10;
            assert!(
                matches!(scan(&damaged), Err(WalError::Corrupt { .. })),
                "flip at {offset} not reported"
            );
        }
    }

    #[test]
    fn wal_flip_in_last_record_drops_only_that_record() {
        let (bytes, ends) = log_of(3);
        for offset in ends[1]..ends[2] {
            let mut damaged = bytes.clone();
            damaged[offset] ^= 0x01;
            let scanned = scan(&damaged).unwrap();
            assert_eq!(scanned.records.len(), 2, "flip at {offset}");
        }
    }

    #[test]
    fn wal_crash_loses_only_unsynced_records() {
        let backend = MemBackend::new();
        let wal = Wal::open(Box::new(backend.clone()), 0, true).unwrap();
        let first = wal.append(&encode_record(&record(0)).unwrap()).unwrap();
        wal.sync_to(first).unwrap();
        wal.append(&encode_record(&record(1)).unwrap()).unwrap();
        backend.crash();
        let scanned = scan(&backend.contents()).unwrap();
        assert_eq!(scanned.records, vec![record(0)]);
        // What follows is the zero-filled preallocation: a torn tail, not corruption.
        assert!(scanned.torn_tail);
    }

    #[test]
    fn wal_group_commit_shares_syncs() {
        let backend = MemBackend::new();
        let wal = Wal::open(Box::new(backend.clone()), 0, true).unwrap();
        let lsns: Vec<u64> = (0..10)
            .map(|seq| wal.append(&encode_record(&record(seq)).unwrap()).unwrap())
            .collect();
        // The first append preallocated (and synced) the file once.
        assert_eq!(backend.sync_count(), 1);
        // The last waiter's sync covers all ten records; the earlier ones need no sync.
        wal.sync_to(lsns[9]).unwrap();
        for lsn in &lsns {
            wal.sync_to(*lsn).unwrap();
        }
        assert_eq!(backend.sync_count(), 2);
    }

    #[test]
    fn wal_sequence_gap_is_corruption() {
        let mut bytes = encode_record(&record(0)).unwrap();
        bytes.extend(encode_record(&record(2)).unwrap());
        assert!(matches!(scan(&bytes), Err(WalError::Corrupt { .. })));
    }

    #[test]
    fn wal_older_record_after_a_reset_marker_is_a_torn_tail() {
        // A reset wrote its marker at offset 0, but the truncation before it did not reach
        // the disk: the old log's records follow, with lower sequence numbers.
        let marker = encode_record(&record(23)).unwrap();
        let mut bytes = marker.clone();
        bytes.extend(encode_record(&record(20)).unwrap());
        let scanned = scan(&bytes).unwrap();
        assert_eq!(scanned.records, vec![record(23)]);
        assert!(scanned.torn_tail);
        assert_eq!(scanned.valid_len, marker.len() as u64);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        #[test]
        fn wal_decode_never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = decode_payload(&bytes);
            let _ = scan(&bytes);
        }

        #[test]
        fn wal_scan_never_panics_on_damaged_log(flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..6), cut in any::<usize>()) {
            let (mut bytes, _) = log_of(4);
            for (at, mask) in flips {
                let len = bytes.len();
                bytes[at % len] ^= mask;
            }
            let cut = cut % (bytes.len() + 1);
            let _ = scan(&bytes[..cut]);
        }
    }
}

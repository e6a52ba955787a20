//! How a value is stored in a store created with compression: the value codec. Does no I/O;
//! the B-tree stores whatever bytes this module returns and never looks inside them.
//!
//! # Format
//!
//! In a store with [`Compression::None`] the stored bytes are the value itself. In a store with
//! [`Compression::Lz4`] every stored value starts with a tag byte:
//!
//! | Offset | Size | Meaning |
//! |---|---|---|
//! | 0 | 1 | `TAG_PLAIN` (0): the value follows as is |
//! | 0 | 1 | `TAG_LZ4` (1): then `raw_len: u32`, `crc: u32` (CRC-32C of the original value), and an LZ4 block |
//!
//! A value shorter than [`MIN_COMPRESS`] bytes, or one that LZ4 does not shrink by at least an
//! eighth, is stored plain. The CRC of the original value means a damaged block is reported as
//! corruption even when it still decompresses to something: the decoder never returns bytes
//! that were not written.

use std::borrow::Cow;

use crate::codec::Reader;
use crate::error::CodecError;
use crate::page::{Compression, MAX_VALUE_LEN};

/// Tag of a value stored as given.
pub const TAG_PLAIN: u8 = 0;
/// Tag of an LZ4-compressed value.
pub const TAG_LZ4: u8 = 1;
/// Values shorter than this are never compressed: LZ4 finds nothing to gain in them.
pub const MIN_COMPRESS: usize = 64;
/// Bytes in front of an LZ4 block: tag, original length, CRC.
const LZ4_HEADER: usize = 1 + 4 + 4;

/// The bytes to store for `value`.
pub(crate) fn encode(compression: Compression, value: &[u8]) -> Cow<'_, [u8]> {
    match compression {
        Compression::None => Cow::Borrowed(value),
        Compression::Lz4 => {
            // course:solution p3.7 Compress values of at least `MIN_COMPRESS` bytes with `lz4_flex::block::compress`; keep the block only if tag, length, CRC and block together save at least an eighth of the value, and store it as `TAG_LZ4`, the original length, the CRC-32C of the original value, then the block.
            if value.len() >= MIN_COMPRESS
                && let Ok(raw_len) = u32::try_from(value.len())
            {
                let block = lz4_flex::block::compress(value);
                if LZ4_HEADER + block.len() <= value.len() - value.len() / 8 {
                    let mut out = Vec::with_capacity(LZ4_HEADER + block.len());
                    out.push(TAG_LZ4);
                    out.extend_from_slice(&raw_len.to_le_bytes());
                    out.extend_from_slice(&crc32c::crc32c(value).to_le_bytes());
                    out.extend_from_slice(&block);
                    return Cow::Owned(out);
                }
            }
            // course:stub
            // // TODO: p3.7 (this starting version stores every value plain).
            // course:decoy compress-always Stores the LZ4 block whenever the value is long enough, even when the block plus its header is larger than the value: random data grows instead of staying the same size.
            // if value.len() >= MIN_COMPRESS
            //     && let Ok(raw_len) = u32::try_from(value.len())
            // {
            //     let block = lz4_flex::block::compress(value);
            //     if !block.is_empty() {
            //         let mut out = Vec::with_capacity(LZ4_HEADER + block.len());
            //         out.push(TAG_LZ4);
            //         out.extend_from_slice(&raw_len.to_le_bytes());
            //         out.extend_from_slice(&crc32c::crc32c(value).to_le_bytes());
            //         out.extend_from_slice(&block);
            //         return Cow::Owned(out);
            //     }
            // }
            // course:end
            let mut out = Vec::with_capacity(1 + value.len());
            out.push(TAG_PLAIN);
            out.extend_from_slice(value);
            Cow::Owned(out)
        }
    }
}

/// The value that `stored` holds.
///
/// # Errors
/// [`CodecError`] for an unknown tag, a length over the limit, a block that does not
/// decompress to exactly the recorded length, or a CRC mismatch. Never panics.
pub(crate) fn decode(compression: Compression, stored: Vec<u8>) -> Result<Vec<u8>, CodecError> {
    if compression == Compression::None {
        return Ok(stored);
    }
    let invalid = |reason: &str| CodecError::Invalid {
        field: "stored value",
        reason: reason.to_string(),
    };
    let mut reader = Reader::new(&stored);
    match reader.u8()? {
        TAG_PLAIN => {
            let mut value = stored;
            value.remove(0);
            Ok(value)
        }
        TAG_LZ4 => {
            // course:solution p3.7 Read the original length and CRC, bound the length (by `MAX_VALUE_LEN`, and by what an LZ4 block of this size can expand to) before allocating, decompress into exactly that many bytes, and return the value only if its CRC-32C matches.
            let raw_len = reader.u32()? as usize;
            let crc = reader.u32()?;
            if raw_len > MAX_VALUE_LEN {
                return Err(invalid("longer than any value"));
            }
            let block = reader.take(reader.remaining())?;
            // LZ4 cannot expand a byte into more than 255, which bounds the allocation
            // before it is made, whatever the recorded length claims.
            if raw_len > block.len().saturating_mul(255) {
                return Err(invalid("recorded length impossible for the block"));
            }
            let mut value = vec![0u8; raw_len];
            let written = lz4_flex::block::decompress_into(block, &mut value)
                .map_err(|_| invalid("damaged LZ4 block"))?;
            if written != raw_len {
                return Err(invalid("LZ4 block shorter than recorded"));
            }
            if crc32c::crc32c(&value) != crc {
                return Err(invalid("checksum of the decompressed value does not match"));
            }
            Ok(value)
            // course:stub
            // // TODO: p3.7
            // Err(invalid("compressed values are not supported yet"))
            // course:end
        }
        _ => Err(invalid("unknown value tag")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn document() -> Vec<u8> {
        let mut doc = Vec::new();
        for id in 0..40 {
            doc.extend(format!(r#"{{"id":{id},"city":"Lisbon","active":true}},"#).bytes());
        }
        doc
    }

    #[test]
    fn values_round_trip_in_every_mode() {
        let cases: [&[u8]; 4] = [b"", b"short", &[7u8; 63], &[7u8; 5000]];
        for compression in [Compression::None, Compression::Lz4] {
            for value in cases.iter().copied().chain([document().as_slice()]) {
                let stored = encode(compression, value).into_owned();
                assert_eq!(decode(compression, stored).unwrap(), value);
            }
        }
    }

    #[test]
    fn values_compress_repetitive_documents_and_not_short_ones() {
        let doc = document();
        let stored = encode(Compression::Lz4, &doc);
        assert_eq!(stored[0], TAG_LZ4);
        assert!(
            stored.len() * 3 < doc.len(),
            "{} of {}",
            stored.len(),
            doc.len()
        );
        assert_eq!(encode(Compression::Lz4, b"short")[0], TAG_PLAIN);
        assert_eq!(encode(Compression::None, &doc).len(), doc.len());
    }

    #[test]
    fn values_damaged_block_is_corruption_never_data() {
        let doc = document();
        let stored = encode(Compression::Lz4, &doc).into_owned();
        for at in 0..stored.len() {
            for bit in [0, 3, 7] {
                let mut damaged = stored.clone();
                damaged[at] ^= 1 << bit;
                if let Ok(value) = decode(Compression::Lz4, damaged) {
                    // A flip may hit a bit the decoder ignores (then the document comes back
                    // exactly), or turn the tag into "plain" (then the stored bytes come back
                    // as written, which is what that tag means). Anything else must fail.
                    assert!(
                        value == doc || at == 0,
                        "flip at {at} returned {} bytes that were never written",
                        value.len()
                    );
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn values_decode_never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            let _ = decode(Compression::Lz4, bytes);
        }

        #[test]
        fn values_decode_never_panics_on_a_forged_lz4_header(raw_len in any::<u32>(), block in proptest::collection::vec(any::<u8>(), 0..300)) {
            let mut stored = vec![TAG_LZ4];
            stored.extend_from_slice(&raw_len.to_le_bytes());
            stored.extend_from_slice(&0u32.to_le_bytes());
            stored.extend_from_slice(&block);
            prop_assert!(decode(Compression::Lz4, stored).is_err() || raw_len == 0);
        }

        #[test]
        fn values_round_trip(value in proptest::collection::vec(0u8..4, 0..2000)) {
            let stored = encode(Compression::Lz4, &value).into_owned();
            prop_assert_eq!(decode(Compression::Lz4, stored).unwrap(), value);
        }
    }
}

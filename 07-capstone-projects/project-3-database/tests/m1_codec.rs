//! Milestone p3.1: the log record codec.
//!
//! A record is a 20-byte header (magic, version, kind, reserved, payload length, payload CRC,
//! header CRC) and a payload (generation, sequence, op count, ops), all integers little-endian
//! (`ARCHITECTURE.md`, "WAL records"). These tests check the round trip, the documented bytes,
//! and that a decoder given anything at all returns an error instead of panicking.

use kv::wal::{
    self, Op, Record, WAL_HEADER_CRC, WAL_HEADER_LEN, WAL_KIND_OFFSET, WAL_KIND_TRANSACTION,
    WAL_LEN, WAL_MAGIC, WAL_PAYLOAD, WAL_PAYLOAD_CRC, WAL_VERSION, WAL_VERSION_OFFSET,
};
use proptest::prelude::*;

fn op() -> impl Strategy<Value = Op> {
    let bytes = || proptest::collection::vec(any::<u8>(), 0..40);
    prop_oneof![
        (bytes(), bytes()).prop_map(|(key, value)| Op::Put(key, value)),
        bytes().prop_map(Op::Delete),
        bytes().prop_map(Op::IndexPut),
        bytes().prop_map(Op::IndexDelete),
    ]
}

fn record() -> impl Strategy<Value = Record> {
    (
        any::<u64>(),
        any::<u64>(),
        proptest::collection::vec(op(), 0..8),
    )
        .prop_map(|(generation, sequence, ops)| Record {
            generation,
            sequence,
            ops,
        })
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap())
}

fn sample() -> Record {
    Record {
        generation: 0x0102_0304_0506_0708,
        sequence: 42,
        ops: vec![
            Op::Put(b"key".to_vec(), b"value".to_vec()),
            Op::Delete(b"gone".to_vec()),
        ],
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn m1_every_record_round_trips(record in record()) {
        let bytes = wal::encode_record(&record).unwrap();
        prop_assert_eq!(u32_at(&bytes, WAL_LEN) as usize, bytes.len() - WAL_HEADER_LEN);
        let decoded = wal::decode_payload(&bytes[WAL_PAYLOAD..]).unwrap();
        prop_assert_eq!(decoded, record);
    }

    #[test]
    fn m1_decoding_arbitrary_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        // Any outcome but a panic is fine; an `Ok` must at least re-encode to the same payload.
        if let Ok(record) = wal::decode_payload(&bytes) {
            let encoded = wal::encode_record(&record).unwrap();
            prop_assert_eq!(&encoded[WAL_PAYLOAD..], &bytes[..]);
        }
    }
}

#[test]
fn m1_header_and_payload_bytes_match_the_documented_format() {
    let bytes = wal::encode_record(&sample()).unwrap();
    assert_eq!(&bytes[..4], &WAL_MAGIC, "magic");
    assert_eq!(bytes[WAL_VERSION_OFFSET], WAL_VERSION, "version");
    assert_eq!(bytes[WAL_KIND_OFFSET], WAL_KIND_TRANSACTION, "kind");
    assert_eq!(&bytes[6..8], &[0, 0], "reserved bytes");
    let payload = &bytes[WAL_PAYLOAD..];
    assert_eq!(
        u32_at(&bytes, WAL_LEN) as usize,
        payload.len(),
        "length field"
    );
    assert_eq!(
        u32_at(&bytes, WAL_PAYLOAD_CRC),
        crc32c::crc32c(payload),
        "payload CRC-32C, little-endian"
    );
    assert_eq!(
        u32_at(&bytes, WAL_HEADER_CRC),
        crc32c::crc32c(&bytes[..WAL_HEADER_CRC]),
        "header CRC-32C over bytes 0..16"
    );
    // Payload: generation u64, sequence u64, op count u32, then tag, key_len u32, key, ...
    let mut expected = Vec::new();
    expected.extend_from_slice(&0x0102_0304_0506_0708u64.to_le_bytes());
    expected.extend_from_slice(&42u64.to_le_bytes());
    expected.extend_from_slice(&2u32.to_le_bytes());
    expected.push(1);
    expected.extend_from_slice(&3u32.to_le_bytes());
    expected.extend_from_slice(b"key");
    expected.extend_from_slice(&5u32.to_le_bytes());
    expected.extend_from_slice(b"value");
    expected.push(2);
    expected.extend_from_slice(&4u32.to_le_bytes());
    expected.extend_from_slice(b"gone");
    assert_eq!(
        payload,
        &expected[..],
        "payload bytes differ from ARCHITECTURE.md"
    );
}

#[test]
fn m1_every_truncated_payload_is_an_error() {
    let bytes = wal::encode_record(&sample()).unwrap();
    let payload = &bytes[WAL_PAYLOAD..];
    for len in 0..payload.len() {
        assert!(
            wal::decode_payload(&payload[..len]).is_err(),
            "a payload cut to {len} of {} bytes decoded",
            payload.len()
        );
    }
}

#[test]
fn m1_trailing_bytes_and_unknown_tags_are_errors() {
    let bytes = wal::encode_record(&sample()).unwrap();
    let mut longer = bytes[WAL_PAYLOAD..].to_vec();
    longer.push(0);
    assert!(
        wal::decode_payload(&longer).is_err(),
        "a payload with a trailing byte decoded"
    );
    let mut bad_tag = bytes[WAL_PAYLOAD..].to_vec();
    bad_tag[20] = 9;
    assert!(wal::decode_payload(&bad_tag).is_err(), "op tag 9 decoded");
}

#[test]
fn m1_a_huge_op_count_is_an_error_not_an_allocation() {
    let mut payload = Vec::new();
    payload.extend_from_slice(&1u64.to_le_bytes());
    payload.extend_from_slice(&1u64.to_le_bytes());
    payload.extend_from_slice(&u32::MAX.to_le_bytes());
    assert!(wal::decode_payload(&payload).is_err());
}

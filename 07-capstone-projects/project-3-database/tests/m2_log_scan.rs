//! Milestone p3.2: the append-only log and the scan that recovery runs over it.
//!
//! A crash can only damage the end of the log (a torn tail), so the scan keeps the records up
//! to the first bad one and cuts the rest off, unless a valid record follows the damage: then
//! acknowledged history has a hole, which is corruption and must be reported.

use kv::wal::{self, Op, Record, WAL_HEADER_LEN, WAL_PREALLOCATE, Wal};
use kv::{Backend, MemBackend};

fn record(sequence: u64) -> Record {
    Record {
        generation: 3,
        sequence,
        ops: vec![
            Op::Put(
                format!("key{sequence}").into_bytes(),
                vec![sequence as u8; 30],
            ),
            Op::Delete(b"old".to_vec()),
        ],
    }
}

/// A log of `count` records from sequence 10 on, and the offset where each record ends.
fn log_of(count: u64) -> (Vec<u8>, Vec<usize>) {
    let mut log = Vec::new();
    let mut ends = Vec::new();
    for sequence in 10..10 + count {
        log.extend(wal::encode_record(&record(sequence)).unwrap());
        ends.push(log.len());
    }
    (log, ends)
}

#[test]
fn m2_scan_of_a_whole_log_returns_every_record() {
    let (log, _) = log_of(5);
    let scan = wal::scan(&log).unwrap();
    assert_eq!(scan.records, (10..15).map(record).collect::<Vec<_>>());
    assert_eq!(scan.valid_len, log.len() as u64);
    assert!(!scan.torn_tail);
}

#[test]
fn m2_scan_stops_at_a_torn_tail_at_every_offset() {
    let (log, ends) = log_of(4);
    for cut in 0..log.len() {
        let scan = wal::scan(&log[..cut])
            .unwrap_or_else(|err| panic!("a log cut at byte {cut} is a torn tail, not {err}"));
        let complete = ends.iter().filter(|end| **end <= cut).count();
        let valid = if complete == 0 { 0 } else { ends[complete - 1] };
        assert_eq!(
            scan.records.len(),
            complete,
            "cut at {cut}: wrong number of records"
        );
        assert_eq!(scan.valid_len, valid as u64, "cut at {cut}: valid length");
        assert_eq!(scan.torn_tail, cut != valid, "cut at {cut}: torn flag");
    }
}

#[test]
fn m2_garbage_or_zeros_after_the_last_record_are_a_torn_tail() {
    let (log, ends) = log_of(3);
    for tail in [vec![0u8; 4096], vec![0xA5; 50], b"KVWL garbage".to_vec()] {
        let mut damaged = log.clone();
        damaged.extend(&tail);
        let scan = wal::scan(&damaged).unwrap();
        assert_eq!(scan.records.len(), 3);
        assert_eq!(scan.valid_len, ends[2] as u64);
        assert!(scan.torn_tail);
    }
}

#[test]
fn m2_a_flipped_byte_in_the_last_record_drops_only_that_record() {
    let (log, ends) = log_of(4);
    for at in [ends[2] + 3, ends[2] + WAL_HEADER_LEN + 9, log.len() - 1] {
        let mut damaged = log.clone();
        damaged[at] ^= 0x10;
        let scan = wal::scan(&damaged).unwrap_or_else(|err| {
            panic!("a flip at {at} in the last record is a torn tail: {err}")
        });
        assert_eq!(
            scan.records,
            (10..13).map(record).collect::<Vec<_>>(),
            "flip at byte {at}"
        );
        assert!(scan.torn_tail);
    }
}

#[test]
fn m2_damage_followed_by_a_valid_record_is_corruption() {
    let (log, ends) = log_of(4);
    for at in [
        3,
        WAL_HEADER_LEN + 2,
        ends[0] + WAL_HEADER_LEN + 5,
        ends[1] + 1,
    ] {
        let mut damaged = log.clone();
        damaged[at] ^= 0x01;
        assert!(
            wal::scan(&damaged).is_err(),
            "a flip at byte {at}, with valid records after it, was not reported"
        );
    }
}

#[test]
fn m2_sequence_numbers_must_follow_each_other() {
    let mut gap = wal::encode_record(&record(1)).unwrap();
    gap.extend(wal::encode_record(&record(3)).unwrap());
    assert!(
        wal::scan(&gap).is_err(),
        "a missing sequence number was accepted"
    );

    // A lower sequence number after a higher one is the leftover of an older log, whose
    // truncation did not reach the disk: the log ends there.
    let mut reset = wal::encode_record(&record(7)).unwrap();
    let first = reset.len();
    reset.extend(wal::encode_record(&record(2)).unwrap());
    let scan = wal::scan(&reset).unwrap();
    assert_eq!(scan.records, vec![record(7)]);
    assert_eq!(scan.valid_len, first as u64);
}

#[test]
fn m2_appended_records_land_back_to_back_in_a_zero_filled_log() {
    let file = MemBackend::new();
    let log = Wal::open(Box::new(file.clone()), 0, false).unwrap();
    let mut lsns = Vec::new();
    for sequence in 0..5 {
        lsns.push(
            log.append(&wal::encode_record(&record(sequence)).unwrap())
                .unwrap(),
        );
    }
    assert!(
        lsns.windows(2).all(|pair| pair[1] == pair[0] + 1),
        "record numbers {lsns:?} do not count up by one"
    );
    let bytes = file.contents();
    assert_eq!(
        bytes.len() as u64 % WAL_PREALLOCATE,
        0,
        "the log grows in zero-filled steps of WAL_PREALLOCATE"
    );
    let scan = wal::scan(&bytes).unwrap();
    assert_eq!(scan.records, (0..5).map(record).collect::<Vec<_>>());
    assert_eq!(scan.valid_len, log.len());
    assert!(
        bytes[log.len() as usize..].iter().all(|byte| *byte == 0),
        "the rest of the log is not zero-filled"
    );
    assert!(file.len().unwrap() >= log.len());
}

//! Secondary-index entries: how an (index, indexed key, primary key) triple becomes one key of
//! the index tree, and back. Does no I/O; maintaining and querying indexes is `store`'s job.
//!
//! # Format
//!
//! Every secondary index of a store keeps its entries in one second B+tree, the *index tree*
//! (its root is in the meta). An entry is a key with an empty value:
//!
//! | Part | Bytes |
//! |---|---|
//! | index name length | 1 (`u8`, 1 to 255) |
//! | index name | the name's UTF-8 bytes |
//! | indexed key, escaped | every `0x00` byte written as `0x00 0xFF` |
//! | terminator | `0x00 0x00` |
//! | primary key | as is |
//!
//! The escaping keeps the order: entries sort by index, then by indexed key (byte order, a
//! shorter key before its extensions, because the terminator is smaller than any escaped
//! byte), then by primary key. So a range of indexed keys is a range of index-tree keys.

use std::ops::Bound;

use crate::error::{BTreeError, Error, Result};
use crate::page::MAX_KEY_LEN;

/// Computes the indexed key of a pair, or `None` when the pair is not in the index.
pub type KeyExtractor = dyn Fn(&[u8], &[u8]) -> Option<Vec<u8>> + Send + Sync;

/// Checks an index name: 1 to 255 bytes.
pub(crate) fn check_name(name: &str) -> Result<()> {
    if name.is_empty() || name.len() > usize::from(u8::MAX) {
        return Err(Error::InvalidOptions(format!(
            "index name must be 1 to 255 bytes, not {}",
            name.len()
        )));
    }
    Ok(())
}

/// The bytes every entry of index `name` starts with.
pub(crate) fn prefix(name: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(1 + name.len());
    // `check_name` guarantees the length fits a byte.
    out.push(name.len() as u8);
    out.extend_from_slice(name.as_bytes());
    out
}

/// `prefix(name)`, then the escaped indexed key and its terminator.
fn indexed_part(name: &str, indexed: &[u8]) -> Vec<u8> {
    let mut out = prefix(name);
    for &byte in indexed {
        out.push(byte);
        if byte == 0 {
            out.push(0xFF);
        }
    }
    out.extend_from_slice(&[0, 0]);
    out
}

/// The index-tree key of one entry.
///
/// # Errors
/// [`BTreeError::KeyTooLong`] when the entry exceeds the key limit.
pub(crate) fn entry(name: &str, indexed: &[u8], primary: &[u8]) -> Result<Vec<u8>> {
    let mut out = indexed_part(name, indexed);
    out.extend_from_slice(primary);
    if out.len() > MAX_KEY_LEN {
        return Err(BTreeError::KeyTooLong {
            len: out.len(),
            max: MAX_KEY_LEN,
        }
        .into());
    }
    Ok(out)
}

/// Splits an entry of index `name` into its indexed key and primary key; `None` when the
/// bytes are not a well-formed entry of that index.
pub(crate) fn split_entry(name: &str, entry: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    let rest = entry.strip_prefix(prefix(name).as_slice())?;
    let mut indexed = Vec::new();
    let mut at = 0;
    loop {
        match (rest.get(at)?, rest.get(at + 1)) {
            (0, Some(0)) => return Some((indexed, rest[at + 2..].to_vec())),
            (0, Some(0xFF)) => {
                indexed.push(0);
                at += 2;
            }
            (0, _) => return None,
            (&byte, _) => {
                indexed.push(byte);
                at += 1;
            }
        }
    }
}

/// The index-tree key range holding the entries of `name` whose indexed key lies in
/// `(start, end)`.
pub(crate) fn entry_range(
    name: &str,
    start: Bound<&[u8]>,
    end: Bound<&[u8]>,
) -> (Bound<Vec<u8>>, Bound<Vec<u8>>) {
    // Every entry of indexed key `k` starts with `part(k)` (name, escaped `k`, `00 00`).
    // `after_all_of(k)` is `part(k)` with the terminator raised to `00 01`: above every
    // entry of `k` and below the part of any larger key (which continues with a byte above
    // `00`, or with an escaped `00 FF`).
    let after_all_of = |key: &[u8]| {
        let mut bound = indexed_part(name, key);
        // The terminator `00 00` becomes `00 01`: above every entry of `key`, below the
        // part of any larger key (whose next byte after the common prefix is larger, or is
        // an escaped `00 FF`).
        if let Some(last) = bound.last_mut() {
            *last = 1;
        }
        bound
    };
    let lower = match start {
        Bound::Included(key) => Bound::Included(indexed_part(name, key)),
        Bound::Excluded(key) => Bound::Included(after_all_of(key)),
        Bound::Unbounded => Bound::Included(prefix(name)),
    };
    let upper = match end {
        Bound::Included(key) => Bound::Excluded(after_all_of(key)),
        Bound::Excluded(key) => Bound::Excluded(indexed_part(name, key)),
        Bound::Unbounded => {
            // The smallest string above every entry of this index. Index names are UTF-8,
            // which never contains 0xFF, so the prefix can always be incremented.
            let mut next = prefix(name);
            increment(&mut next);
            Bound::Excluded(next)
        }
    };
    (lower, upper)
}

/// The smallest byte string greater than every string starting with `bytes` (empty when
/// there is none).
fn increment(bytes: &mut Vec<u8>) {
    while let Some(last) = bytes.pop() {
        if last != u8::MAX {
            bytes.push(last + 1);
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn slice(bound: &Bound<Vec<u8>>) -> Bound<&[u8]> {
        match bound {
            Bound::Included(key) => Bound::Included(key),
            Bound::Excluded(key) => Bound::Excluded(key),
            Bound::Unbounded => Bound::Unbounded,
        }
    }

    #[test]
    fn index_entry_round_trips_with_zero_bytes() {
        let entry = entry("by_city", b"a\0b", b"\0pk").unwrap();
        assert_eq!(
            split_entry("by_city", &entry),
            Some((b"a\0b".to_vec(), b"\0pk".to_vec()))
        );
        assert_eq!(split_entry("by_name", &entry), None);
    }

    #[test]
    fn index_entry_rejects_a_key_over_the_limit() {
        assert!(entry("i", &[1; 300], &[2; 300]).is_err());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        #[test]
        fn index_entries_sort_by_indexed_key_then_primary_key(
            a in proptest::collection::vec(0u8..3, 0..6),
            b in proptest::collection::vec(0u8..3, 0..6),
            pa in proptest::collection::vec(0u8..3, 0..4),
            pb in proptest::collection::vec(0u8..3, 0..4),
        ) {
            let ea = entry("x", &a, &pa).unwrap();
            let eb = entry("x", &b, &pb).unwrap();
            prop_assert_eq!(ea.cmp(&eb), (&a, &pa).cmp(&(&b, &pb)));
        }

        #[test]
        fn index_entry_range_holds_exactly_the_entries_in_range(
            key in proptest::collection::vec(prop_oneof![Just(0u8), Just(1), Just(0xFF)], 0..5),
            low in proptest::collection::vec(prop_oneof![Just(0u8), Just(1), Just(0xFF)], 0..4),
            high in proptest::collection::vec(prop_oneof![Just(0u8), Just(1), Just(0xFF)], 0..4),
            primary in proptest::collection::vec(any::<u8>(), 0..3),
            low_kind in 0u8..3,
            high_kind in 0u8..3,
        ) {
            let bound = |kind: u8, key: &[u8]| match kind {
                0 => Bound::Included(key.to_vec()),
                1 => Bound::Excluded(key.to_vec()),
                _ => Bound::Unbounded,
            };
            let (start, end) = (bound(low_kind, &low), bound(high_kind, &high));
            let as_ref = |b: &Bound<Vec<u8>>| match b {
                Bound::Included(k) => Bound::Included(k.clone()),
                Bound::Excluded(k) => Bound::Excluded(k.clone()),
                Bound::Unbounded => Bound::Unbounded,
            };
            let contains = |range: &(Bound<Vec<u8>>, Bound<Vec<u8>>), x: &Vec<u8>| {
                std::ops::RangeBounds::contains(&(as_ref(&range.0), as_ref(&range.1)), x)
            };
            let expected = contains(&(start.clone(), end.clone()), &key);
            let entry = entry("idx", &key, &primary).unwrap();
            let range = entry_range("idx", slice(&start), slice(&end));
            prop_assert_eq!(contains(&range, &entry), expected);
            // Entries of other indexes are never inside.
            let other = super::entry("idy", &key, &primary).unwrap();
            prop_assert!(!contains(&range, &other));
        }
    }
}

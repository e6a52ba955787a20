//! # Explore: predict sizes, alignments and offsets, then reorder a struct to shrink it
//!
//! - **Goal:** predict `size_of`, `align_of` and `offset_of!` for a set of types, then write a `#[repr(C)]` struct whose field order matches a given C header and takes 16 bytes instead of 24.
//! - **Concepts:** alignment and padding; `#[repr(C)]` keeps declaration order while the default representation may reorder; `#[repr(packed)]` and `#[repr(align(N))]`; enum tags and niches; `offset_of!`.
//! - **Read first:** `notes/02-memory-layout-optimization.md` (sections "Padding, alignment and `repr(C)`" and "Niches").
//! - **Run:** `cargo run --bin m06-memory-layout-analysis` in `learn/`, after `cargo course start 06.1` (prints the real numbers: predict first)
//! - **Test:** `cargo course verify 06.1`
//! - **Done when:** every prediction matches and `CompactReading` is 16 bytes with the C header's offsets. The answers assume x86-64 or AArch64 (8-byte pointers, 8-byte `u64` alignment).

use std::mem::{align_of, offset_of, size_of, size_of_val};
use std::num::NonZeroU32;

/// A sensor reading as the old firmware lays it out (C declaration order, padding included).
///
/// ```c
/// struct sensor_reading { bool active; uint64_t timestamp; uint16_t channel; float value; };
/// ```
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
struct SensorReading {
    active: bool,
    timestamp: u64,
    channel: u16,
    value: f32,
}

/// The same fields with Rust's default representation: the compiler may reorder them.
#[derive(Debug, Clone, Copy, PartialEq)]
struct RustReading {
    active: bool,
    timestamp: u64,
    channel: u16,
    value: f32,
}

/// A packed wire header: no padding at all, alignment 1.
#[repr(C, packed)]
#[derive(Debug, Clone, Copy)]
struct WireHeader {
    kind: u8,
    length: u32,
    flags: u16,
}

/// A counter that owns a whole 64-byte cache line.
#[repr(align(64))]
#[derive(Debug, Default)]
struct CacheLineCounter {
    hits: u64,
}

/// An enum whose variants carry different payloads.
#[expect(
    dead_code,
    reason = "only its layout is observed; the payloads are never read"
)]
#[derive(Debug, Clone, Copy)]
enum Shape {
    Circle(f32),
    Rectangle(f32, f32),
}

// course:solution Write `CompactReading`: `#[repr(C)]`, the fields of the new C header in its order.
/// The new firmware's layout. The C header it must match, field for field:
///
/// ```c
/// struct compact_reading { uint64_t timestamp; uint16_t channel; bool active; float value; };
/// ```
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
struct CompactReading {
    timestamp: u64,
    channel: u16,
    active: bool,
    value: f32,
}
// course:stub
// /// The new firmware's layout. The C header it must match, field for field:
// ///
// /// ```c
// /// struct compact_reading { uint64_t timestamp; uint16_t channel; bool active; float value; };
// /// ```
// #[repr(C)]
// #[derive(Debug, Clone, Copy, PartialEq)]
// struct CompactReading {
//     active: bool,
//     timestamp: u64,
//     channel: u16,
//     value: f32,
// }
// course:decoy default-repr Drops `#[repr(C)]`: 16 bytes, but the compiler picks the field order, not the C header.
// /// The new firmware's layout.
// #[derive(Debug, Clone, Copy, PartialEq)]
// struct CompactReading {
//     timestamp: u64,
//     channel: u16,
//     active: bool,
//     value: f32,
// }
// course:decoy sorted-by-size Sorts the fields by alignment (also 16 bytes), which is not the header's order.
// /// The new firmware's layout.
// #[repr(C)]
// #[derive(Debug, Clone, Copy, PartialEq)]
// struct CompactReading {
//     timestamp: u64,
//     value: f32,
//     channel: u16,
//     active: bool,
// }
// course:end

impl From<SensorReading> for CompactReading {
    fn from(old: SensorReading) -> Self {
        CompactReading {
            timestamp: old.timestamp,
            channel: old.channel,
            active: old.active,
            value: old.value,
        }
    }
}

/// Sizes of: `SensorReading`, `RustReading`, `WireHeader`, `CacheLineCounter`, `Shape`,
/// `Option<u32>`, `Option<NonZeroU32>`, `Option<&u8>`.
fn observe_sizes() -> [usize; 8] {
    [
        size_of::<SensorReading>(),
        size_of::<RustReading>(),
        size_of::<WireHeader>(),
        size_of::<CacheLineCounter>(),
        size_of::<Shape>(),
        size_of::<Option<u32>>(),
        size_of::<Option<NonZeroU32>>(),
        size_of::<Option<&u8>>(),
    ]
}

/// Alignments of: `SensorReading`, `WireHeader`, `CacheLineCounter`, `Shape`.
fn observe_alignments() -> [usize; 4] {
    [
        align_of::<SensorReading>(),
        align_of::<WireHeader>(),
        align_of::<CacheLineCounter>(),
        align_of::<Shape>(),
    ]
}

/// Offsets in `SensorReading` of: `active`, `timestamp`, `channel`, `value`; then in
/// `WireHeader` of: `length`, `flags`.
fn observe_offsets() -> [usize; 6] {
    [
        offset_of!(SensorReading, active),
        offset_of!(SensorReading, timestamp),
        offset_of!(SensorReading, channel),
        offset_of!(SensorReading, value),
        offset_of!(WireHeader, length),
        offset_of!(WireHeader, flags),
    ]
}

// Your predictions, in the order of the `observe_` functions' doc comments.
// Only the tests call them (`main` shows the real numbers), hence the `expect` attributes.

/// Prediction for [`observe_sizes`].
#[cfg_attr(
    not(test),
    expect(dead_code, reason = "only the tests call predictions")
)]
fn predict_sizes() -> [usize; 8] {
    // course:solution Eight sizes in bytes. Padding goes wherever the next field's alignment needs it, and at the end.
    [24, 16, 7, 64, 12, 8, 4, 8]
    // course:end
}

/// Prediction for [`observe_alignments`].
#[cfg_attr(
    not(test),
    expect(dead_code, reason = "only the tests call predictions")
)]
fn predict_alignments() -> [usize; 4] {
    // course:solution Four alignments: a struct is aligned like its most-aligned field, unless a repr says otherwise.
    [8, 1, 64, 4]
    // course:end
}

/// Prediction for [`observe_offsets`].
#[cfg_attr(
    not(test),
    expect(dead_code, reason = "only the tests call predictions")
)]
fn predict_offsets() -> [usize; 6] {
    // course:solution Six offsets: `repr(C)` keeps the declaration order; `packed` removes all padding.
    [0, 8, 16, 20, 1, 5]
    // course:end
}

fn main() {
    println!("sizes      {:?}", observe_sizes());
    println!("alignments {:?}", observe_alignments());
    println!("offsets    {:?}", observe_offsets());
    let shapes = [Shape::Circle(1.0), Shape::Rectangle(2.0, 3.0)];
    let counter = CacheLineCounter::default();
    println!(
        "{shapes:?}, {} hits in a {}-byte counter",
        counter.hits,
        size_of_val(&counter)
    );
    let old = SensorReading {
        active: true,
        timestamp: 1_700_000_000,
        channel: 3,
        value: 21.5,
    };
    let compact = CompactReading::from(old);
    println!(
        "SensorReading: {} bytes; CompactReading: {} bytes; {compact:?}",
        size_of::<SensorReading>(),
        size_of::<CompactReading>()
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_predictions_match() {
        assert!(
            predict_sizes() == observe_sizes(),
            "at least one size prediction is wrong: reread \"Padding, alignment and repr(C)\" and \"Niches\""
        );
    }

    #[test]
    fn alignment_predictions_match() {
        assert!(
            predict_alignments() == observe_alignments(),
            "at least one alignment prediction is wrong: reread \"Padding, alignment and repr(C)\""
        );
    }

    #[test]
    fn offset_predictions_match() {
        assert!(
            predict_offsets() == observe_offsets(),
            "at least one offset prediction is wrong: with repr(C), walk the fields in order and round each offset up to the field's alignment"
        );
    }

    #[test]
    fn compact_reading_is_16_bytes() {
        assert_eq!(size_of::<CompactReading>(), 16);
        assert_eq!(align_of::<CompactReading>(), 8);
    }

    #[test]
    fn compact_reading_matches_the_c_header_offsets() {
        // struct compact_reading { uint64_t timestamp; uint16_t channel; bool active; float value; };
        assert_eq!(offset_of!(CompactReading, timestamp), 0);
        assert_eq!(offset_of!(CompactReading, channel), 8);
        assert_eq!(offset_of!(CompactReading, active), 10);
        assert_eq!(offset_of!(CompactReading, value), 12);
    }
}

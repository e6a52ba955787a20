//! # Explore: predict sizes, alignments and offsets under each `repr`
//!
//! - **Goal:** for each group of types below, predict what `size_of`, `align_of` and `offset_of!` report, then let the tests measure. The groups: a `repr(C)` struct and the same fields `packed`; a struct that pads at the end; `repr(align)`; `repr(transparent)` and `repr(u8)`; niches in `Option`.
//! - **Concepts:** alignment and padding in `repr(C)`; `repr(packed)` lowers alignment to 1; tail padding keeps arrays aligned; `repr(align(N))` rounds the size up; niches: which `Option`s need a tag.
//! - **Read first:** `notes/05-memory-layout.md` (all of it).
//! - **Run:** `cargo run --bin m04-predict-layout` in `learn/` shows the real numbers: predict first.
//! - **Test:** `cargo course verify 04.9`.
//! - **Done when:** every prediction matches. The answers assume a 64-bit target such as x86-64 or AArch64 (8-byte pointers, 8-aligned `u64`).

use std::mem::offset_of;
use std::num::NonZeroU16;

/// A record in C layout.
#[repr(C)]
struct Record {
    /// 1 byte.
    kind: u8,
    /// 4 bytes.
    value: u32,
    /// 2 bytes.
    port: u16,
}

/// The same fields, packed.
#[repr(C, packed)]
struct PackedRecord {
    /// 1 byte.
    kind: u8,
    /// 4 bytes.
    value: u32,
    /// 2 bytes.
    port: u16,
}

/// A struct whose largest field comes in the middle.
#[repr(C)]
struct Sample {
    /// 2 bytes.
    channel: u16,
    /// 8 bytes.
    timestamp: u64,
    /// 1 byte.
    quality: u8,
}

/// A byte on its own cache-line-friendly boundary.
#[repr(align(16))]
struct Aligned(u8);

/// A newtype that passes to C as an `f64`.
#[repr(transparent)]
struct Meters(f64);

/// A one-byte enum.
#[repr(u8)]
#[derive(Clone, Copy)]
enum Mode {
    /// Byte 1.
    Idle = 1,
    /// Byte 2.
    Busy = 2,
}

/// `Record`: size, align, offset of `value`, offset of `port`; then the same for `PackedRecord`.
fn observe_records() -> [usize; 8] {
    [
        size_of::<Record>(),
        align_of::<Record>(),
        offset_of!(Record, value),
        offset_of!(Record, port),
        size_of::<PackedRecord>(),
        align_of::<PackedRecord>(),
        offset_of!(PackedRecord, value),
        offset_of!(PackedRecord, port),
    ]
}

/// `Sample`: size, align, offset of `timestamp`, offset of `quality`; then size of `[Sample; 2]`.
fn observe_sample() -> [usize; 5] {
    [
        size_of::<Sample>(),
        align_of::<Sample>(),
        offset_of!(Sample, timestamp),
        offset_of!(Sample, quality),
        size_of::<[Sample; 2]>(),
    ]
}

/// Sizes of `Aligned`, `[Aligned; 3]`, `Meters`, `Mode`, `Option<Mode>`, `Option<Meters>`.
fn observe_reprs() -> [usize; 6] {
    [
        size_of::<Aligned>(),
        size_of::<[Aligned; 3]>(),
        size_of::<Meters>(),
        size_of::<Mode>(),
        size_of::<Option<Mode>>(),
        size_of::<Option<Meters>>(),
    ]
}

/// Sizes of `Option<NonZeroU16>`, `Option<u16>`, `Option<char>`, `Option<Option<bool>>`,
/// `Option<&[u8]>`, `Option<extern "C" fn()>`.
fn observe_niches() -> [usize; 6] {
    [
        size_of::<Option<NonZeroU16>>(),
        size_of::<Option<u16>>(),
        size_of::<Option<char>>(),
        size_of::<Option<Option<bool>>>(),
        size_of::<Option<&[u8]>>(),
        size_of::<Option<extern "C" fn()>>(),
    ]
}

// Your predictions, in the same order as the `observe_` functions above.

/// Prediction for [`observe_records`].
#[cfg_attr(
    not(test),
    expect(dead_code, reason = "only the tests call predictions")
)]
fn predict_records() -> [usize; 8] {
    // course:solution Eight numbers: where must a u32 start in C layout, and in a packed struct?
    [12, 4, 4, 8, 7, 1, 1, 5]
    // course:end
}

/// Prediction for [`observe_sample`].
#[cfg_attr(
    not(test),
    expect(dead_code, reason = "only the tests call predictions")
)]
fn predict_sample() -> [usize; 5] {
    // course:solution Five numbers: the size is a multiple of the alignment, so that arrays stay aligned.
    [24, 8, 8, 16, 48]
    // course:end
}

/// Prediction for [`observe_reprs`].
#[cfg_attr(
    not(test),
    expect(dead_code, reason = "only the tests call predictions")
)]
fn predict_reprs() -> [usize; 6] {
    // course:solution Six sizes: does `Mode` leave a byte value unused? Does an `f64`?
    [16, 48, 8, 1, 1, 16]
    // course:end
}

/// Prediction for [`observe_niches`].
#[cfg_attr(
    not(test),
    expect(dead_code, reason = "only the tests call predictions")
)]
fn predict_niches() -> [usize; 6] {
    // course:solution Six sizes: which of these types has a bit pattern it never uses?
    [2, 4, 4, 1, 16, 8]
    // course:end
}

fn main() {
    let aligned = Aligned(1);
    let meters = Meters(2.5);
    let modes = [Mode::Idle, Mode::Busy];
    println!(
        "(a {} m, mode bytes {:?}, at an address that is a multiple of 16: {})",
        meters.0,
        modes.map(|mode| mode as u8),
        (&raw const aligned).addr().is_multiple_of(16) && aligned.0 == 1
    );
    println!(
        "records  Record size/align/value/port, then packed: {:?}",
        observe_records()
    );
    println!(
        "sample   size/align/timestamp/quality, [Sample; 2]: {:?}",
        observe_sample()
    );
    println!(
        "reprs    Aligned [Aligned;3] Meters Mode Option<Mode> Option<Meters>: {:?}",
        observe_reprs()
    );
    println!(
        "niches   NonZeroU16 u16 char Option<bool> &[u8] fn (all in Option): {:?}",
        observe_niches()
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_layouts_match_prediction() {
        assert!(
            predict_records() == observe_records(),
            "a record prediction is wrong: reread \"repr(C)\" and \"repr(packed)\" in note 05"
        );
    }

    #[test]
    fn sample_layout_matches_prediction() {
        assert!(
            predict_sample() == observe_sample(),
            "a sample prediction is wrong: reread \"Size, alignment, padding\" (tail padding) in note 05"
        );
    }

    #[test]
    fn repr_sizes_match_prediction() {
        assert!(
            predict_reprs() == observe_reprs(),
            "a repr prediction is wrong: reread \"repr(align(N))\", \"repr(transparent)\" and \"Niches\" in note 05"
        );
    }

    #[test]
    fn niche_sizes_match_prediction() {
        assert!(
            predict_niches() == observe_niches(),
            "a niche prediction is wrong: reread \"Niches: why Option<&T> costs nothing\" in note 05"
        );
    }
}

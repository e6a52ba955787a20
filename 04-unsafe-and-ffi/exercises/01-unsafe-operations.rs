//! # Identify the UB: five unsafe functions that pass their tests and are still wrong
//!
//! - **Goal:** each function below compiles, and some of its tests even pass natively, yet each contains undefined behaviour. Run the tests under Miri, read its report, and fix each function so that Miri is silent and the tests pass. Removing `unsafe` is allowed, and is often the best fix.
//! - **Concepts:** use after free through a pointer that outlived a reallocation; Stacked Borrows (a write through the parent `&mut` invalidates raw pointers derived earlier); invalid values (an enum with a tag it does not have); reading uninitialised memory through `MaybeUninit::assume_init`; out-of-bounds reads through pointer arithmetic.
//! - **Read first:** `notes/03-undefined-behavior.md` (the catalogue and "Running Miri"), then `notes/02-raw-pointers.md` ("Stacked Borrows in one picture").
//! - **Run:** `cargo run --bin m04-unsafe-operations` in `learn/`.
//! - **Test:** `cargo course verify 04.1`; to see Miri's report yourself, `cargo +nightly miri test --bin m04-unsafe-operations` in `learn/`. Miri stops at the first UB it meets, so fix one function, rerun, and meet the next.
//! - **Done when:** the tests pass natively *and* under Miri, and every `unsafe` block left has a `// SAFETY:` comment that is true.

#![expect(
    unsafe_code,
    reason = "the exercise is about finding and removing undefined behaviour in unsafe code"
)]

use std::mem::MaybeUninit;

/// Appends `new` to `readings` and returns the reading that was last before it, if any.
fn push_and_previous(readings: &mut Vec<u32>, new: u32) -> Option<u32> {
    // course:solution Read the old last value before `push` can move the buffer.
    let previous = readings.last().copied();
    readings.push(new);
    previous
    // course:stub
    // let last: *const u32 = readings.last()?;
    // readings.push(new);
    // // SAFETY: `last` pointed at an element of `readings` a moment ago.
    // Some(unsafe { *last })
    // course:decoy address-round-trip Hides the pointer in a usize; after a reallocation the address is just as dangling.
    // let last = readings.last()? as *const u32 as usize;
    // readings.push(new);
    // // SAFETY: the address came from a live element.
    // Some(unsafe { *(last as *const u32) })
    // course:end
}

/// Moves the first reading to the end and shifts the others one place left.
fn rotate_left_by_one(readings: &mut [u32]) {
    // course:solution Use one path to the memory: only the raw pointer, or only the slice.
    let len = readings.len();
    if len == 0 {
        return;
    }
    let base = readings.as_mut_ptr();
    // SAFETY: `base` points at `len >= 1` initialised `u32`s that `readings` lends us
    // exclusively. Every access below goes through `base` (the slice is not used again while
    // `base` is), so no newer borrow invalidates it. `ptr::copy` allows overlapping ranges, and
    // both ranges `1..len` and `0..len - 1` lie inside the slice.
    unsafe {
        let first = base.read();
        std::ptr::copy(base.add(1), base, len - 1);
        base.add(len - 1).write(first);
    }
    // course:stub
    // let first: *mut u32 = readings.as_mut_ptr();
    // // SAFETY: `first` points at the first element.
    // let saved = unsafe { *first };
    // readings.copy_within(1.., 0);
    // let last = readings.len() - 1;
    // // SAFETY: `last` is in bounds, so `first.add(last)` points at the last element.
    // unsafe { *first.add(last) = saved };
    // course:decoy empty-slice Does everything through one pointer but forgets that an empty slice has no first element.
    // let len = readings.len();
    // let base = readings.as_mut_ptr();
    // // SAFETY: only `base` is used.
    // unsafe {
    //     let first = base.read();
    //     std::ptr::copy(base.add(1), base, len.saturating_sub(1));
    //     base.add(len.saturating_sub(1)).write(first);
    // }
    // course:end
}

/// The alarm level of a sensor, as one byte on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Level {
    /// Byte 0.
    Low = 0,
    /// Byte 1.
    Mid = 1,
    /// Byte 2.
    High = 2,
}

/// Decodes a level byte; any byte that is not a level is returned as the error.
fn decode_level(byte: u8) -> Result<Level, u8> {
    // course:solution Only 0, 1 and 2 are `Level`s; decide which without transmute.
    match byte {
        0 => Ok(Level::Low),
        1 => Ok(Level::Mid),
        2 => Ok(Level::High),
        other => Err(other),
    }
    // course:stub
    // // SAFETY: `Level` is `repr(u8)`, so it has the size of a byte.
    // Ok(unsafe { std::mem::transmute::<u8, Level>(byte) })
    // course:decoy off-by-one-range Transmutes after a range check that lets 3 through.
    // if byte <= 3 {
    //     // SAFETY: checked that the byte is a level.
    //     Ok(unsafe { std::mem::transmute::<u8, Level>(byte) })
    // } else {
    //     Err(byte)
    // }
    // course:end
}

/// The number of readings a frame holds.
const FRAME: usize = 8;

/// Copies up to [`FRAME`] readings from `source` into a frame; the rest of the frame is zero.
fn fill_frame(source: &[u32]) -> [u32; FRAME] {
    // course:solution Every element must be written before the array is read.
    let mut frame = MaybeUninit::<[u32; FRAME]>::uninit();
    let out = frame.as_mut_ptr().cast::<u32>();
    let copied = source.len().min(FRAME);
    // SAFETY: `out` points at room for FRAME `u32`s (the array inside `frame`), and every
    // index written below is less than FRAME. Writing through `write` never reads the old,
    // uninitialised value. The two loops write indices `0..copied` and `copied..FRAME`, so
    // after them every element is initialised and `assume_init` is sound.
    unsafe {
        for (index, value) in source.iter().take(copied).enumerate() {
            out.add(index).write(*value);
        }
        for index in copied..FRAME {
            out.add(index).write(0);
        }
        frame.assume_init()
    }
    // course:stub
    // let mut frame = MaybeUninit::<[u32; FRAME]>::uninit();
    // let out = frame.as_mut_ptr().cast::<u32>();
    // // SAFETY: `out` has room for FRAME readings and we write at most FRAME of them.
    // unsafe {
    //     for (index, value) in source.iter().take(FRAME).enumerate() {
    //         out.add(index).write(*value);
    //     }
    //     frame.assume_init()
    // }
    // course:decoy last-slot-forgotten Zero-fills the tail but stops one element short.
    // let mut frame = MaybeUninit::<[u32; FRAME]>::uninit();
    // let out = frame.as_mut_ptr().cast::<u32>();
    // let copied = source.len().min(FRAME);
    // // SAFETY: all writes are in bounds.
    // unsafe {
    //     for (index, value) in source.iter().take(copied).enumerate() {
    //         out.add(index).write(*value);
    //     }
    //     for index in copied..FRAME - 1 {
    //         out.add(index).write(0);
    //     }
    //     frame.assume_init()
    // }
    // course:end
}

/// Sums the readings at `positions`; a position past the end counts as 0.
fn sum_at(readings: &[u32], positions: &[usize]) -> u32 {
    // course:solution A position past the end must never be dereferenced.
    positions
        .iter()
        .map(|&position| readings.get(position).copied().unwrap_or(0))
        .sum()
    // course:stub
    // let base = readings.as_ptr();
    // positions
    //     .iter()
    //     // SAFETY: `base` points at the readings.
    //     .map(|&position| unsafe { base.wrapping_add(position).read() })
    //     .sum()
    // course:decoy inclusive-bound Checks the position with <= instead of <, so the one just past the end is read.
    // let base = readings.as_ptr();
    // positions
    //     .iter()
    //     .map(|&position| {
    //         if position <= readings.len() {
    //             // SAFETY: the position was checked against the length.
    //             unsafe { base.wrapping_add(position).read() }
    //         } else {
    //             0
    //         }
    //     })
    //     .sum()
    // course:end
}

fn main() {
    let mut readings = Vec::with_capacity(2);
    readings.extend([10, 20]);
    println!("previous: {:?}", push_and_previous(&mut readings, 30));
    rotate_left_by_one(&mut readings);
    println!("rotated: {readings:?}");
    println!("levels: {:?} {:?}", decode_level(2), decode_level(9));
    println!("frame: {:?}", fill_frame(&[1, 2, 3]));
    println!("sum: {}", sum_at(&readings, &[0, 2, 99]));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_and_previous_survives_a_reallocation() {
        // Full to capacity, so the push must move the buffer.
        let mut readings = Vec::with_capacity(2);
        readings.extend([7, 8]);
        assert_eq!(readings.len(), readings.capacity());
        assert_eq!(push_and_previous(&mut readings, 9), Some(8));
        assert_eq!(readings, [7, 8, 9]);
    }

    #[test]
    fn push_and_previous_on_empty_vec_is_none() {
        let mut readings = Vec::new();
        assert_eq!(push_and_previous(&mut readings, 1), None);
        assert_eq!(readings, [1]);
    }

    #[test]
    fn rotate_moves_first_to_the_end() {
        let mut readings = [1, 2, 3, 4];
        rotate_left_by_one(&mut readings);
        assert_eq!(readings, [2, 3, 4, 1]);
        let mut single = [5];
        rotate_left_by_one(&mut single);
        assert_eq!(single, [5]);
    }

    #[test]
    fn rotate_of_an_empty_slice_does_nothing() {
        let mut none: [u32; 0] = [];
        rotate_left_by_one(&mut none);
        assert_eq!(none, []);
    }

    #[test]
    fn decode_level_accepts_the_three_levels_and_rejects_every_other_byte() {
        assert_eq!(decode_level(0), Ok(Level::Low));
        assert_eq!(decode_level(1), Ok(Level::Mid));
        assert_eq!(decode_level(2), Ok(Level::High));
        for byte in 3..=u8::MAX {
            assert_eq!(decode_level(byte), Err(byte), "byte {byte} is not a level");
        }
    }

    #[test]
    fn fill_frame_zero_fills_a_short_source() {
        assert_eq!(fill_frame(&[4, 5, 6]), [4, 5, 6, 0, 0, 0, 0, 0]);
        assert_eq!(fill_frame(&[]), [0; FRAME]);
    }

    #[test]
    fn fill_frame_keeps_only_the_first_frame_of_a_long_source() {
        let source: Vec<u32> = (1..=10).collect();
        assert_eq!(fill_frame(&source), [1, 2, 3, 4, 5, 6, 7, 8]);
    }

    #[test]
    fn sum_at_counts_positions_past_the_end_as_zero() {
        let readings = [1, 10, 100];
        assert_eq!(sum_at(&readings, &[0, 2]), 101);
        assert_eq!(sum_at(&readings, &[3]), 0);
        assert_eq!(sum_at(&readings, &[1, 1, 4, 1_000]), 20);
    }
}

//! The iteration kernels that `benches/vector-iteration.rs` measures and note 01 disassembles.
//!
//! Every function here computes the same thing, a wrapping sum of `u32`s, in a different
//! style, so that the benchmark compares styles and not algorithms. Each is
//! `#[inline(never)]`: the benchmark and `valgrind --tool=callgrind` must see one function per
//! style, and `--emit asm` must print each on its own.

/// Sums with an index loop over `0..data.len()`.
///
/// The bound of the loop is the slice's own length, so LLVM proves `index < data.len()`
/// and removes the bounds check: this compiles to the same vectorised loop as [`sum_iter`].
#[inline(never)]
pub fn sum_indexed(data: &[u32]) -> u32 {
    let mut total = 0u32;
    #[expect(
        clippy::needless_range_loop,
        reason = "the index loop is the style being measured"
    )]
    for index in 0..data.len() {
        total = total.wrapping_add(data[index]);
    }
    total
}

/// Sums the first `count` elements with an index loop whose bound is *not* the slice length.
///
/// Nothing tells LLVM that `count <= data.len()`, so every `data[index]` keeps its bounds
/// check, and the possible panic in the middle of the loop keeps the loop scalar.
///
/// # Panics
/// When `count > data.len()`, at the first out-of-bounds index (that is the bounds check).
#[inline(never)]
pub fn sum_first_indexed(data: &[u32], count: usize) -> u32 {
    let mut total = 0u32;
    for index in 0..count {
        total = total.wrapping_add(data[index]);
    }
    total
}

/// Sums the first `count` elements after one up-front slice, `&data[..count]`.
///
/// The single check happens before the loop, and the loop itself is the bounds-check-free,
/// vectorised loop of [`sum_iter`].
///
/// # Panics
/// When `count > data.len()`, before the loop starts.
#[inline(never)]
pub fn sum_first_sliced(data: &[u32], count: usize) -> u32 {
    sum_iter(&data[..count])
}

/// Sums with an iterator: no index, so there is no bounds check to remove.
#[inline(never)]
pub fn sum_iter(data: &[u32]) -> u32 {
    data.iter()
        .fold(0u32, |total, &value| total.wrapping_add(value))
}

/// Sums eight lanes at a time with `chunks_exact`, then adds the lanes and the remainder.
///
/// This is the shape auto-vectorisation wants: eight independent accumulators, a fixed trip
/// count per chunk, and the tail handled separately. For integers LLVM finds it anyway;
/// for floats (see [`sum_f32_lanes`]) writing it by hand is what makes it vectorise.
#[inline(never)]
pub fn sum_chunks(data: &[u32]) -> u32 {
    let mut lanes = [0u32; 8];
    let chunks = data.chunks_exact(8);
    let remainder = chunks.remainder();
    for chunk in chunks {
        for (lane, &value) in lanes.iter_mut().zip(chunk) {
            *lane = lane.wrapping_add(value);
        }
    }
    let tail = sum_iter(remainder);
    lanes
        .iter()
        .fold(tail, |total, &lane| total.wrapping_add(lane))
}

/// Sums `f32`s strictly left to right, as written.
///
/// Float addition is not associative, so LLVM may not reorder it into several lanes: this
/// loop stays one addition after another, each waiting for the previous one.
#[inline(never)]
pub fn sum_f32_sequential(data: &[f32]) -> f32 {
    data.iter().sum()
}

/// Sums `f32`s in eight independent lanes, then adds the lanes.
///
/// Choosing the order of additions ourselves gives LLVM permission to use vector adds. The
/// result can differ from [`sum_f32_sequential`] in the last bits, because rounding happens
/// in a different order; neither is "the" exact sum.
#[inline(never)]
pub fn sum_f32_lanes(data: &[f32]) -> f32 {
    let mut lanes = [0f32; 8];
    let chunks = data.chunks_exact(8);
    let remainder = chunks.remainder();
    for chunk in chunks {
        for (lane, &value) in lanes.iter_mut().zip(chunk) {
            *lane += value;
        }
    }
    lanes.iter().sum::<f32>() + remainder.iter().sum::<f32>()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(len: usize) -> Vec<u32> {
        (0..len as u32)
            .map(|i| i.wrapping_mul(2_654_435_761))
            .collect()
    }

    #[test]
    fn every_integer_style_gives_the_same_sum() {
        for len in [0, 1, 7, 8, 9, 63, 64, 65, 1000] {
            let data = sample(len);
            let expected = sum_iter(&data);
            assert_eq!(sum_indexed(&data), expected, "len {len}");
            assert_eq!(sum_chunks(&data), expected, "len {len}");
            assert_eq!(sum_first_indexed(&data, len), expected, "len {len}");
            assert_eq!(sum_first_sliced(&data, len), expected, "len {len}");
        }
    }

    #[test]
    fn float_lanes_agree_with_sequential_on_exact_values() {
        // Small integers are exact in f32, so both orders give the same result.
        let data: Vec<f32> = (0..1001).map(|i| (i % 17) as f32).collect();
        assert_eq!(sum_f32_lanes(&data), sum_f32_sequential(&data));
    }

    #[test]
    #[should_panic(expected = "index out of bounds")]
    fn sum_first_indexed_panics_past_the_end() {
        sum_first_indexed(&[1, 2, 3], 4);
    }
}

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
/// Nothing tells LLVM that `count <= data.len()`, so it cannot delete the bounds check. It
/// *hoists* it instead: summing has no side effects, so panicking before the loop (when
/// `count - 1 >= data.len()`) is indistinguishable from panicking in the middle, and the loop
/// itself is the same vectorised loop as [`sum_indexed`] (note 01 shows the assembly).
///
/// # Panics
/// When `count > data.len()` (that is the bounds check).
#[inline(never)]
pub fn sum_first_indexed(data: &[u32], count: usize) -> u32 {
    let mut total = 0u32;
    #[expect(
        clippy::needless_range_loop,
        reason = "the index loop is the style being measured"
    )]
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

/// Writes `3 * input[i]` into `output[i]` with an index loop over the input's length.
///
/// Here the check on `output[index]` cannot simply be hoisted: if `output` is shorter, the
/// elements written before the panic are observable, so the panic must come at exactly the
/// right iteration. LLVM splits the loop instead: a vectorised part over
/// `min(input.len(), output.len())` elements, then a scalar part that panics at the right
/// index (note 01 shows the assembly).
///
/// # Panics
/// When `output` is shorter than `input`.
#[inline(never)]
pub fn triple_indexed(input: &[u32], output: &mut [u32]) {
    for index in 0..input.len() {
        output[index] = input[index].wrapping_mul(3);
    }
}

/// The same work with `zip`: no index, no bounds check, the same vectorised loop.
///
/// Unlike [`triple_indexed`] it never panics: it stops at the shorter of the two slices.
#[inline(never)]
pub fn triple_zipped(input: &[u32], output: &mut [u32]) {
    for (out, &value) in output.iter_mut().zip(input) {
        *out = value.wrapping_mul(3);
    }
}

/// The same work after one up-front re-slice, `&mut output[..input.len()]`: one check, after
/// which LLVM knows both lengths are equal and needs no scalar panic path.
///
/// # Panics
/// When `output` is shorter than `input`, before anything is written.
#[inline(never)]
pub fn triple_resliced(input: &[u32], output: &mut [u32]) {
    let output = &mut output[..input.len()];
    for index in 0..input.len() {
        output[index] = input[index].wrapping_mul(3);
    }
}

/// Counts each byte value into `counts`, a slice whose length the compiler does not know.
///
/// The index is data (`byte as usize`), so no loop analysis can prove it in bounds: every
/// increment keeps a compare and a branch to the panic.
///
/// # Panics
/// When `counts` has fewer than 256 elements and a byte indexes past its end.
#[inline(never)]
pub fn histogram_slice(data: &[u8], counts: &mut [u32]) {
    for &byte in data {
        counts[byte as usize] += 1;
    }
}

/// Counts each byte value into a `[u32; 256]`: the type says there are 256 counters and a
/// `u8` is below 256, so the bounds check disappears at compile time.
#[inline(never)]
pub fn histogram_array(data: &[u8], counts: &mut [u32; 256]) {
    for &byte in data {
        counts[byte as usize] += 1;
    }
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
    fn every_triple_style_writes_the_same_output() {
        let input = sample(37);
        let mut expected = vec![0; 37];
        triple_zipped(&input, &mut expected);
        assert_eq!(expected[5], input[5].wrapping_mul(3));
        let mut by_index = vec![0; 37];
        triple_indexed(&input, &mut by_index);
        let mut resliced = vec![0; 40];
        triple_resliced(&input, &mut resliced);
        assert_eq!(by_index, expected);
        assert_eq!(&resliced[..37], expected.as_slice());
    }

    #[test]
    fn both_histograms_count_the_same() {
        let data: Vec<u8> = (0..1000u32).map(|i| (i * 7 % 251) as u8).collect();
        let mut from_slice = vec![0u32; 256];
        let mut from_array = [0u32; 256];
        histogram_slice(&data, &mut from_slice);
        histogram_array(&data, &mut from_array);
        assert_eq!(from_slice.as_slice(), from_array.as_slice());
        assert_eq!(from_array.iter().sum::<u32>(), 1000);
    }

    #[test]
    #[should_panic(expected = "index out of bounds")]
    fn sum_first_indexed_panics_past_the_end() {
        sum_first_indexed(&[1, 2, 3], 4);
    }
}

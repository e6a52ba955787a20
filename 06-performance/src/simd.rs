//! A hand-written AVX2 sum behind runtime feature detection, with the portable fallback.
//!
//! This is the pattern note 03 teaches: the intrinsics live in a `#[target_feature]`
//! function, and the only way in is a safe dispatcher that has checked
//! `is_x86_feature_detected!` first. On targets other than x86-64 only the fallback exists.
#![expect(
    unsafe_code,
    reason = "calling a #[target_feature] function and unaligned vector loads need unsafe"
)]

use crate::iteration::sum_iter;

/// Sums `data` (wrapping) with AVX2 when this CPU has it, and with [`sum_iter`] otherwise.
pub fn sum_simd(data: &[u32]) -> u32 {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: `sum_avx2` only requires AVX2, which the check above just confirmed
            // this CPU supports.
            return unsafe { sum_avx2(data) };
        }
    }
    sum_iter(data)
}

/// The AVX2 kernel: eight 32-bit lanes per instruction, then the lanes and the tail.
///
/// # Safety
///
/// Call it only on a CPU with AVX2 (check with `is_x86_feature_detected!("avx2")`): on
/// another CPU its instructions are illegal. That is why calling a `#[target_feature]`
/// function from code compiled without the feature is `unsafe`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline(never)]
pub fn sum_avx2(data: &[u32]) -> u32 {
    use std::arch::x86_64::{
        __m256i, _mm256_add_epi32, _mm256_loadu_si256, _mm256_setzero_si256, _mm256_storeu_si256,
    };

    let mut accumulator = _mm256_setzero_si256();
    let chunks = data.chunks_exact(8);
    let remainder = chunks.remainder();
    for chunk in chunks {
        // SAFETY: `chunk` is exactly eight `u32`s, 32 readable bytes; `loadu` accepts any
        // alignment.
        let values = unsafe { _mm256_loadu_si256(chunk.as_ptr().cast::<__m256i>()) };
        accumulator = _mm256_add_epi32(accumulator, values);
    }
    let mut lanes = [0u32; 8];
    // SAFETY: `lanes` is 32 writable bytes; `storeu` accepts any alignment.
    unsafe { _mm256_storeu_si256(lanes.as_mut_ptr().cast::<__m256i>(), accumulator) };
    lanes
        .iter()
        .chain(remainder)
        .fold(0u32, |total, &value| total.wrapping_add(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simd_sum_matches_scalar_on_every_tail_length() {
        let data: Vec<u32> = (0..200u32).map(|i| i.wrapping_mul(0x9E37_79B9)).collect();
        for len in 0..data.len() {
            assert_eq!(sum_simd(&data[..len]), sum_iter(&data[..len]), "len {len}");
        }
    }
}

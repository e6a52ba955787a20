//! # Fix E0658: a dot product written for `std::simd`, rewritten for stable Rust
//!
//! - **Goal:** the starting code uses `std::simd`, which is still nightly-only in Rust 1.95; rewrite the dot product on stable with eight independent lane accumulators that LLVM vectorises, handling lengths that are not a multiple of 8.
//! - **Concepts:** `std::simd` (portable SIMD) is unstable (E0658); `chunks_exact` and its `remainder`; several accumulators break the dependency chain and let LLVM use vector registers; floating-point addition is not associative, so the result depends on the order of additions.
//! - **Read first:** `notes/03-simd-and-vectorization.md` (sections "`std::simd`: portable SIMD, nightly only" and "Helping the auto-vectoriser").
//! - **Run:** `cargo run --bin m06-fix-portable-simd` in `learn/`, after `cargo course start 06.10`
//! - **Test:** `cargo course verify 06.10`
//! - **Done when:** it compiles on stable, and the tests pass for every length, including those that are not a multiple of 8.

/// The number of independent accumulators: 8 `f32`s fill one 256-bit AVX register (or two
/// 128-bit SSE registers), and break the chain of dependent additions.
const LANES: usize = 8;
// course:solution
// course:stub
// use std::simd::{f32x8, num::SimdFloat};
// course:end

/// The dot product of `a` and `b`, or `None` if their lengths differ.
fn dot(a: &[f32], b: &[f32]) -> Option<f32> {
    if a.len() != b.len() {
        return None;
    }
    // course:solution
    let mut lanes = [0f32; LANES];
    let a_chunks = a.chunks_exact(LANES);
    let b_chunks = b.chunks_exact(LANES);
    let tail: f32 = a_chunks
        .remainder()
        .iter()
        .zip(b_chunks.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in a_chunks.zip(b_chunks) {
        for ((lane, &x), &y) in lanes.iter_mut().zip(x).zip(y) {
            *lane += x * y;
        }
    }
    Some(lanes.iter().sum::<f32>() + tail)
    // course:stub
    // let mut sums = f32x8::splat(0.0);
    // let a_chunks = a.chunks_exact(8);
    // let b_chunks = b.chunks_exact(8);
    // let tail: f32 = a_chunks
    //     .remainder()
    //     .iter()
    //     .zip(b_chunks.remainder())
    //     .map(|(x, y)| x * y)
    //     .sum();
    // for (x, y) in a_chunks.zip(b_chunks) {
    //     sums += f32x8::from_slice(x) * f32x8::from_slice(y);
    // }
    // Some(sums.reduce_sum() + tail)
    // course:decoy no-remainder Processes the full chunks of 8 and forgets the last `len % 8` elements.
    // let mut lanes = [0f32; LANES];
    // for (x, y) in a.chunks_exact(LANES).zip(b.chunks_exact(LANES)) {
    //     for lane in 0..LANES {
    //         lanes[lane] += x[lane] * y[lane];
    //     }
    // }
    // Some(lanes.iter().sum::<f32>())
    // course:decoy chunks-not-exact Uses `chunks(LANES)`, whose last chunk can be shorter than 8: indexing it panics.
    // let mut lanes = [0f32; LANES];
    // for (x, y) in a.chunks(LANES).zip(b.chunks(LANES)) {
    //     for lane in 0..LANES {
    //         lanes[lane] += x[lane] * y[lane];
    //     }
    // }
    // Some(lanes.iter().sum::<f32>())
    // course:end
}

fn main() {
    let a: Vec<f32> = (0..20).map(|i| i as f32).collect();
    let b = vec![0.5f32; 20];
    println!("{:?}", dot(&a, &b));
    println!("{:?}", dot(&a, &b[..3]));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Small integers as `f32`: every product and partial sum is exact, so the order of the
    /// additions does not change the result and equality can be tested exactly.
    fn small_integers(seed: u64, len: usize) -> Vec<f32> {
        let mut state = seed | 1;
        (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state % 21) as f32 - 10.0
            })
            .collect()
    }

    fn reference(a: &[f32], b: &[f32]) -> f32 {
        a.iter().zip(b).map(|(x, y)| x * y).sum()
    }

    #[test]
    fn dot_matches_the_sequential_sum_for_every_length() {
        for len in 0..70 {
            let a = small_integers(len as u64 + 1, len);
            let b = small_integers(len as u64 + 100, len);
            assert_eq!(dot(&a, &b), Some(reference(&a, &b)), "length {len}");
        }
    }

    #[test]
    fn dot_of_a_short_vector_uses_every_element() {
        assert_eq!(dot(&[1.0, 2.0, 3.0], &[4.0, 5.0, 6.0]), Some(32.0));
    }

    #[test]
    fn mismatched_lengths_are_refused() {
        assert_eq!(dot(&[1.0, 2.0], &[1.0]), None);
        assert_eq!(dot(&[1.0; 9], &[1.0; 8]), None);
    }
}

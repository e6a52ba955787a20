//! # Vectorise a byte count with AVX2, runtime detection and a scalar fallback
//!
//! - **Goal:** count how often a byte occurs in a buffer, 32 bytes per step with AVX2 intrinsics, and dispatch to that kernel only when the CPU has AVX2; everywhere else (and for the tail) use the scalar loop.
//! - **Concepts:** `std::arch::x86_64` intrinsics (`_mm256_set1_epi8`, `_mm256_loadu_si256`, `_mm256_cmpeq_epi8`, `_mm256_movemask_epi8`); `#[target_feature(enable = "avx2")]`; `is_x86_feature_detected!`; why calling a `#[target_feature]` function is `unsafe`; tails that are not a multiple of the vector width.
//! - **Read first:** `notes/03-simd-and-vectorization.md` (sections "`std::arch`: intrinsics on stable" and "Runtime detection and dispatch").
//! - **Run:** `cargo run --bin m06-vectorize-byte-count` in `learn/`, after `cargo course start 06.8`
//! - **Test:** `cargo course verify 06.8`
//! - **Done when:** the tests pass: the AVX2 count equals the scalar count for every length and byte, and the dispatcher uses AVX2 when (and only when) it is allowed to. Then see what it buys: `cargo bench -p performance --bench simd-count` measures the reference solution's two paths on your machine.
//!
//! The kernel exists only on x86-64; on other targets the dispatcher always takes the scalar path.
#![expect(
    unsafe_code,
    reason = "calling a #[target_feature] function and loading vectors from raw pointers need unsafe"
)]

use std::cell::Cell;

thread_local! {
    /// How many times this thread entered the AVX2 kernel: the tests' window into dispatch.
    static AVX2_CALLS: Cell<usize> = const { Cell::new(0) };
}

/// The SIMD features the dispatcher may use.
///
/// Only [`CpuFeatures::detect`] creates one, and the only change allowed afterwards is to turn a
/// feature *off*: a value can never claim a feature the CPU lacks, so a dispatcher that trusts it
/// stays sound. Tests use `without_avx2` to force the fallback on any machine.
#[derive(Debug, Clone, Copy)]
pub struct CpuFeatures {
    avx2: bool,
}

impl CpuFeatures {
    /// Asks the CPU (once per call; the std macro caches the answer).
    pub fn detect() -> Self {
        #[cfg(target_arch = "x86_64")]
        let avx2 = std::arch::is_x86_feature_detected!("avx2");
        #[cfg(not(target_arch = "x86_64"))]
        let avx2 = false;
        CpuFeatures { avx2 }
    }

    /// The same features with AVX2 turned off.
    pub fn without_avx2(self) -> Self {
        CpuFeatures { avx2: false }
    }

    /// Whether AVX2 may be used.
    pub fn has_avx2(self) -> bool {
        self.avx2
    }
}

/// The reference implementation: one byte at a time.
pub fn count_byte_scalar(haystack: &[u8], needle: u8) -> usize {
    haystack.iter().filter(|&&byte| byte == needle).count()
}

/// Counts `needle` in `haystack` with AVX2, 32 bytes per step, and the scalar loop for the tail.
///
/// # Safety
///
/// Call it only on a CPU that has AVX2: elsewhere its instructions are illegal.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
pub fn count_byte_avx2(haystack: &[u8], needle: u8) -> usize {
    AVX2_CALLS.with(|calls| calls.set(calls.get() + 1));
    // course:solution Broadcast the needle, compare 32 bytes per step, turn the comparison into a 32-bit mask and count its ones; finish the tail with the scalar loop.
    use std::arch::x86_64::{
        __m256i, _mm256_cmpeq_epi8, _mm256_loadu_si256, _mm256_movemask_epi8, _mm256_set1_epi8,
    };

    let needles = _mm256_set1_epi8(needle as i8);
    let chunks = haystack.chunks_exact(32);
    let tail = chunks.remainder();
    let mut count = 0;
    for chunk in chunks {
        // SAFETY: `chunk` is exactly 32 readable bytes and `loadu` accepts any alignment.
        let bytes = unsafe { _mm256_loadu_si256(chunk.as_ptr().cast::<__m256i>()) };
        let equal = _mm256_cmpeq_epi8(bytes, needles);
        // One bit per byte lane: bit i is set when byte i matched.
        let mask = _mm256_movemask_epi8(equal) as u32;
        count += mask.count_ones() as usize;
    }
    count + count_byte_scalar(tail, needle)
    // course:decoy no-tail Counts the full 32-byte chunks and forgets the bytes after the last one.
    // use std::arch::x86_64::{
    //     __m256i, _mm256_cmpeq_epi8, _mm256_loadu_si256, _mm256_movemask_epi8, _mm256_set1_epi8,
    // };
    //
    // let needles = _mm256_set1_epi8(needle as i8);
    // let mut count = 0;
    // for chunk in haystack.chunks_exact(32) {
    //     // SAFETY: `chunk` is exactly 32 readable bytes and `loadu` accepts any alignment.
    //     let bytes = unsafe { _mm256_loadu_si256(chunk.as_ptr().cast::<__m256i>()) };
    //     let mask = _mm256_movemask_epi8(_mm256_cmpeq_epi8(bytes, needles)) as u32;
    //     count += mask.count_ones() as usize;
    // }
    // count
    // course:decoy half-width Loads 16 bytes (an SSE2 register) per 32-byte step, so half of every chunk is never compared.
    // use std::arch::x86_64::{__m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8};
    //
    // let needles = _mm_set1_epi8(needle as i8);
    // let chunks = haystack.chunks_exact(32);
    // let tail = chunks.remainder();
    // let mut count = 0;
    // for chunk in chunks {
    //     // SAFETY: `chunk` has at least 16 readable bytes and `loadu` accepts any alignment.
    //     let bytes = unsafe { _mm_loadu_si128(chunk.as_ptr().cast::<__m128i>()) };
    //     let mask = _mm_movemask_epi8(_mm_cmpeq_epi8(bytes, needles)) as u32;
    //     count += mask.count_ones() as usize;
    // }
    // count + count_byte_scalar(tail, needle)
    // course:end
}

/// Counts `needle` in `haystack`, with AVX2 if `cpu` allows it and the scalar loop otherwise.
pub fn count_byte_with(cpu: CpuFeatures, haystack: &[u8], needle: u8) -> usize {
    // course:solution Take the AVX2 kernel only when `cpu.has_avx2()`; say in a SAFETY comment why the call is sound.
    #[cfg(target_arch = "x86_64")]
    if cpu.has_avx2() {
        // SAFETY: `cpu` came from `CpuFeatures::detect`, and features can only be turned off
        // after detection, so AVX2 really is available on this CPU.
        return unsafe { count_byte_avx2(haystack, needle) };
    }
    count_byte_scalar(haystack, needle)
    // course:decoy no-detection Takes the AVX2 path whenever the target is x86-64, without asking the CPU.
    // let _ = cpu;
    // #[cfg(target_arch = "x86_64")]
    // // SAFETY: (wrong) assumes every x86-64 CPU has AVX2; many do not.
    // return unsafe { count_byte_avx2(haystack, needle) };
    // #[cfg(not(target_arch = "x86_64"))]
    // count_byte_scalar(haystack, needle)
    // course:decoy always-scalar Never uses the AVX2 kernel, so it is correct and never faster.
    // let _ = cpu;
    // count_byte_scalar(haystack, needle)
    // course:end
}

/// Counts `needle` in `haystack` with the best kernel this CPU supports.
pub fn count_byte(haystack: &[u8], needle: u8) -> usize {
    count_byte_with(CpuFeatures::detect(), haystack, needle)
}

fn main() {
    let text = "the quick brown fox jumps over the lazy dog; ".repeat(1000);
    let cpu = CpuFeatures::detect();
    println!("AVX2 detected: {}", cpu.has_avx2());
    println!(
        "spaces: {} (dispatched), {} (scalar)",
        count_byte(text.as_bytes(), b' '),
        count_byte_scalar(text.as_bytes(), b' ')
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator (xorshift64), so failures can be reproduced.
    fn random_bytes(seed: u64, len: usize) -> Vec<u8> {
        let mut state = seed | 1;
        (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                // A small alphabet makes matches frequent; 0xFF checks the sign bit of the lane.
                [b'a', b'b', b'c', 0xFF][(state % 4) as usize]
            })
            .collect()
    }

    fn avx2_calls() -> usize {
        AVX2_CALLS.with(|calls| calls.get())
    }

    #[test]
    fn count_byte_counts_a_known_example() {
        assert_eq!(count_byte(b"banana", b'a'), 3);
        let long = [b"xyxy".as_slice(); 25].concat();
        assert_eq!(count_byte(&long, b'y'), 50);
        assert_eq!(count_byte(&long, b'z'), 0);
    }

    #[test]
    fn dispatched_count_equals_scalar_on_random_inputs() {
        let cpu = CpuFeatures::detect();
        for seed in 1..40u64 {
            let len = (seed as usize * 37) % 300;
            let data = random_bytes(seed, len);
            for needle in [b'a', b'c', 0xFF, b'z'] {
                assert_eq!(
                    count_byte_with(cpu, &data, needle),
                    count_byte_scalar(&data, needle),
                    "seed {seed}, length {len}, needle {needle:#x}"
                );
            }
        }
    }

    #[test]
    fn dispatched_count_equals_scalar_for_every_length_up_to_130() {
        let data = random_bytes(7, 130);
        let cpu = CpuFeatures::detect();
        for len in 0..=data.len() {
            assert_eq!(
                count_byte_with(cpu, &data[..len], b'b'),
                count_byte_scalar(&data[..len], b'b'),
                "length {len}"
            );
        }
    }

    #[test]
    fn forced_fallback_never_enters_the_avx2_kernel() {
        let data = random_bytes(3, 200);
        let before = avx2_calls();
        let count = count_byte_with(CpuFeatures::detect().without_avx2(), &data, b'a');
        assert_eq!(
            avx2_calls(),
            before,
            "the AVX2 kernel ran although the features said no AVX2"
        );
        assert_eq!(count, count_byte_scalar(&data, b'a'));
    }

    #[test]
    fn detected_avx2_is_used() {
        let data = random_bytes(5, 200);
        let cpu = CpuFeatures::detect();
        let before = avx2_calls();
        let count = count_byte_with(cpu, &data, b'c');
        assert_eq!(count, count_byte_scalar(&data, b'c'));
        // Ask the CPU directly, not through `CpuFeatures`, so that a detection that always
        // says "no" cannot pass this test.
        #[cfg(target_arch = "x86_64")]
        let cpu_has_avx2 = std::arch::is_x86_feature_detected!("avx2");
        #[cfg(not(target_arch = "x86_64"))]
        let cpu_has_avx2 = false;
        assert_eq!(cpu.has_avx2(), cpu_has_avx2);
        if cpu_has_avx2 {
            assert_eq!(
                avx2_calls(),
                before + 1,
                "this CPU has AVX2 but the dispatcher did not use it"
            );
        } else {
            assert_eq!(avx2_calls(), before);
        }
    }
}

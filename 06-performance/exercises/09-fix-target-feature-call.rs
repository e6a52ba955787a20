//! # Fix E0133: call a `#[target_feature]` function only where the CPU has the feature
//!
//! - **Goal:** call an AVX2-compiled checksum from ordinary code; the compiler refuses the plain call, and the right fix is not just `unsafe { }` but a runtime check with a fallback.
//! - **Concepts:** `#[target_feature(enable = "avx2")]` compiles one function for a newer CPU than the rest of the program (function multiversioning); calling it from code without the feature is `unsafe` (E0133) because on an older CPU it executes illegal instructions; `is_x86_feature_detected!`; a detection seam that tests can force off.
//! - **Read first:** `notes/03-simd-and-vectorization.md` (section "Runtime detection and dispatch").
//! - **Run:** `cargo run --bin m06-fix-target-feature-call` in `learn/`, after `cargo course start 06.9`
//! - **Test:** `cargo course verify 06.9`
//! - **Done when:** it compiles, the checksum is right on every path, the AVX2 version runs when the CPU has AVX2, and never when the features say it does not.
//!
//! The AVX2 function exists only on x86-64; elsewhere the checksum always takes the portable path.
#![expect(
    unsafe_code,
    reason = "calling a #[target_feature] function from code without the feature is unsafe"
)]

use std::cell::Cell;

thread_local! {
    /// How many times this thread entered the AVX2 version: the tests' window into dispatch.
    static AVX2_CALLS: Cell<usize> = const { Cell::new(0) };
}

/// The SIMD features the checksum may use. Only [`CpuFeatures::detect`] creates one, and
/// features can only be turned off afterwards, so a value never claims a feature the CPU lacks.
#[derive(Debug, Clone, Copy)]
struct CpuFeatures {
    avx2: bool,
}

impl CpuFeatures {
    /// Asks the CPU.
    fn detect() -> Self {
        #[cfg(target_arch = "x86_64")]
        let avx2 = std::arch::is_x86_feature_detected!("avx2");
        #[cfg(not(target_arch = "x86_64"))]
        let avx2 = false;
        CpuFeatures { avx2 }
    }

    /// The same features with AVX2 turned off (for tests, or to compare the two paths).
    fn without_avx2(self) -> Self {
        CpuFeatures { avx2: false }
    }
}

/// A simple checksum: the wrapping sum of `value * (index + 1)`. Portable version.
fn checksum_portable(data: &[u32]) -> u32 {
    data.iter().zip(1u32..).fold(0u32, |sum, (&value, weight)| {
        sum.wrapping_add(value.wrapping_mul(weight))
    })
}

/// The same checksum, with the same source, compiled for AVX2: LLVM may use 256-bit vector
/// instructions here that the rest of the program (built for baseline x86-64) may not.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn checksum_avx2(data: &[u32]) -> u32 {
    AVX2_CALLS.with(|calls| calls.set(calls.get() + 1));
    checksum_portable(data)
}

/// The checksum with the fastest version `cpu` allows.
fn checksum_with(cpu: CpuFeatures, data: &[u32]) -> u32 {
    // course:solution
    #[cfg(target_arch = "x86_64")]
    if cpu.avx2 {
        // SAFETY: `cpu` came from `CpuFeatures::detect`, and features can only be turned off
        // afterwards, so this CPU has AVX2.
        return unsafe { checksum_avx2(data) };
    }
    checksum_portable(data)
    // course:stub
    // let _ = cpu;
    // checksum_avx2(data)
    // course:decoy unsafe-without-check Wraps the call in `unsafe` and never looks at the CPU: an illegal instruction on CPUs without AVX2.
    // let _ = cpu;
    // // SAFETY: (wrong) nothing here checks that the CPU has AVX2.
    // unsafe { checksum_avx2(data) }
    // course:decoy portable-only Drops the AVX2 version entirely: always correct, never faster.
    // let _ = cpu;
    // checksum_portable(data)
    // course:end
}

/// The checksum with the fastest version this CPU supports.
fn checksum(data: &[u32]) -> u32 {
    checksum_with(CpuFeatures::detect(), data)
}

fn main() {
    let data: Vec<u32> = (0..1000).collect();
    println!("checksum: {}", checksum(&data));
    println!(
        "portable: {}",
        checksum_with(CpuFeatures::detect().without_avx2(), &data)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn avx2_calls() -> usize {
        AVX2_CALLS.with(Cell::get)
    }

    #[test]
    fn checksum_is_the_weighted_sum() {
        assert_eq!(checksum(&[]), 0);
        assert_eq!(checksum(&[5]), 5);
        assert_eq!(checksum(&[1, 2, 3]), 1 + 4 + 9);
        let data: Vec<u32> = (0..77).map(|i: u32| i.wrapping_mul(0x9E37_79B9)).collect();
        assert_eq!(checksum(&data), checksum_portable(&data));
    }

    #[test]
    fn forced_off_features_never_reach_the_avx2_version() {
        let before = avx2_calls();
        let sum = checksum_with(CpuFeatures::detect().without_avx2(), &[1, 2, 3]);
        assert_eq!(sum, 14);
        assert_eq!(
            avx2_calls(),
            before,
            "the AVX2 version ran although the features said no AVX2"
        );
    }

    #[test]
    fn detected_avx2_is_used() {
        let cpu = CpuFeatures::detect();
        let before = avx2_calls();
        assert_eq!(checksum_with(cpu, &[1, 2, 3]), 14);
        let expected = if cpu.avx2 { before + 1 } else { before };
        assert_eq!(
            avx2_calls(),
            expected,
            "the dispatcher ignored what the CPU supports"
        );
    }
}

//! # Fix E0658: a benchmark loop that cannot be optimised away
//!
//! - **Goal:** the starting code marks its timing loop `#[bench]`, which stable Rust refuses; write the measurement loop yourself so that every iteration really runs the work: the input is hidden from the optimiser and every result is consumed.
//! - **Concepts:** the built-in `#[bench]` harness is nightly-only (E0658); `std::hint::black_box` stops the optimiser from constant-folding the input or deleting unused results; a benchmark that discards its result measures nothing in a release build; consuming results into a checksum; criterion does all this for you (`b.iter(|| ...)`).
//! - **Read first:** `notes/05-benchmarking-with-criterion.md` (sections "What the optimiser does to a benchmark" and "`black_box`").
//! - **Run:** `cargo run --bin m06-fix-bench-harness` in `learn/`, after `cargo course start 06.12` (a debug build; add `--release` to see the difference the optimiser makes)
//! - **Test:** `cargo course verify 06.12`
//! - **Done when:** it compiles on stable and the tests pass: the work runs once per iteration, each time on the input it was given, and every result ends up in the checksum.

use std::hint::black_box;
use std::time::{Duration, Instant};

/// What one benchmark run reports.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Measurement {
    /// How many times the work ran.
    iterations: u32,
    /// Wall-clock time for all iterations.
    elapsed: Duration,
    /// The wrapping sum of every result: proof that each result was used.
    checksum: u64,
}

impl Measurement {
    /// Average time per iteration (zero when nothing ran).
    fn per_iteration(&self) -> Duration {
        self.elapsed
            .checked_div(self.iterations)
            .unwrap_or(Duration::ZERO)
    }
}

/// Runs `work(input)` `iterations` times and times the loop.
// course:solution
fn run_benchmark(
    iterations: u32,
    input: &[u32],
    mut work: impl FnMut(&[u32]) -> u64,
) -> Measurement {
    let start = Instant::now();
    let mut checksum = 0u64;
    for _ in 0..iterations {
        // `black_box` on the way in: the optimiser cannot assume it knows the input and
        // precompute the answer. On the way out: the result counts as used.
        let result = black_box(work(black_box(input)));
        checksum = checksum.wrapping_add(result);
    }
    Measurement {
        iterations,
        elapsed: start.elapsed(),
        checksum,
    }
}
// course:stub
// #[bench]
// fn run_benchmark(iterations: u32, input: &[u32], mut work: impl FnMut(&[u32]) -> u64) -> Measurement {
//     let start = Instant::now();
//     for _ in 0..iterations {
//         work(input);
//     }
//     Measurement {
//         iterations,
//         elapsed: start.elapsed(),
//         checksum: 0,
//     }
// }
// course:decoy result-discarded Removes `#[bench]` and keeps the loop that throws each result away: in a release build the work can be deleted.
// fn run_benchmark(iterations: u32, input: &[u32], mut work: impl FnMut(&[u32]) -> u64) -> Measurement {
//     let start = Instant::now();
//     for _ in 0..iterations {
//         black_box(work(black_box(input)));
//     }
//     Measurement {
//         iterations,
//         elapsed: start.elapsed(),
//         checksum: 0,
//     }
// }
// course:decoy hoisted Runs the work once and multiplies, which is exactly what an optimiser does to a loop with a constant input.
// fn run_benchmark(iterations: u32, input: &[u32], mut work: impl FnMut(&[u32]) -> u64) -> Measurement {
//     let start = Instant::now();
//     let result = black_box(work(black_box(input)));
//     Measurement {
//         iterations,
//         elapsed: start.elapsed(),
//         checksum: result.wrapping_mul(u64::from(iterations)),
//     }
// }
// course:decoy warm-up-counted Runs one untimed warm-up call and then `iterations - 1` timed ones, so the work runs one time too few in the loop.
// fn run_benchmark(iterations: u32, input: &[u32], mut work: impl FnMut(&[u32]) -> u64) -> Measurement {
//     let mut checksum = black_box(work(black_box(input)));
//     let start = Instant::now();
//     for _ in 1..iterations {
//         checksum = checksum.wrapping_add(black_box(work(black_box(input))));
//     }
//     Measurement {
//         iterations,
//         elapsed: start.elapsed(),
//         checksum,
//     }
// }
// course:end

/// The work being measured: a sum of squares.
fn sum_of_squares(data: &[u32]) -> u64 {
    data.iter()
        .map(|&value| u64::from(value) * u64::from(value))
        .sum()
}

fn main() {
    let data: Vec<u32> = (0..10_000).collect();
    let measurement = run_benchmark(1_000, &data, sum_of_squares);
    println!(
        "{} iterations, {:?} each, checksum {}",
        measurement.iterations,
        measurement.per_iteration(),
        measurement.checksum
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_iteration_runs_the_work_once() {
        let mut calls = 0u32;
        let measurement = run_benchmark(25, &[1, 2, 3], |data| {
            calls += 1;
            data.len() as u64
        });
        assert_eq!(calls, 25);
        assert_eq!(measurement.iterations, 25);
    }

    #[test]
    fn every_result_reaches_the_checksum() {
        // Each call returns a different number, so no shortcut can predict the total.
        let mut call = 0u64;
        let measurement = run_benchmark(10, &[7], |data| {
            call += 1;
            call * u64::from(data[0])
        });
        assert_eq!(measurement.checksum, 7 * (1..=10).sum::<u64>());
    }

    #[test]
    fn the_work_sees_the_input_it_was_given() {
        let data: Vec<u32> = (1..=4).collect();
        let measurement = run_benchmark(3, &data, sum_of_squares);
        assert_eq!(measurement.checksum, 3 * (1 + 4 + 9 + 16));
    }

    #[test]
    fn per_iteration_divides_the_elapsed_time() {
        let measurement = Measurement {
            iterations: 4,
            elapsed: Duration::from_millis(8),
            checksum: 0,
        };
        assert_eq!(measurement.per_iteration(), Duration::from_millis(2));
    }

    #[test]
    fn zero_iterations_run_nothing() {
        let measurement = run_benchmark(0, &[1], |_| panic!("the work must not run"));
        assert_eq!(measurement.checksum, 0);
        assert_eq!(measurement.per_iteration(), Duration::ZERO);
    }
}

//! Indexing against iterators against `chunks_exact` against hand-written AVX2, and the same
//! particles stored as an array of structs and as a struct of arrays.
//!
//! Run with `cargo bench -p performance --bench vector-iteration` (add `-- --quick` for a short
//! run). The HTML report with plots is written to `target/criterion/report/index.html`.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use performance::iteration::{
    histogram_array, histogram_slice, sum_chunks, sum_f32_lanes, sum_f32_sequential,
    sum_first_indexed, sum_first_sliced, sum_indexed, sum_iter, triple_indexed, triple_zipped,
};
use performance::layout::{Particles, sample_particles, total_mass_arrays, total_mass_structs};
use performance::simd::sum_simd;

/// 4 KiB (fits in L1), 1 MiB (L2-sized) and 16 MiB (bigger than the last-level cache).
const SIZES: [usize; 3] = [1 << 10, 1 << 18, 1 << 22];

fn integer_sums(c: &mut Criterion) {
    let mut group = c.benchmark_group("sum_u32");
    for len in SIZES {
        let data: Vec<u32> = (0..len as u32)
            .map(|i| i.wrapping_mul(2_654_435_761))
            .collect();
        group.throughput(Throughput::Bytes((len * size_of::<u32>()) as u64));
        group.bench_with_input(BenchmarkId::new("indexed", len), &data, |b, data| {
            b.iter(|| sum_indexed(black_box(data)))
        });
        group.bench_with_input(
            BenchmarkId::new("first_n_indexed", len),
            &data,
            |b, data| b.iter(|| sum_first_indexed(black_box(data), black_box(len))),
        );
        group.bench_with_input(BenchmarkId::new("first_n_sliced", len), &data, |b, data| {
            b.iter(|| sum_first_sliced(black_box(data), black_box(len)))
        });
        group.bench_with_input(BenchmarkId::new("iter", len), &data, |b, data| {
            b.iter(|| sum_iter(black_box(data)))
        });
        group.bench_with_input(BenchmarkId::new("chunks_exact", len), &data, |b, data| {
            b.iter(|| sum_chunks(black_box(data)))
        });
        group.bench_with_input(BenchmarkId::new("avx2", len), &data, |b, data| {
            b.iter(|| sum_simd(black_box(data)))
        });
    }
    group.finish();
}

fn bounds_checks(c: &mut Criterion) {
    let len = 1 << 16;
    let data: Vec<u32> = (0..len as u32)
        .map(|i| i.wrapping_mul(2_654_435_761))
        .collect();
    let bytes: Vec<u8> = data.iter().map(|&value| value as u8).collect();
    let mut group = c.benchmark_group("bounds_checks");
    group.throughput(Throughput::Elements(len as u64));
    let mut output = vec![0u32; len];
    group.bench_function("triple_indexed", |b| {
        b.iter(|| triple_indexed(black_box(&data), black_box(&mut output)))
    });
    group.bench_function("triple_zipped", |b| {
        b.iter(|| triple_zipped(black_box(&data), black_box(&mut output)))
    });
    let mut counts_slice = vec![0u32; 256];
    group.bench_function("histogram_slice", |b| {
        b.iter(|| histogram_slice(black_box(&bytes), black_box(&mut counts_slice)))
    });
    let mut counts_array = [0u32; 256];
    group.bench_function("histogram_array", |b| {
        b.iter(|| histogram_array(black_box(&bytes), black_box(&mut counts_array)))
    });
    group.finish();
}

/// What happens when a benchmark lets the optimiser delete the work (note 05). The sum is
/// written inline in the closure, so the optimiser sees all of it: discarded, nothing forces
/// it to be computed; returned, criterion passes it through `black_box`. The last case calls
/// the `#[inline(never)]` kernel and discards its result, to show that an opaque call is
/// *not* reliably deleted (nor reliably kept: do not rely on either).
fn deleted_work(c: &mut Criterion) {
    let data: Vec<u32> = (0..1u32 << 14).collect();
    let mut group = c.benchmark_group("black_box");
    group.bench_function("inline_sum_discarded", |b| {
        b.iter(|| {
            let _ = data.iter().fold(0u32, |t, &v| t.wrapping_add(v));
        })
    });
    group.bench_function("inline_sum_returned", |b| {
        b.iter(|| {
            black_box(&data)
                .iter()
                .fold(0u32, |t, &v| t.wrapping_add(v))
        })
    });
    group.bench_function("opaque_call_discarded", |b| {
        b.iter(|| {
            sum_iter(&data);
        })
    });
    group.finish();
}

fn float_sums(c: &mut Criterion) {
    let mut group = c.benchmark_group("sum_f32");
    let len = 1 << 14;
    let data: Vec<f32> = (0..len).map(|i| (i % 17) as f32).collect();
    group.throughput(Throughput::Elements(len as u64));
    group.bench_function("sequential", |b| {
        b.iter(|| sum_f32_sequential(black_box(&data)))
    });
    group.bench_function("eight_lanes", |b| {
        b.iter(|| sum_f32_lanes(black_box(&data)))
    });
    group.finish();
}

fn structs_against_arrays(c: &mut Criterion) {
    let mut group = c.benchmark_group("total_mass");
    for count in [1 << 10, 1 << 20] {
        let structs = sample_particles(count);
        let arrays = Particles::from_structs(&structs);
        group.throughput(Throughput::Elements(count as u64));
        group.bench_with_input(
            BenchmarkId::new("array_of_structs", count),
            &structs,
            |b, s| b.iter(|| total_mass_structs(black_box(s))),
        );
        group.bench_with_input(
            BenchmarkId::new("struct_of_arrays", count),
            &arrays,
            |b, a| b.iter(|| total_mass_arrays(black_box(a))),
        );
    }
    group.finish();
}

criterion_group!(
    benches,
    integer_sums,
    bounds_checks,
    deleted_work,
    float_sums,
    structs_against_arrays
);
criterion_main!(benches);

//! The byte count of exercise 06.8: the scalar loop against the AVX2 kernel behind runtime
//! detection. The exercise file is compiled into this bench as a module, so the bench measures
//! whatever the exercise currently contains.
//!
//! Run with `cargo bench -p performance --bench simd-count` (add `-- --quick` for a short run).

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

#[path = "../exercises/08-vectorize-byte-count.rs"]
#[allow(
    dead_code,
    unused_imports,
    reason = "the bench uses only some of the exercise; which items look unused depends on cfg(test)"
)]
mod exercise;

fn counting(c: &mut Criterion) {
    let mut group = c.benchmark_group("count_byte");
    for len in [4 << 10, 1 << 20] {
        let text: Vec<u8> = b"the quick brown fox jumps over the lazy dog; "
            .iter()
            .copied()
            .cycle()
            .take(len)
            .collect();
        group.throughput(Throughput::Bytes(len as u64));
        group.bench_with_input(BenchmarkId::new("scalar", len), &text, |b, text| {
            b.iter(|| exercise::count_byte_scalar(black_box(text), black_box(b' ')))
        });
        group.bench_with_input(BenchmarkId::new("dispatched", len), &text, |b, text| {
            b.iter(|| exercise::count_byte(black_box(text), black_box(b' ')))
        });
    }
    group.finish();
}

criterion_group!(benches, counting);
criterion_main!(benches);

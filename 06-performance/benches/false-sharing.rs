//! Two threads incrementing two counters: adjacent in one cache line, then one line each.
//!
//! Run with `cargo bench -p performance --bench false-sharing` (add `-- --quick` for a short
//! run). This is a timing benchmark by nature (valgrind runs threads one at a time, so it
//! cannot show cache lines bouncing between cores); on a busy machine the figures are noisy.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use performance::layout::{PaddedCounter, PlainCounter, count_in_parallel};

const PER_THREAD: u64 = 1_000_000;

fn counters(c: &mut Criterion) {
    let mut group = c.benchmark_group("two_threads_1m_increments_each");
    group.sample_size(10);
    group.throughput(Throughput::Elements(2 * PER_THREAD));
    group.bench_function("same_cache_line", |b| {
        b.iter(|| {
            let counters = [PlainCounter::default(), PlainCounter::default()];
            count_in_parallel(&counters, |c| &c.value, black_box(PER_THREAD))
        })
    });
    group.bench_function("padded_to_64_bytes", |b| {
        b.iter(|| {
            let counters = [PaddedCounter::default(), PaddedCounter::default()];
            count_in_parallel(&counters, |c| &c.value, black_box(PER_THREAD))
        })
    });
    group.finish();
}

criterion_group!(benches, counters);
criterion_main!(benches);

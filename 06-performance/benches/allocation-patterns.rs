//! `push` without and with `with_capacity`, a fresh `String` per record against one reused
//! buffer, and a `Box` per tree node against one arena `Vec`.
//!
//! Run with `cargo bench -p performance --bench allocation-patterns` (add `-- --quick` for a
//! short run). Allocation *counts* for the same functions come from
//! `benches/instruction-counts.rs` under valgrind; see the README.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use performance::allocation::{
    ArenaTree, BoxTree, format_fresh, format_reused, push_growing, push_with_capacity,
    sample_records,
};

fn pushing(c: &mut Criterion) {
    let mut group = c.benchmark_group("push");
    for count in [1_000u64, 100_000] {
        group.throughput(Throughput::Elements(count));
        group.bench_with_input(BenchmarkId::new("growing", count), &count, |b, &n| {
            b.iter(|| push_growing(black_box(n)))
        });
        group.bench_with_input(BenchmarkId::new("with_capacity", count), &count, |b, &n| {
            b.iter(|| push_with_capacity(black_box(n)))
        });
    }
    group.finish();
}

fn formatting(c: &mut Criterion) {
    let records = sample_records(1_000);
    let mut group = c.benchmark_group("format_1000_records");
    group.throughput(Throughput::Elements(records.len() as u64));
    group.bench_function("fresh_string_each", |b| {
        b.iter(|| format_fresh(black_box(&records)))
    });
    let mut buffer = String::new();
    group.bench_function("reused_buffer", |b| {
        b.iter(|| format_reused(black_box(&records), &mut buffer))
    });
    group.finish();
}

fn trees(c: &mut Criterion) {
    let mut group = c.benchmark_group("tree_build_sum_drop");
    for leaves in [1_000u64, 100_000] {
        group.throughput(Throughput::Elements(leaves));
        group.bench_with_input(
            BenchmarkId::new("box_per_node", leaves),
            &leaves,
            |b, &n| b.iter(|| BoxTree::build(0, black_box(n)).sum()),
        );
        group.bench_with_input(BenchmarkId::new("arena", leaves), &leaves, |b, &n| {
            b.iter(|| ArenaTree::build(0, black_box(n)).sum())
        });
    }
    group.finish();
}

criterion_group!(benches, pushing, formatting, trees);
criterion_main!(benches);

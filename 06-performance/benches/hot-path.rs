//! The word-frequency hot path of exercise 06.11: the slow reference against the optimised
//! version. The exercise file is compiled into this bench as a module, so the bench measures
//! whatever the exercise currently contains.
//!
//! Run with `cargo bench -p performance --bench hot-path` (add `-- --quick` for a short run).

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

#[path = "../exercises/11-optimize-hot-path.rs"]
#[allow(
    dead_code,
    unused_imports,
    reason = "the bench uses only some of the exercise; which items look unused depends on cfg(test)"
)]
mod exercise;

fn word_frequencies(c: &mut Criterion) {
    let mut group = c.benchmark_group("top_words");
    group.sample_size(20);
    for (words, vocabulary) in [(2_000, 200), (20_000, 2_000)] {
        let text = exercise::sample_text(words, vocabulary);
        group.throughput(Throughput::Elements(words as u64));
        let id = format!("{words}_words_{vocabulary}_distinct");
        group.bench_with_input(BenchmarkId::new("slow", &id), &text, |b, text| {
            b.iter(|| exercise::top_words_slow(black_box(text), 10))
        });
        group.bench_with_input(BenchmarkId::new("optimised", &id), &text, |b, text| {
            b.iter(|| exercise::top_words(black_box(text), 10))
        });
    }
    group.finish();
}

criterion_group!(benches, word_frequencies);
criterion_main!(benches);

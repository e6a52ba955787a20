//! Criterion benchmarks of the search core on generated text: the same six kinds of search the
//! `bench/compare.sh` script times against GNU grep and ripgrep on the kernel source.
//!
//! Run with `cargo bench -p minigrep`. The text is generated deterministically (a small linear
//! congruential generator over a fixed vocabulary), so runs are comparable across machines.
//! Output goes to `io::sink()`: these numbers measure searching and formatting, not the terminal.

use std::hint::black_box;
use std::io;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use minigrep::Matcher;
use minigrep::matcher::{MatchOptions, Syntax};
use minigrep::printer::{PrintOptions, Printer};
use minigrep::searcher::{Mode, SearchOptions, Searcher};

/// About 8 MiB of C-like text: lines of 3 to 12 words, indented now and then.
fn generate_text() -> Vec<u8> {
    const WORDS: &[&str] = &[
        "static",
        "int",
        "struct",
        "return",
        "if",
        "else",
        "for",
        "while",
        "void",
        "unsigned",
        "long",
        "char",
        "const",
        "the",
        "device",
        "driver",
        "buffer",
        "length",
        "offset",
        "error",
        "mutex_lock",
        "spin_lock",
        "kmalloc",
        "kfree",
        "printk",
        "KERN_INFO",
        "NULL",
        "sizeof",
        "ops",
        "info",
        "union",
        "count",
        "index",
        "value",
        "state",
        "flags",
        "page",
        "queue",
    ];
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        // Knuth's MMIX LCG constants.
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) as usize
    };
    let mut text = Vec::with_capacity(8 << 20);
    let mut line_number = 0usize;
    while text.len() < 8 << 20 {
        line_number += 1;
        if next().is_multiple_of(3) {
            text.extend_from_slice(b"\t");
        }
        let words = 3 + next() % 10;
        for word in 0..words {
            if word > 0 {
                text.push(b' ');
            }
            text.extend_from_slice(WORDS[next() % WORDS.len()].as_bytes());
        }
        if line_number.is_multiple_of(50_000) {
            text.extend_from_slice(b" RARE_NEEDLE");
        }
        text.push(b'\n');
    }
    text
}

/// Searches `text` once and returns how many lines were selected.
fn search(text: &[u8], matcher: &Matcher, options: SearchOptions) -> u64 {
    let print_options = PrintOptions {
        invert: options.invert,
        ..PrintOptions::default()
    };
    let mut printer = Printer::new(io::sink(), print_options, matcher);
    printer.begin_file(None);
    let mut searcher = Searcher::new(matcher, options);
    let mut reader = text;
    let summary = searcher
        .search(&mut reader, &mut printer)
        .expect("io::sink never fails");
    summary.selected
}

fn bench_searches(c: &mut Criterion) {
    let text = generate_text();
    let mut group = c.benchmark_group("search");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.sample_size(20);
    let lines = SearchOptions::default();
    // The patterns are written for `-E`, as `bench/compare.sh` runs them.
    let extended = MatchOptions {
        syntax: Syntax::Extended,
        ..MatchOptions::default()
    };
    let cases: [(&str, &str, MatchOptions, SearchOptions); 6] = [
        ("literal", "mutex_lock", extended, lines),
        (
            "case_insensitive_literal",
            "kmalloc",
            MatchOptions {
                ignore_case: true,
                ..extended
            },
            lines,
        ),
        (
            "regex_class_alternation",
            r"(struct|union) [a-z_]+_(ops|info)",
            extended,
            lines,
        ),
        (
            // The required literals sit inside the pattern, after a class repetition: the
            // shape the inner-literal prefilter is for.
            "regex_inner_literal",
            r"[a-z_]+_(lock|unlock)\(",
            extended,
            lines,
        ),
        (
            "inverted_count",
            "the",
            extended,
            SearchOptions {
                invert: true,
                mode: Mode::Count,
                ..lines
            },
        ),
        (
            "rare_match",
            "RARE_NEEDLE",
            MatchOptions {
                syntax: Syntax::Fixed,
                ..MatchOptions::default()
            },
            lines,
        ),
    ];
    for (name, pattern, match_options, search_options) in cases {
        let matcher = Matcher::new(&[pattern.as_bytes().to_vec()], match_options)
            .expect("benchmark patterns are valid");
        group.bench_function(name, |b| {
            b.iter(|| search(black_box(&text), &matcher, search_options))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_searches);
criterion_main!(benches);

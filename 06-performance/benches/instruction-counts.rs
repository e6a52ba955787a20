//! Runs each benchmarked kernel once, for instruction counts under valgrind and allocation
//! counts from a counting global allocator. Timings on a shared machine are noisy; the number
//! of instructions executed is not, and neither is the number of allocations.
//!
//! `cargo bench -p performance --bench instruction-counts` runs every kernel and prints how
//! many allocations each made. `06-performance/scripts/count-instructions.sh` runs the same
//! binary once per kernel under `valgrind --tool=callgrind --toggle-collect=*measured*`, so
//! the reported instruction count is that kernel's alone (setup excluded).
#![expect(
    unsafe_code,
    reason = "a global allocator is an unsafe trait implementation"
)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};

use performance::allocation::{
    ArenaTree, BoxTree, format_fresh, format_reused, push_growing, push_with_capacity,
    sample_records,
};
use performance::iteration::{
    histogram_array, histogram_slice, sum_chunks, sum_f32_lanes, sum_f32_sequential,
    sum_first_indexed, sum_first_sliced, sum_indexed, sum_iter, triple_indexed, triple_resliced,
    triple_zipped,
};
use performance::layout::{Particles, sample_particles, total_mass_arrays, total_mass_structs};
use performance::simd::sum_simd;

/// Counts calls to `alloc` and `realloc` (each is a trip to the allocator), then forwards to
/// the system allocator.
struct CountingAllocator;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

// SAFETY: every method forwards to `System` with the caller's arguments unchanged, so the
// `GlobalAlloc` contract is `System`'s; the counter is a side effect that never allocates.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: forwarded with the caller's layout, which meets `alloc`'s contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System` (every allocation goes through `alloc` above).
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: as for `dealloc`; `new_size` is the caller's, meeting `realloc`'s contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

/// Runs `kernel` once and returns its allocation count. Callgrind collects only inside this
/// function (`--toggle-collect=*measured*`), so setup before the call is not counted.
#[inline(never)]
fn measured<T>(kernel: impl FnOnce() -> T) -> u64 {
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    black_box(kernel());
    ALLOCATIONS.load(Ordering::Relaxed) - before
}

/// Every kernel, by name. Inputs are built before `measured` is called.
fn run(name: &str) -> Option<u64> {
    const LEN: usize = 1 << 16;
    let data: Vec<u32> = (0..LEN as u32)
        .map(|i| i.wrapping_mul(2_654_435_761))
        .collect();
    let floats: Vec<f32> = (0..LEN).map(|i| (i % 17) as f32).collect();
    let structs = sample_particles(LEN);
    let arrays = Particles::from_structs(&structs);
    let records = sample_records(1_000);
    let mut buffer = String::new();
    let bytes: Vec<u8> = data.iter().map(|&value| value as u8).collect();
    let mut counts_slice = vec![0u32; 256];
    let mut counts_array = [0u32; 256];
    let mut output = vec![0u32; LEN];
    let count = match name {
        "sum_indexed" => measured(|| sum_indexed(black_box(&data))),
        "sum_first_indexed" => measured(|| sum_first_indexed(black_box(&data), black_box(LEN))),
        "sum_first_sliced" => measured(|| sum_first_sliced(black_box(&data), black_box(LEN))),
        "sum_iter" => measured(|| sum_iter(black_box(&data))),
        "sum_chunks" => measured(|| sum_chunks(black_box(&data))),
        "sum_avx2" => measured(|| sum_simd(black_box(&data))),
        "triple_indexed" => measured(|| triple_indexed(black_box(&data), black_box(&mut output))),
        "triple_zipped" => measured(|| triple_zipped(black_box(&data), black_box(&mut output))),
        "triple_resliced" => measured(|| triple_resliced(black_box(&data), black_box(&mut output))),
        "histogram_slice" => {
            measured(|| histogram_slice(black_box(&bytes), black_box(&mut counts_slice)))
        }
        "histogram_array" => {
            measured(|| histogram_array(black_box(&bytes), black_box(&mut counts_array)))
        }
        "sum_f32_sequential" => measured(|| sum_f32_sequential(black_box(&floats))),
        "sum_f32_lanes" => measured(|| sum_f32_lanes(black_box(&floats))),
        "total_mass_structs" => measured(|| total_mass_structs(black_box(&structs))),
        "total_mass_arrays" => measured(|| total_mass_arrays(black_box(&arrays))),
        "push_growing" => measured(|| push_growing(black_box(LEN as u64))),
        "push_with_capacity" => measured(|| push_with_capacity(black_box(LEN as u64))),
        "format_fresh" => measured(|| format_fresh(black_box(&records))),
        "format_reused" => measured(|| format_reused(black_box(&records), &mut buffer)),
        "box_tree" => measured(|| BoxTree::build(0, black_box(LEN as u64)).sum()),
        "arena_tree" => measured(|| ArenaTree::build(0, black_box(LEN as u64)).sum()),
        _ => return None,
    };
    Some(count)
}

/// The kernel names, in the order the README table lists them.
const KERNELS: [&str; 21] = [
    "sum_indexed",
    "sum_first_indexed",
    "sum_first_sliced",
    "sum_iter",
    "sum_chunks",
    "sum_avx2",
    "triple_indexed",
    "triple_zipped",
    "triple_resliced",
    "histogram_slice",
    "histogram_array",
    "sum_f32_sequential",
    "sum_f32_lanes",
    "total_mass_structs",
    "total_mass_arrays",
    "push_growing",
    "push_with_capacity",
    "format_fresh",
    "format_reused",
    "box_tree",
    "arena_tree",
];

fn main() -> std::process::ExitCode {
    // `cargo bench` passes flags such as `--bench` and `--quick`; a bare word names a kernel.
    let chosen: Vec<String> = std::env::args()
        .skip(1)
        .filter(|arg| !arg.starts_with("--"))
        .collect();
    if chosen.is_empty() {
        println!("allocations per kernel (inputs: 65 536 elements, 1 000 records)");
        for name in KERNELS {
            println!("{name:>20}: {}", run(name).unwrap_or_default());
        }
        return std::process::ExitCode::SUCCESS;
    }
    for name in &chosen {
        match run(name) {
            Some(count) => println!("{name}: {count} allocations"),
            None => {
                eprintln!("unknown kernel `{name}`; known: {}", KERNELS.join(", "));
                return std::process::ExitCode::FAILURE;
            }
        }
    }
    std::process::ExitCode::SUCCESS
}

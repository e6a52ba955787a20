#!/usr/bin/env bash
# Counts the instructions each kernel of benches/instruction-counts.rs executes, with
# valgrind's callgrind. Instruction counts do not depend on the machine's load, so they are the
# figures the notes quote when timings are too noisy. Run from the repository root:
#     06-performance/scripts/count-instructions.sh [kernel ...]
# With no arguments it measures every kernel. Needs valgrind (apt install valgrind).
set -euo pipefail

command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 1; }
binary=$(cargo bench -p performance --bench instruction-counts --no-run --message-format=json 2>/dev/null \
    | sed -n 's/.*"executable":"\([^"]*instruction_counts[^"]*\)".*/\1/p' | tail -n 1)
[ -x "$binary" ] || { echo "could not build the instruction-counts bench" >&2; exit 1; }

kernels=("$@")
all=no
if [ ${#kernels[@]} -eq 0 ]; then
    all=yes
    kernels=(sum_indexed sum_first_indexed sum_first_sliced sum_iter sum_chunks sum_avx2
             triple_indexed triple_zipped triple_resliced histogram_slice histogram_array
             sum_f32_sequential sum_f32_lanes total_mass_structs total_mass_arrays
             push_growing push_with_capacity format_fresh format_reused box_tree arena_tree)
fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# --cache-sim=yes adds simulated cache misses (first-level data cache, D1, and last-level, LL);
# like the instruction count, they do not depend on what else the machine is doing.
printf '%-20s %13s %11s %11s %12s\n' kernel instructions D1-misses LL-misses allocations
for kernel in "${kernels[@]}"; do
    log="$out/$kernel.log"
    valgrind --tool=callgrind --callgrind-out-file="$out/$kernel.out" \
        --cache-sim=yes --collect-atstart=no '--toggle-collect=*measured*' \
        "$binary" "$kernel" >"$log" 2>&1
    # "Collected : Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw" with --cache-sim=yes.
    read -r instructions _ _ _ d1mr d1mw _ dlmr dlmw < <(sed -n 's/.*Collected : //p' "$log")
    allocations=$(sed -n "s/^$kernel: \([0-9]*\) allocations$/\1/p" "$log")
    printf '%-20s %13s %11s %11s %12s\n' "$kernel" "$instructions" "$((d1mr + d1mw))" \
        "$((dlmr + dlmw))" "$allocations"
done

# The exercises' benches (hot-path, simd-count) compile the exercise files in, where the
# measured functions are inlined into criterion's `Bencher::iter`. Criterion's `--test` mode runs
# each benchmark routine exactly once, so collecting inside `Bencher::iter` counts one call.
[ "$all" = yes ] || exit 0
bench_binary() {
    cargo bench -p performance --bench "$1" --no-run --message-format=json 2>/dev/null \
        | sed -n "s/.*\"executable\":\"\([^\"]*$2[^\"]*\)\".*/\1/p" | tail -n 1
}
for spec in "hot-path hot_path top_words/slow/20000" "hot-path hot_path top_words/optimised/20000" \
            "simd-count simd_count count_byte/scalar/1048576" \
            "simd-count simd_count count_byte/dispatched/1048576"; do
    read -r bench stem filter <<<"$spec"
    exe=$(bench_binary "$bench" "$stem")
    log="$out/bench.log"
    valgrind --tool=callgrind --callgrind-out-file="$out/bench.out" --cache-sim=yes \
        --collect-atstart=no '--toggle-collect=*Bencher*iter*' \
        "$exe" --bench --test "$filter" >"$log" 2>&1
    read -r instructions _ _ _ d1mr d1mw _ dlmr dlmw < <(sed -n 's/.*Collected : //p' "$log" | sort -n | tail -n 1)
    printf '%-40s %13s %11s %11s\n' "$filter" "$instructions" "$((d1mr + d1mw))" "$((dlmr + dlmw))"
done

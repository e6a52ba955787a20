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
if [ ${#kernels[@]} -eq 0 ]; then
    kernels=(sum_indexed sum_first_indexed sum_first_sliced sum_iter sum_chunks sum_avx2
             sum_f32_sequential sum_f32_lanes total_mass_structs total_mass_arrays
             push_growing push_with_capacity format_fresh format_reused box_tree arena_tree)
fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
printf '%-20s %15s %12s\n' kernel instructions allocations
for kernel in "${kernels[@]}"; do
    log="$out/$kernel.log"
    valgrind --tool=callgrind --callgrind-out-file="$out/$kernel.out" \
        --collect-atstart=no '--toggle-collect=*measured*' \
        "$binary" "$kernel" >"$log" 2>&1
    instructions=$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$log")
    allocations=$(sed -n "s/^$kernel: \([0-9]*\) allocations$/\1/p" "$log")
    printf '%-20s %15s %12s\n' "$kernel" "$instructions" "$allocations"
done

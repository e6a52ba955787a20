#!/bin/bash
# The monomorphization experiment of note 02. Run from this folder: ./run.sh
# For each mode and N, generates main.rs, compiles it with rustc -C opt-level=3 (best wall time
# of three), and prints the .text size, the file size and that time. Writes only to ./out/.
set -euo pipefail
mkdir -p out
printf "mode N text_bytes file_bytes best_of_3_s\n"
for mode in generic dyn; do
  for n in 1 8 32 64; do
    python3 gen.py "$mode" "$n"
    best=999
    for _ in 1 2 3; do
      start=$(date +%s.%N)
      rustc --edition 2024 -C opt-level=3 -C strip=symbols -o "out/bin_${mode}_$n" main.rs 2>/dev/null
      end=$(date +%s.%N)
      best=$(echo "t = $end - $start; if (t < $best) t else $best" | bc)
    done
    text=$(size -A "out/bin_${mode}_$n" | awk '$1 == ".text" { print $2 }')
    printf "%s %s %s %s %s\n" "$mode" "$n" "$text" "$(stat -c %s "out/bin_${mode}_$n")" "$best"
  done
done
rm -f main.rs

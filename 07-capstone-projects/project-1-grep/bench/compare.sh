#!/usr/bin/env bash
# Compares minigrep with GNU grep and ripgrep (rg -j1) on a real corpus: the Linux kernel
# source from Debian's linux-source package, without its drivers/ directories (369 MB of C and
# docs for linux-source-6.1), with every text file concatenated into one file.
#
# Usage: bench/compare.sh [--prepare-only]
#   RUNS=N                 hyperfine runs per command (default 5)
#   MINIGREP_BENCH_CACHE   where the unpacked corpus is kept (default ~/.cache/minigrep-bench)
#   CARGO_TARGET_DIR       honoured when locating the release binary
#
# Learner mode (what `cargo course bench p1` runs, through bench/course-bench.sh): when
# COURSE_LEARNER_CRATE is set, the learner's crate is built too (release, into
# COURSE_LEARNER_TARGET_DIR) and raced as a fourth command, and instead of the Markdown table
# the script prints one line per measurement on stdout:
#   RESULT<TAB>case<TAB>subject<TAB>value<TAB>unit<TAB>better
# with subject `learner`, `reference`, `GNU grep` or `rg -j1`. COURSE_REFERENCE_CRATE names the
# reference crate (default: this folder); COURSE_QUICK=1 searches only the first 32 MiB of the
# corpus with 3 runs per command.
#
# On a fresh Debian/Ubuntu machine it installs what it needs (hyperfine, ripgrep, time,
# linux-source) with apt-get, as root or through sudo.
set -euo pipefail

crate_dir=$(cd "$(dirname "$0")/.." && pwd)
workspace=$(cd "$crate_dir/../.." && pwd)
cache=${MINIGREP_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/minigrep-bench}
runs=${RUNS:-5}
export LC_ALL=C.UTF-8

apt_updated=no
install() {
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo=sudo; fi
    if [ "$apt_updated" = no ]; then
        $sudo apt-get update -q
        apt_updated=yes
    fi
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "$@"
}

command -v hyperfine >/dev/null || install hyperfine
command -v rg >/dev/null || install ripgrep
[ -x /usr/bin/time ] || install time
command -v python3 >/dev/null || install python3
command -v xz >/dev/null || install xz-utils
if ! ls /usr/src/linux-source-*.tar.* >/dev/null 2>&1; then
    install linux-source
fi
tarball=$(ls /usr/src/linux-source-*.tar.* | sort -V | tail -n 1)

corpus="$cache/corpus.txt"
if [ ! -s "$corpus" ]; then
    echo "Building the corpus from $tarball (once; kept in $cache)..." >&2
    rm -rf "$cache/src"
    mkdir -p "$cache/src"
    tar -xf "$tarball" -C "$cache/src" --wildcards --exclude='*/drivers/*'
    # Text files only: a file with a NUL byte would switch every grep into binary mode.
    (cd "$cache/src" && find . -type f -print0 | sort -z |
        xargs -0 /usr/bin/grep -I -l -Z -e '' -- | xargs -0 cat) >"$corpus.tmp"
    mv "$corpus.tmp" "$corpus"
    rm -rf "$cache/src"
fi
echo "corpus: $corpus ($(du -m "$corpus" | cut -f1) MB, $(wc -l <"$corpus") lines)" >&2
if [ "${1:-}" = "--prepare-only" ]; then exit 0; fi

learner_crate=${COURSE_LEARNER_CRATE:-}
if [ "${COURSE_QUICK:-0}" != 0 ]; then
    quick="$cache/corpus-quick.txt"
    [ -s "$quick" ] || head -c $((32 << 20)) "$corpus" >"$quick"
    corpus=$quick
    runs=${RUNS:-3}
    echo "quick: searching $corpus ($(du -m "$corpus" | cut -f1) MB), $runs runs per command" >&2
fi

reference_crate=${COURSE_REFERENCE_CRATE:-$crate_dir}
(cd "$workspace" && cargo build --release -q --manifest-path "$reference_crate/Cargo.toml")
minigrep="${CARGO_TARGET_DIR:-$workspace/target}/release/minigrep"
if [ -n "$learner_crate" ]; then
    learner_target=${COURSE_LEARNER_TARGET_DIR:-$learner_crate/target}
    echo "building the learner's crate $learner_crate into $learner_target" >&2
    cargo build --release -q --manifest-path "$learner_crate/Cargo.toml" --target-dir "$learner_target"
    learner="$learner_target/release/minigrep"
    # In learner mode stdout carries only RESULT lines (on descriptor 3); the rest is progress.
    exec 3>&1 1>&2
fi

# name;argument;argument... (the same arguments for all three tools)
cases=(
    "literal;EXPORT_SYMBOL_GPL"
    "case-insensitive literal;-i;spin_lock_irqsave"
    "regex: class + alternation;(struct|union) [a-z_]+_(ops|info) \\{"
    "regex: inner literal;[a-z_]+_(lock|unlock)\\("
    "inverted count;-v;-c;the"
    "rare match;PM_RESUME"
)

results="$cache/results"
mkdir -p "$results"
printf '\n%s\n' "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); runs per command: $runs"
printf '| search | GNU grep 3.8: mean ± σ (min), s | rg -j1, s | minigrep, s | minigrep / GNU: mean (min) | minigrep / rg | minigrep peak RSS, MiB | same output as GNU |\n'
printf '|---|---:|---:|---:|---:|---:|---:|---|\n'
index=0
for case in "${cases[@]}"; do
    index=$((index + 1))
    IFS=';' read -r -a fields <<<"$case"
    name=${fields[0]}
    args=("${fields[@]:1}")
    quoted=$(printf '%q ' "${args[@]}")
    gnu_cmd="/usr/bin/grep -E $quoted $corpus"
    rg_cmd="rg -j1 --no-config $quoted $corpus"
    # minigrep reads BRE by default, as GNU grep does; the patterns are ERE.
    our_cmd="$minigrep -E $quoted $corpus"
    commands=(-n gnu "$gnu_cmd" -n rg "$rg_cmd" -n minigrep "$our_cmd")
    if [ -n "$learner_crate" ]; then
        commands+=(-n learner "$learner -E $quoted $corpus")
    fi
    # --output=pipe: GNU grep (and minigrep, which copies it) notices a /dev/null stdout and
    # stops at the first match, which would not measure a real search.
    hyperfine --style basic --output=pipe --warmup 1 --runs "$runs" \
        --export-csv "$results/$index.csv" "${commands[@]}" >"$results/$index.log" 2>&1 || {
        echo "hyperfine failed for $name; see $results/$index.log" >&2
        exit 1
    }
    # Through a pipe again: with /dev/null as output, minigrep (like GNU grep) would stop early.
    /usr/bin/time -f '%M' -o "$results/$index.rss" "$minigrep" -E "${args[@]}" "$corpus" 2>/dev/null | cat >/dev/null
    rss_kb=$(tail -n 1 "$results/$index.rss")
    if cmp -s <("$minigrep" -E "${args[@]}" "$corpus" 2>/dev/null) <(/usr/bin/grep -E "${args[@]}" "$corpus" 2>/dev/null); then
        same=yes
    else
        same=NO
    fi
    if [ -n "$learner_crate" ]; then
        if ! cmp -s <("$learner" -E "${args[@]}" "$corpus" 2>/dev/null) <(/usr/bin/grep -E "${args[@]}" "$corpus" 2>/dev/null); then
            echo "warning: the learner's output differs from GNU grep's for: $name" >&2
        fi
        /usr/bin/time -f '%M' -o "$results/$index.learner.rss" "$learner" -E "${args[@]}" "$corpus" 2>/dev/null | cat >/dev/null
        python3 - "$results/$index.csv" "$name" "$rss_kb" "$(tail -n 1 "$results/$index.learner.rss")" >&3 <<'EOF'
import csv, sys
path, name, reference_kb, learner_kb = sys.argv[1:]
subjects = {"learner": "learner", "minigrep": "reference", "gnu": "GNU grep", "rg": "rg -j1"}
for row in csv.DictReader(open(path)):
    print(f"RESULT\t{name}\t{subjects[row['command']]}\t{float(row['mean']):.4f}\ts\tlower")
print(f"RESULT\t{name}: peak RSS\tlearner\t{int(learner_kb) / 1024:.1f}\tMiB\tlower")
print(f"RESULT\t{name}: peak RSS\treference\t{int(reference_kb) / 1024:.1f}\tMiB\tlower")
EOF
    fi
    python3 - "$results/$index.csv" "$name" "$rss_kb" "$same" <<'EOF'
import csv, sys
path, name, rss_kb, same = sys.argv[1:]
rows = {row["command"]: row for row in csv.DictReader(open(path))}
mean = {command: float(row["mean"]) for command, row in rows.items()}
spread = {command: float(row["stddev"]) for command, row in rows.items()}
fastest = {command: float(row["min"]) for command, row in rows.items()}
cell = lambda command: f"{mean[command]:.3f} ± {spread[command]:.3f} ({fastest[command]:.3f})"
ratio = lambda other: f"{mean['minigrep'] / mean[other]:.2f}x ({fastest['minigrep'] / fastest[other]:.2f}x)"
print(f"| {name} | {cell('gnu')} | {cell('rg')} | {cell('minigrep')} | {ratio('gnu')} | {ratio('rg')} | {int(rss_kb) / 1024:.1f} | {same} |")
EOF
done
printf '\nCommands: %s -E ARGS corpus; rg -j1 --no-config ARGS corpus; minigrep -E ARGS corpus\n' /usr/bin/grep
printf 'Raw hyperfine logs and CSV: %s\n' "$results"

#!/usr/bin/env bash
# Runs GNU grep 3.8's own test suite (the `tests/` directory of Debian bookworm's source
# package) against minigrep, and, for the baseline, against the GNU grep it builds.
#
# Usage: gnu-tests/run.sh [minigrep|gnu|both] [TEST...]
#   default `both`; TEST names (e.g. `backref foad1`) restrict the run to those scripts.
#   MINIGREP_GNU_TESTS_CACHE  where the source is kept (default ~/.cache/minigrep-gnu-tests)
#   CARGO_TARGET_DIR          honoured when locating the minigrep binary
#
# What it does:
#   1. adds a `deb-src` line for bookworm (if none) and runs `apt-get source grep`;
#   2. configures and builds GNU grep there once (GNU's tests need its helper programs and a
#      configured Makefile);
#   3. runs `make check-TESTS` in `tests/` with `src/grep` being GNU's binary, then with
#      `src/grep` a symbolic link named `grep` to minigrep (so messages start with `grep:`, as
#      GNU grep takes its name from argv[0] too);
#   4. prints, per tool, `N passed, M failed` (plus skipped), and the names of the failures.
# It needs root (or sudo) only for the apt steps.
set -euo pipefail

crate_dir=$(cd "$(dirname "$0")/.." && pwd)
workspace=$(cd "$crate_dir/../.." && pwd)
cache=${MINIGREP_GNU_TESTS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/minigrep-gnu-tests}
which=${1:-both}
shift || true
only=("$@")
export LC_ALL=C.UTF-8

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo=sudo; fi

source_dir=$(ls -d "$cache"/grep-3.8 2>/dev/null || true)
if [ -z "$source_dir" ]; then
    if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ &&
        ! grep -qs '^deb-src' /etc/apt/sources.list; then
        echo "Adding a deb-src entry for bookworm..." >&2
        printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' |
            $sudo tee /etc/apt/sources.list.d/minigrep-deb-src.sources >/dev/null
    fi
    $sudo apt-get update -q >&2
    command -v dpkg-source >/dev/null || DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q dpkg-dev >&2
    # Debian's patches touch Makefile.am, so make regenerates with automake; build-dep brings
    # it (and libpcre2-dev, so the GNU baseline includes -P).
    DEBIAN_FRONTEND=noninteractive $sudo apt-get build-dep -y -q grep >&2
    mkdir -p "$cache"
    (cd "$cache" && apt-get source -q grep >&2)
    source_dir=$(ls -d "$cache"/grep-3.8)
fi

if [ ! -x "$source_dir/src/grep.gnu" ]; then
    echo "Building GNU grep in $source_dir (once)..." >&2
    # MAKEINFO=true: the manual is not needed, and texinfo is usually not installed.
    # autoreconf, as Debian's build does: its patches touch Makefile.am, and the shipped
    # Makefile.in files were made by a prerelease automake that make would try to rerun.
    (cd "$source_dir" && { [ -f Makefile ] || { autoreconf -fi >&2 && ./configure -q --disable-nls >&2; }; } &&
        make -s -j2 MAKEINFO=true >&2 &&
        make -s -j2 -C tests check TESTS= >&2)
    cp "$source_dir/src/grep" "$source_dir/src/grep.gnu"
fi

(cd "$workspace" && cargo build --release -q -p minigrep)
minigrep="${CARGO_TARGET_DIR:-$workspace/target}/release/minigrep"

# Runs the suite with `src/grep` replaced by $1; prints the summary for label $2.
run_suite() {
    local binary=$1 label=$2
    rm -f "$source_dir/src/grep"
    ln -s "$binary" "$source_dir/src/grep"
    local tests_arg=()
    if [ ${#only[@]} -gt 0 ]; then tests_arg=("TESTS=${only[*]}"); fi
    # check-TESTS runs the scripts without rebuilding src/grep; failures are expected.
    (cd "$source_dir/tests" && rm -f ./*.log ./*.trs &&
        timeout 1800 make -s -k check-TESTS "${tests_arg[@]}" VERBOSE=no >/dev/null 2>&1) || true
    local results="$cache/results-$label"
    rm -rf "$results"
    mkdir -p "$results"
    cp "$source_dir"/tests/*.log "$source_dir"/tests/*.trs "$results"/ 2>/dev/null || true
    local passed failed skipped failures
    # (`|| true`: grep -l exits 1 when no file has that result, which pipefail would turn fatal.)
    passed=$({ grep -l '^:test-result: PASS' "$results"/*.trs || true; } | wc -l)
    failures=$({ grep -l '^:test-result: \(FAIL\|ERROR\)' "$results"/*.trs || true; } |
        xargs -r -n1 basename | sed 's/\.trs$//' | tr '\n' ' ')
    failed=$(echo "$failures" | wc -w)
    skipped=$({ grep -l '^:test-result: SKIP' "$results"/*.trs || true; } | wc -l)
    # GNU marks a test it fails itself as XFAIL (expected failure); an implementation that
    # passes it shows XPASS. Neither counts as passed or failed above.
    xfail=$({ grep -l '^:test-result: XFAIL' "$results"/*.trs || true; } | xargs -r -n1 basename | sed 's/\.trs$//' | tr '\n' ' ')
    xpass=$({ grep -l '^:test-result: XPASS' "$results"/*.trs || true; } | xargs -r -n1 basename | sed 's/\.trs$//' | tr '\n' ' ')
    echo "$label: $passed passed, $failed failed ($skipped skipped)"
    if [ -n "$xfail" ]; then echo "  expected failures (XFAIL): $xfail"; fi
    if [ -n "$xpass" ]; then echo "  unexpected passes (XPASS): $xpass"; fi
    if [ -n "$failures" ]; then echo "  failed: $failures"; fi
    echo "  logs: $results"
}

case "$which" in
gnu) run_suite "$source_dir/src/grep.gnu" gnu ;;
minigrep) run_suite "$minigrep" minigrep ;;
both)
    run_suite "$source_dir/src/grep.gnu" gnu
    run_suite "$minigrep" minigrep
    ;;
*) echo "usage: $0 [minigrep|gnu|both] [TEST...]" >&2; exit 2 ;;
esac
# Leave GNU's binary in place, so the source tree stays usable for `make`.
rm -f "$source_dir/src/grep"
cp "$source_dir/src/grep.gnu" "$source_dir/src/grep"

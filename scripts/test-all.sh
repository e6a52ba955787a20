#!/usr/bin/env bash
# The one command that proves the repository is healthy; CI (.ci/run) calls exactly this.
#
# It installs what the checks need when it is missing (mdbook, Miri), then runs, in order:
# rustfmt, clippy, every test and doctest of the workspace, the exercise contract, the book
# build with its link check, and Miri over the crates that contain `unsafe`.
# Each step prints a banner so a failure is easy to place.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "tools"
if ! command -v mdbook >/dev/null 2>&1; then
    # Only `mdbook build` is needed here: leaving out the `serve` and `watch` features (an HTTP
    # server and a file watcher) roughly halves the build on a 2-core machine.
    echo "mdbook not found: building it with 'cargo install mdbook --locked --no-default-features --features search' (a few minutes)"
    cargo install mdbook --locked --quiet --no-default-features --features search
fi
mdbook --version
miri_ok=1
if ! cargo +nightly miri --version >/dev/null 2>&1; then
    rustup component add --toolchain nightly miri rust-src >/dev/null 2>&1 || true
fi
if ! cargo +nightly miri --version >/dev/null 2>&1; then
    miri_ok=0
    echo "Miri is not available (rustup could not install the nightly 'miri' component): the Miri step will be skipped"
else
    # Build Miri's standard library once, up front: the contract runs several Miri test
    # binaries at the same time, and they should not all find it missing together.
    cargo +nightly miri setup >/dev/null
fi

step "cargo fmt --check"
cargo fmt --all --check

step "cargo clippy (all targets, warnings are errors)"
cargo clippy --workspace --all-targets --quiet -- -D warnings

step "cargo test (every crate, unit, integration and doc tests)"
cargo test --workspace

step "exercise contract"
cargo course check

step "book"
cargo course book

step "Miri (crates with unsafe code)"
if [ "$miri_ok" = 1 ]; then
    # Each entry: package, then optional cargo target options (words starting with `--`,
    # default `--lib`), then test filters. Only tests that exercise the unsafe code run here:
    # Miri interprets every instruction, so it is orders of magnitude slower than native.
    # MIRIFLAGS: the file-system tests need real files, so isolation is off.
    grep -v '^#' scripts/miri-targets.txt | while read -r package rest; do
        [ -n "$package" ] || continue
        read -ra words <<< "$rest"
        targets=()
        filters=()
        for word in "${words[@]}"; do
            case "$word" in
                --*) targets+=("$word") ;;
                *) filters+=("$word") ;;
            esac
        done
        [ "${#targets[@]}" -gt 0 ] || targets=(--lib)
        echo "miri: $package $rest"
        MIRIFLAGS="-Zmiri-disable-isolation" cargo +nightly miri test --quiet -p "$package" "${targets[@]}" -- "${filters[@]}"
    done
else
    echo "skipped: Miri is not installed"
fi

printf '\nall checks passed\n'

#!/usr/bin/env bash
# `cargo course bench p3`: the kv-compare workload (modelled on redb's benchmark) against the
# learner's store, the reference store, redb and sled, as `RESULT` lines on stdout:
#
#   RESULT<TAB>case<TAB>subject<TAB>value<TAB>unit<TAB>better
#
# Environment (set by the runner; see the course's capstone design, section 5):
#   COURSE_LEARNER_CRATE       the learner's crate (package `kv`)
#   COURSE_REFERENCE_CRATE     the reference crate (this folder)
#   COURSE_LEARNER_TARGET_DIR  where to build the learner's side (release)
#   COURSE_QUICK=1             20,000 keys instead of 200,000
#
# The comparison crate is not copied into the course: the reference side is the workspace's own
# `kv-compare`; the learner's side is the same `compare/` sources in a throwaway workspace under
# COURSE_LEARNER_TARGET_DIR whose `kv` dependency points at the learner's crate. redb and sled
# run once, in the reference's process. Everything but the RESULT lines goes to stderr.
set -euo pipefail

: "${COURSE_LEARNER_CRATE:?set COURSE_LEARNER_CRATE to the crate to measure}"
: "${COURSE_LEARNER_TARGET_DIR:?set COURSE_LEARNER_TARGET_DIR to a build directory}"
reference="${COURSE_REFERENCE_CRATE:-$(cd "$(dirname "$0")/.." && pwd)}"
learner="$(cd "$COURSE_LEARNER_CRATE" && pwd)"
keys=200000
if [[ "${COURSE_QUICK:-}" == 1 ]]; then
  keys=20000
fi

# The course workspace that holds the reference and its comparison crate.
root_manifest="$(cargo locate-project --workspace --message-format plain \
  --manifest-path "$reference/compare/Cargo.toml")"
root="$(dirname "$root_manifest")"

# The learner's side: a workspace with the same pinned dependencies and lock file, whose only
# member is a copy of compare/ that links the learner's `kv`.
ws="$COURSE_LEARNER_TARGET_DIR/kv-compare-learner"
rm -rf "$ws"
mkdir -p "$ws/compare"
cp -R "$reference/compare/src" "$ws/compare/src"
sed "s|^kv = { path = \"..\" }|kv = { path = \"$learner\" }|" \
  "$reference/compare/Cargo.toml" >"$ws/compare/Cargo.toml"
grep -q "path = \"$learner\"" "$ws/compare/Cargo.toml" \
  || { echo "course-bench: could not point compare/Cargo.toml at $learner" >&2; exit 2; }
python3 - "$root_manifest" "$ws/Cargo.toml" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
text = re.sub(r"members = \[[^\]]*\]", 'members = ["compare"]', text, count=1)
text = re.sub(r"exclude = \[[^\]]*\]\n", "", text, count=1)
open(sys.argv[2], "w").write(text)
PY
cp "$root/Cargo.lock" "$ws/Cargo.lock"

echo "course-bench: building the reference's kv-compare (release)" >&2
(cd "$root" && cargo build --release --quiet -p kv-compare) >&2
target_dir="$(cd "$root" && cargo metadata --format-version 1 --no-deps \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
reference_bin="$target_dir/release/kv-compare"

echo "course-bench: building kv-compare against $learner (release)" >&2
CARGO_TARGET_DIR="$COURSE_LEARNER_TARGET_DIR/target" \
  cargo build --release --quiet --manifest-path "$ws/Cargo.toml" -p kv-compare >&2
learner_bin="$COURSE_LEARNER_TARGET_DIR/target/release/kv-compare"

echo "course-bench: learner ($keys keys)" >&2
"$learner_bin" --keys "$keys" --only-kv --results learner
echo "course-bench: reference, redb and sled ($keys keys)" >&2
"$reference_bin" --keys "$keys" --results reference

#!/usr/bin/env bash
# What `cargo course bench p1` runs: the learner mode of compare.sh (see its header), which races
# the learner's minigrep, the reference, GNU grep and `rg -j1` on the kernel-source corpus and
# prints RESULT lines. Environment: COURSE_LEARNER_CRATE (required), COURSE_REFERENCE_CRATE,
# COURSE_LEARNER_TARGET_DIR, COURSE_QUICK=1.
set -euo pipefail
if [ -z "${COURSE_LEARNER_CRATE:-}" ]; then
    echo "course-bench.sh: set COURSE_LEARNER_CRATE to the learner's crate (cargo course bench p1 does)" >&2
    exit 2
fi
exec "$(dirname "$0")/compare.sh"

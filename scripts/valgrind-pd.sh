#!/usr/bin/env bash
# The Pd end-to-end suites with pd under valgrind memcheck (issue 5). Any memcheck error that the
# suppressions do not cover makes pd exit with 99, and the test that ran it fails with the report.
# scripts/valgrind-pd.supp documents each suppression (none may name ndm code).
# Usage: scripts/valgrind-pd.sh [cargo test filters…]   (about 20 minutes on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind > /dev/null || { echo "valgrind missing: apt-get install valgrind"; exit 1; }
export NDM_PD_WRAPPER="valgrind --tool=memcheck --error-exitcode=99 --track-origins=no \
  --suppressions=$PWD/scripts/valgrind-pd.supp --gen-suppressions=all --num-callers=30"
export NDM_PD_SLOWDOWN=${NDM_PD_SLOWDOWN:-20}
# The vanilla-Pd crash comparison kills pd on purpose: it is not ours to check.
cargo test -p ndm-pd --test pd_e2e --test pd_hardening -- --test-threads=1 \
  --skip deleting_the_object_from_its_own_outlet_chain "$@"

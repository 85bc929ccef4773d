#!/usr/bin/env bash
# Every test: Rust (unit, golden parity, engine, object via the fake host, CLI, Pd end to end)
# and Python (features, losses, export parity, tiny train → export → evaluate), plus the
# benchmark smoke run. Sets up what it needs first (scripts/setup.sh).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
scripts/setup.sh
cargo build --quiet --workspace --all-targets
cargo run --quiet --release --bin ndm -- bench --quick >/dev/null
cargo test --workspace 2>&1
.venv/bin/python -m pytest -q models/train/tests

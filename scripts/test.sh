#!/usr/bin/env bash
# Every test: Rust (unit, golden parity, engine, object via the fake host, CLI, Max patchers,
# Pd end to end, hardening; the criterion benches run once each as a smoke) and Python
# (features, losses, labels, export parity, tiny train → export → evaluate).
# Sets up what it needs first (scripts/setup.sh).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
scripts/setup.sh
cargo test --workspace --all-targets 2>&1
.venv/bin/python -m pytest -q models/train/tests

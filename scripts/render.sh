#!/usr/bin/env bash
# Render drum sounds with the bundled model into WAV files (default: one per class, here).
# Everything after the script name goes to `ndm render`, e.g. --class snare --xy 0.2 0.8 --sr 48000.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NDM_SETUP_PYTHON=0 NDM_SETUP_APT=0 "$ROOT/scripts/setup.sh" >&2
cargo build --quiet --release --manifest-path "$ROOT/Cargo.toml" --bin ndm
exec "$ROOT/target/release/ndm" render "$@"

#!/usr/bin/env bash
# The effect of each speed change of issue 4, one at a time, on this machine (one thread):
#   session-1 graphs (ConvTranspose, separate heads, ELU op) with ort's default optimisation
#   level (Layout), then optimisation level All, then the deploy twins, then both.
# The session-1 bundle comes from git history (commit 28b21eb); the models differ in weights only
# where noted in BENCHMARKS.md, and latency does not depend on weights.
# Usage: benches/effect_of_changes.sh [runs]   (after `cargo build --release`)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-50}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git archive 28b21eb models/ndm-v1 | tar -x -C "$tmp"
old="$tmp/models/ndm-v1"
new=models/ndm-v1
echo "| graphs | ORT optimisation | decoder | MCNN 0.25 s | MCNN 1 s | full path 1 s @ 48 kHz | encode, class guessed |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: |"
for cfg in "$old layout session-1" "$old all session-1" "$new layout deploy" "$new all deploy"; do
  set -- $cfg
  target/release/ndm --bundle "$1" bench --runs "$runs" --opt-level "$2" --json "$tmp/b.json" > /dev/null
  python3 - "$tmp/b.json" "$3" "$2" <<'PY'
import json, sys
rows = {r["name"]: r["median_ms"] for r in json.load(open(sys.argv[1]))["rows"]}
get = lambda prefix: next(v for k, v in rows.items() if k.startswith(prefix))
print(f"| {sys.argv[2]} | {sys.argv[3]} | {get('decoder'):.2f} | {get('mcnn 0.25 s'):.2f} | {get('mcnn 1 s'):.2f} "
      f"| {get('full path 1 s'):.2f} | {get('encode 1 s (class guessed'):.2f} |")
PY
done

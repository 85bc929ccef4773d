#!/usr/bin/env bash
# The effect of each speed change of issue 4, one at a time, on this machine (one thread).
# Each row is the bundle of one commit (from git history, so anyone can re-run this), timed by
# `ndm bench` at an ORT optimisation level:
#   28b21eb  session 1: ConvTranspose graphs, separate heads, ELU op (levels layout and all)
#   33d8f28  session 2: sub-pixel deploy twins, fused heads, ELU as Where/Exp
#   4743475  session 3: decoder's last stage on the phase grid, MCNN heads summed in the last
#            conv's weights (same weights as 33d8f28's MCNN: exact rewrites)
#   1fdc9ab  session 3: the decoder distilled into a 4× cheaper one
#   720a1e2  session 4: 2 Griffin-Lim rounds after the (4-head) MCNN, for recognisability
#   working tree: whatever models/ndm-v1 holds now (session 4: the MCNN pruned to 2 heads, with
#            its 2 rounds), also with the rounds off (refine 0)
# Weights differ between sessions (see BENCHMARKS.md); latency depends on the graphs' shapes only.
# Usage: benches/effect_of_changes.sh [runs]   (after `cargo build --release`)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-50}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bundle_at() { mkdir -p "$tmp/$1" && git archive "$1" models/ndm-v1 | tar -x -C "$tmp/$1" && echo "$tmp/$1/models/ndm-v1"; }
echo "| bundle | ORT optimisation | decoder | MCNN 0.25 s | MCNN 1 s | full path 1 s @ 48 kHz | full path 0.25 s / 1 s | encode, class guessed |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
for cfg in "28b21eb layout" "28b21eb all" "33d8f28 all" "4743475 all" "1fdc9ab all" \
           "720a1e2 all" "working-tree all 0" "working-tree all"; do
  set -- $cfg
  if [ "$1" = working-tree ]; then dir=models/ndm-v1; else dir=$(bundle_at "$1"); fi
  refine=(); label=$1
  if [ $# -ge 3 ]; then refine=(--refine "$3"); label="$1, refine $3"; fi
  target/release/ndm --bundle "$dir" bench --runs "$runs" --opt-level "$2" "${refine[@]}" --json "$tmp/b.json" > /dev/null
  python3 - "$tmp/b.json" "$label" "$2" <<'PY'
import json, sys
rows = {r["name"]: r["median_ms"] for r in json.load(open(sys.argv[1]))["rows"]}
get = lambda prefix: next(v for k, v in rows.items() if k.startswith(prefix))
full1, full25 = get("full path 1 s"), get("full path 0.25 s")
print(f"| {sys.argv[2]} | {sys.argv[3]} | {get('decoder'):.2f} | {get('mcnn 0.25 s'):.2f} | {get('mcnn 1 s'):.2f} "
      f"| {full1:.2f} | {100 * full25 / full1:.0f}% | {get('encode 1 s (class guessed'):.2f} |")
PY
done

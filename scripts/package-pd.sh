#!/usr/bin/env bash
# Build the Pd external in release and assemble the deken-style package folder dist/pd/ndm~/:
#   ndm~.pd_linux  ndm~-help.pd  models/ndm-v1/  libonnxruntime.so  README.txt  LICENSE (if any)
# Needs: cargo; .ort/libonnxruntime.so (scripts/setup-ort.sh); a bundle in models/ndm-v1 (or
# NDM_BUNDLE=<folder>). Upload with deken: `deken package --version <v> dist/pd/ndm~`.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/dist/pd/ndm~"
BUNDLE="${NDM_BUNDLE:-$ROOT/models/ndm-v1}"
ORT="$ROOT/.ort/libonnxruntime.so"

[[ -f "$BUNDLE/bundle.json" ]] || { echo "package-pd: no model bundle at $BUNDLE (set NDM_BUNDLE)" >&2; exit 1; }
[[ -e "$ORT" ]] || { echo "package-pd: $ORT missing: run scripts/setup-ort.sh" >&2; exit 1; }

(cd "$ROOT" && cargo build --release -j"${JOBS:-1}" -p ndm-pd)
rm -rf "$OUT"
mkdir -p "$OUT/models"
cp "$ROOT/target/release/libndm_pd.so" "$OUT/ndm~.pd_linux"
strip --strip-debug "$OUT/ndm~.pd_linux" 2>/dev/null || true
cp "$ROOT/help/ndm~-help.pd" "$OUT/"
cp -rL "$BUNDLE" "$OUT/models/ndm-v1"
cp -L "$ORT" "$OUT/libonnxruntime.so"
[[ -f "$ROOT/LICENSE" ]] && cp "$ROOT/LICENSE" "$OUT/"
cat > "$OUT/README.txt" <<'TXT'
ndm~ - neural drum machine for Pure Data (Linux x86_64, Pd >= 0.51, single precision)

Install: copy this folder (ndm~) into a folder on Pd's search path (Preferences > Path, or
~/Documents/Pd/externals), or install it with deken. Open ndm~-help.pd.

[ndm~ myarray] renders drum one-shots from the model in models/ndm-v1 into the Pd array
"myarray" (resized, at Pd's sample rate) and bangs its left outlet when the sound is there.
Messages: class, xy (or a list into the middle inlet), bang, random, vary, encode <array>,
store/recall/morph, dump, ... see the help patch.

libonnxruntime.so (ONNX Runtime, MIT licence) is loaded from this folder; set ORT_DYLIB_PATH
to use another copy. Another model: send "model <folder>" or set NDM_BUNDLE.
TXT
echo "package-pd: assembled $OUT"
ls -la "$OUT"

#!/usr/bin/env bash
# Fetch the ONNX Runtime shared library (from the PyPI wheel) into <repo>/.ort/.
# Idempotent: does nothing when .ort/libonnxruntime.so already exists.
# Needs python3 with pip and unzip (or python's zipfile, used as a fallback).
set -euo pipefail

ORT_VERSION="${ORT_VERSION:-1.31.1}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/.ort"
LIB="libonnxruntime.so.${ORT_VERSION}"

if [[ -e "$DEST/libonnxruntime.so" && -e "$DEST/$LIB" ]]; then
    echo "setup-ort: $DEST/libonnxruntime.so already present"
    exit 0
fi

mkdir -p "$DEST"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

python3 -m pip download --quiet --no-deps --only-binary=:all: \
    --python-version 3.12 --platform manylinux_2_28_x86_64 \
    "onnxruntime==${ORT_VERSION}" -d "$TMP"

WHEEL="$(ls "$TMP"/onnxruntime-"${ORT_VERSION}"-*.whl | head -n1)"
MEMBER="onnxruntime/capi/${LIB}"
python3 - "$WHEEL" "$MEMBER" "$DEST/$LIB" <<'PY'
import shutil, sys, zipfile
wheel, member, out = sys.argv[1:4]
with zipfile.ZipFile(wheel) as z, z.open(member) as src, open(out + ".tmp", "wb") as dst:
    shutil.copyfileobj(src, dst)
import os
os.replace(out + ".tmp", out)
PY
ln -sf "$LIB" "$DEST/libonnxruntime.so"
echo "setup-ort: installed $DEST/$LIB"

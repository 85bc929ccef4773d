#!/usr/bin/env bash
# One-time set-up of a Linux machine for ndm, idempotent: Debian packages (Pure Data for the
# end-to-end tests), the Python environment in .venv (training, export, Python tests), and the
# ONNX Runtime library in .ort/ (scripts/setup-ort.sh). Skips what is already there.
#   NDM_SETUP_PYTHON=0  skip the Python environment (rendering needs only Rust + .ort)
#   NDM_SETUP_APT=0     skip Debian packages
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

if [[ "${NDM_SETUP_APT:-1}" == 1 ]] && ! command -v pd >/dev/null 2>&1; then
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
        echo "setup: installing puredata-core"
        apt-get update -q >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends puredata-core >/dev/null
    else
        echo "setup: Pure Data (pd) is missing; install Debian's puredata-core for the Pd tests" >&2
    fi
fi

if [[ "${NDM_SETUP_PYTHON:-1}" == 1 ]]; then
    if [[ ! -f .venv/.ndm-ready ]] || ! cmp -s models/requirements.txt .venv/.ndm-ready; then
        echo "setup: Python environment in .venv (torch is large: a few minutes the first time)"
        python3 -m venv .venv
        .venv/bin/pip install -q --upgrade pip
        .venv/bin/pip install -q -r models/requirements.txt
        .venv/bin/pip install -q --no-deps tinysoundfont==0.3.7
        cp models/requirements.txt .venv/.ndm-ready
    fi
fi

scripts/setup-ort.sh

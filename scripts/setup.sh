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

# PyPI's torch pulls ~4 GB of CUDA wheels and triton (1 GB, only for torch.compile on a GPU):
# a CI disk ran out installing them in one pip call (every wheel downloaded before the first is
# unpacked, then kept in pip's cache). So: the pinned set of models/requirements-lock.txt without
# triton, --no-deps, no cache, and one pip call per large wheel, which bounds the peak at the
# installed size plus one download.
if [[ "${NDM_SETUP_PYTHON:-1}" == 1 ]]; then
    LOCK=models/requirements-lock.txt
    if [[ ! -f .venv/.ndm-ready ]] || ! cmp -s "$LOCK" .venv/.ndm-ready; then
        echo "setup: Python environment in .venv (torch is large: a few minutes the first time)"
        df -h . | awk 'NR==2 {print "setup: " $4 " free on " $6}'
        export PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
        python3 -m venv .venv
        pins=$(grep -vE '^\s*(#|$)' "$LOCK")
        for big in $(grep -E '^(torch|nvidia-[a-z0-9-]+)==' <<<"$pins"); do
            .venv/bin/pip install -q --no-deps "$big"
        done
        grep -vE '^(torch|nvidia-[a-z0-9-]+)==' <<<"$pins" | .venv/bin/pip install -q --no-deps -r /dev/stdin
        cp "$LOCK" .venv/.ndm-ready
    fi
fi

scripts/setup-ort.sh

#!/usr/bin/env bash
# Builds ndm~ for Windows x64 and assembles the Max package in dist/max/ndm/.
# Run on Windows in Git Bash (or MSYS2) with rustup's x86_64-pc-windows-msvc toolchain, the
# Visual Studio C++ build tools and network access (cargo fetches median and its max-sdk
# submodule, whose MaxAPI.lib/MaxAudio.lib median links; ort downloads and links ONNX Runtime
# statically):
#
#   max-package/scripts/build-windows.sh
#
# Output: dist/max/ndm/externals/ndm~.mxe64 (the cdylib, renamed) plus the package content.
# Install: copy dist/max/ndm into Documents\Max 8\Packages\ (or Max 9\Packages).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
crate="$root/max-package/source/ndm_tilde"
target="${TARGET:-x86_64-pc-windows-msvc}"

rustup target add "$target" >/dev/null
cargo build --release --manifest-path "$crate/Cargo.toml" --target "$target"

pkg="$root/dist/max/ndm"
rm -rf "$pkg"
mkdir -p "$pkg/externals"
cp "$crate/target/$target/release/ndm_tilde.dll" "$pkg/externals/ndm~.mxe64"
"$here/assemble-package.sh" "$pkg"
echo "package: $pkg"

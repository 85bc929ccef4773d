#!/usr/bin/env bash
# Builds ndm~ for macOS and assembles the installable Max package in dist/max/ndm/.
# Run on a Mac with Xcode command line tools, rustup and network access (cargo fetches median
# from GitHub and ort downloads ONNX Runtime for arm64):
#
#   max-package/scripts/build-macos.sh            # universal (arm64 + x86_64)
#   ARCHS=aarch64 max-package/scripts/build-macos.sh
#
# arm64: ONNX Runtime is linked statically (ort's download-binaries).
# x86_64: ort 2.0.0-rc.15 ships no Intel macOS library, so the external loads
#   libonnxruntime.dylib at run time from its own bundle (ndm~.mxo/Contents/MacOS/). Give its
#   path in ORT_DYLIB_X86_64 (e.g. from the PyPI wheel onnxruntime==1.31.x, macosx x86_64:
#   onnxruntime/capi/libonnxruntime.<version>.dylib); without it the x86_64 slice is built but
#   cannot load a model on Intel Macs.
# The model bundle comes from models/ndm-v1 (override with BUNDLE=/path/to/bundle).
# Install: copy dist/max/ndm into ~/Documents/Max 8/Packages/ (or Max 9/Packages).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
crate="$root/max-package/source/ndm_tilde"
archs="${ARCHS:-aarch64 x86_64}"
profile_dir=release
export MACOSX_DEPLOYMENT_TARGET="${MACOSX_DEPLOYMENT_TARGET:-11.0}"
# Max resolves its API symbols when it loads the external.
export RUSTFLAGS="${RUSTFLAGS:-} -C link-args=-Wl,-undefined,dynamic_lookup"

[ "$(uname -s)" = Darwin ] || { echo "build-macos.sh runs on macOS (see scripts/check.sh for a type-check elsewhere)" >&2; exit 2; }

libs=()
for a in $archs; do
  t="$a-apple-darwin"
  rustup target add "$t" >/dev/null
  cargo build --release --manifest-path "$crate/Cargo.toml" --target "$t"
  libs+=("$crate/target/$t/$profile_dir/libndm_tilde.dylib")
done

out="$root/dist/max"
pkg="$out/ndm"
rm -rf "$pkg"
mkdir -p "$pkg/externals"
mxo="$pkg/externals/ndm~.mxo"
mkdir -p "$mxo/Contents/MacOS" "$mxo/Contents/Resources"
lipo -create -output "$mxo/Contents/MacOS/ndm~" "${libs[@]}"
printf 'iLaX????' > "$mxo/Contents/PkgInfo"
cat > "$mxo/Contents/Info.plist" <<'PLIST'
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>CFBundleDevelopmentRegion</key>
	<string>English</string>
	<key>CFBundleExecutable</key>
	<string>ndm~</string>
	<key>CFBundleIdentifier</key>
	<string>org.ndm.ndm-tilde</string>
	<key>CFBundleInfoDictionaryVersion</key>
	<string>6.0</string>
	<key>CFBundleName</key>
	<string>ndm~</string>
	<key>CFBundlePackageType</key>
	<string>iLaX</string>
	<key>CFBundleShortVersionString</key>
	<string>0.1.0</string>
	<key>CFBundleSignature</key>
	<string>max2</string>
	<key>CFBundleVersion</key>
	<string>0.1.0</string>
	<key>LSMinimumSystemVersion</key>
	<string>11.0</string>
</dict>
</plist>
PLIST
if [[ " $archs " == *" x86_64 "* ]]; then
  if [ -n "${ORT_DYLIB_X86_64:-}" ]; then
    cp "$ORT_DYLIB_X86_64" "$mxo/Contents/MacOS/libonnxruntime.dylib"
  else
    echo "warning: ORT_DYLIB_X86_64 not set: the x86_64 slice will not find ONNX Runtime" >&2
  fi
fi
codesign --force --deep -s - "$mxo"   # ad-hoc signature; Gatekeeper may still need xattr -dr com.apple.quarantine

"$here/assemble-package.sh" "$pkg"
echo "package: $pkg"

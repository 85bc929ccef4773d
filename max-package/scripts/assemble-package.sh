#!/usr/bin/env bash
# Copies everything except the external into a Max package folder (default dist/max/ndm/):
# package-info.json, icon.png, help/, docs/, patchers/, examples/, devices/, init/ (if any)
# and the default model bundle (models/ndm-v1, or BUNDLE=/path). Used by build-macos.sh and
# build-windows.sh; runs anywhere (bash, cp).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
src="$root/max-package"
pkg="${1:-$root/dist/max/ndm}"
bundle="${BUNDLE:-$root/models/ndm-v1}"

mkdir -p "$pkg/help" "$pkg/docs" "$pkg/models"
cp "$src/package-info.json" "$src/icon.png" "$pkg/"
cp "$root/help/ndm~.maxhelp" "$pkg/help/"
cp "$src/docs/"*.maxref.xml "$pkg/docs/"
for d in patchers examples devices init extras media; do
  if [ -d "$src/$d" ]; then
    mkdir -p "$pkg/$d"
    cp -R "$src/$d/." "$pkg/$d/"
  fi
done
if [ -f "$bundle/bundle.json" ]; then
  rm -rf "$pkg/models/ndm-v1"
  cp -R "$bundle" "$pkg/models/ndm-v1"
else
  echo "warning: no model bundle at $bundle (bundle.json missing): the package will have no model" >&2
fi
echo "assembled $pkg"

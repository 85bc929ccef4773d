#!/usr/bin/env bash
# Type-checks the Max external (max-package/source/ndm_tilde) for macOS arm64 and x86_64 (and,
# with WINDOWS=1, Windows x64) on any machine, Linux included, against a local copy of median's
# source at the pinned revision. Nothing is linked: that needs a Mac or Windows machine
# (scripts/build-macos.sh, scripts/build-windows.sh).
#
# Usage:   MEDIAN_SRC=/path/to/median max-package/scripts/check.sh
#
# Getting median's source (once; it is NOT vendored into this repository):
#   git clone https://github.com/Cycling74/median /path/to/median
#   git -C /path/to/median checkout <rev>      # <rev>: the `rev` in ndm_tilde/Cargo.toml
# (a `git worktree add --detach /path/to/median <rev>` of any clone works too). median's
# max-sys ships pre-generated bindings (src/ffi-*.rs), so the Max SDK submodule is not needed
# for a check.
#
# Why not a plain `cargo check` with [patch]: cargo still fetches the git dependency (and its
# max-sdk submodule) before applying a patch. So this script writes a temporary copy of the
# manifest in which median is a path dependency on $MEDIAN_SRC and ndm a path dependency on
# this repository, and checks that. Path dependencies get full lints, and median's slice.rs
# trips the deny-by-default lint `invalid_null_arguments` on recent Rust: it is allowed here.
#
# Environment: MEDIAN_SRC (required), JOBS (cargo -j, default 1), WINDOWS=1 (also check
# x86_64-pc-windows-gnu), UPDATE_LOCK=1 (write the resolved versions back into
# ndm_tilde/Cargo.lock, with median's git source as a Mac/Windows build would record it).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
crate="$root/max-package/source/ndm_tilde"
: "${MEDIAN_SRC:?set MEDIAN_SRC to a checkout of https://github.com/Cycling74/median (see the top of this script)}"
MEDIAN_SRC="$(cd "$MEDIAN_SRC" && pwd)"
[ -f "$MEDIAN_SRC/median/Cargo.toml" ] || { echo "MEDIAN_SRC=$MEDIAN_SRC has no median/Cargo.toml" >&2; exit 2; }

rev="$(sed -n 's/^median = .*rev = "\([0-9a-f]*\)".*/\1/p' "$crate/Cargo.toml")"
[ -n "$rev" ] || { echo "no pinned median rev found in $crate/Cargo.toml" >&2; exit 2; }
if have="$(git -C "$MEDIAN_SRC" rev-parse HEAD 2>/dev/null)"; then
  if [ "$have" != "$rev" ]; then
    echo "MEDIAN_SRC is at $have, the crate pins $rev: check out the pinned revision" >&2
    exit 2
  fi
  echo "median: $MEDIAN_SRC at the pinned revision $rev"
else
  echo "warning: $MEDIAN_SRC is not a git checkout; cannot confirm it is revision $rev" >&2
fi

work="$crate/target/check-manifest"
mkdir -p "$work"
rm -rf "$work/src"
cp -r "$crate/src" "$work/src"
sed -e "s|^median = .*|median = { path = \"$MEDIAN_SRC/median\" }|" \
    -e "s|path = \"../../..\"|path = \"$root\"|" \
    "$crate/Cargo.toml" > "$work/Cargo.toml"
# Start from the committed lock (same versions as a real build), else from the root crate's.
if [ ! -f "$work/Cargo.lock" ]; then
  if [ -f "$crate/Cargo.lock" ]; then cp "$crate/Cargo.lock" "$work/Cargo.lock"; else cp "$root/Cargo.lock" "$work/Cargo.lock"; fi
fi

targets=(aarch64-apple-darwin x86_64-apple-darwin)
[ "${WINDOWS:-0}" = 1 ] && targets+=(x86_64-pc-windows-gnu)
status=0
for t in "${targets[@]}"; do
  rustup target list --installed | grep -qx "$t" || rustup target add "$t"
  echo "== cargo check --target $t"
  if ORT_SKIP_DOWNLOAD=1 RUSTFLAGS="${RUSTFLAGS:-} -A invalid_null_arguments" \
      CARGO_TARGET_DIR="$crate/target/check" \
      cargo check -j "${JOBS:-1}" --manifest-path "$work/Cargo.toml" --target "$t"; then
    echo "== $t: OK"
  else
    echo "== $t: FAILED"; status=1
  fi
done

if [ "${UPDATE_LOCK:-0}" = 1 ] && [ "$status" = 0 ]; then
  # Path packages have no `source` line; a git dependency records its repository and commit.
  awk -v src="git+https://github.com/Cycling74/median?rev=$rev#$rev" '
    /^name = "(median|max-sys|median_macros)"$/ { pending = 1 }
    { print }
    pending && /^version = / { print "source = \"" src "\""; pending = 0 }
  ' "$work/Cargo.lock" > "$crate/Cargo.lock"
  echo "wrote $crate/Cargo.lock"
fi
exit $status

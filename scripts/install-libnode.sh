#!/usr/bin/env bash
# Installs what the native code needs to build and run on Debian 12:
#  - build tools, protobuf (libprotobuf + protoc: the bridge protocol) and libnode's runtime
#    dependencies with apt-get install;
#  - libnode108 + libnode-dev (Node 18, the embeddable Node) unpacked into .deps/libnode.
# libnode108 cannot be apt-installed next to a separately installed `nodejs` package (it conflicts
# with it), so it is fetched with `apt-get download` and unpacked with `dpkg -x` into the project.
# Idempotent: does nothing when everything is already in place. Needs root (or sudo) for apt.
set -euo pipefail
cd "$(dirname "$0")/.."

PREFIX=.deps/libnode
DEBS=.deps/debs
# libnode has /usr/share/nodejs/{acorn,cjs-module-lexer,undici} compiled in: without node-acorn,
# node-cjs-module-lexer and node-undici the first environment aborts ("Cannot load externalized builtin").
PACKAGES=(cmake g++ pkg-config libuv1-dev libssl-dev libc-ares2 libicu72 libnghttp2-14 libbrotli1 zlib1g
  libprotobuf-dev protobuf-compiler
  node-acorn node-cjs-module-lexer node-undici)

say() { echo "install-libnode: $*"; }
die() { echo "install-libnode: error: $*" >&2; exit 1; }

command -v dpkg-query >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 \
  || die "this script needs a Debian system (dpkg, apt-get); install libnode-dev 18 yourself and pass -DLIBNODE_ROOT to cmake"

libnode_present() {
  [ -f "$PREFIX/usr/include/node/node.h" ] && compgen -G "$PREFIX/usr/lib/*/libnode.so.108" >/dev/null
}

missing=()
for p in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$status" = installed ] || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ] && libnode_present; then
  say "already in place ($PREFIX, apt packages installed)"
  exit 0
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || die "not root and no sudo: run as root, or install: ${missing[*]:-} (apt) and unpack libnode108/libnode-dev into $PREFIX"
  SUDO=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive

say "apt-get update"
"${SUDO[@]}" apt-get update -qq || die "apt-get update failed (is the Debian mirror reachable?)"

if [ ${#missing[@]} -gt 0 ]; then
  # Check every name first, so a missing package gives a clear error rather than apt's partial install.
  for p in "${missing[@]}"; do
    candidate=$(apt-cache policy "$p" 2>/dev/null | awk '/Candidate:/ {print $2}')
    [ -n "$candidate" ] && [ "$candidate" != "(none)" ] || die "apt has no installable candidate for '$p'"
  done
  say "apt-get install ${missing[*]}"
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get install ${missing[*]} failed"
fi
for f in /usr/share/nodejs/acorn /usr/share/nodejs/cjs-module-lexer /usr/share/nodejs/undici; do
  [ -e "$f" ] || die "$f is missing after installing node-acorn/node-cjs-module-lexer/node-undici"
done

if ! libnode_present; then
  for p in libnode108 libnode-dev; do
    candidate=$(apt-cache policy "$p" 2>/dev/null | awk '/Candidate:/ {print $2}')
    [ -n "$candidate" ] && [ "$candidate" != "(none)" ] || die "apt has no candidate for '$p' (expected Debian 12's Node 18)"
  done
  rm -rf "$DEBS" "$PREFIX"
  mkdir -p "$DEBS" "$PREFIX"
  say "apt-get download libnode108 libnode-dev into $DEBS"
  # apt drops privileges to _apt for downloads; let it write here so it does not warn about it.
  if id _apt >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then chown _apt "$DEBS"; fi
  (cd "$DEBS" && apt-get download -qq libnode108 libnode-dev) || die "apt-get download libnode108 libnode-dev failed"
  for deb in "$DEBS"/*.deb; do
    say "dpkg -x $(basename "$deb") $PREFIX"
    dpkg -x "$deb" "$PREFIX" || die "dpkg -x $deb failed"
  done
  libnode_present || die "libnode was unpacked but $PREFIX/usr/include/node/node.h or libnode.so.108 is missing"
fi

say "ok: $(ls "$PREFIX"/usr/lib/*/libnode.so.108) and $PREFIX/usr/include/node"

#!/usr/bin/env bash
# Installs everything mesos-policy needs on a fresh Debian machine and builds it.
# Idempotent; run as root (apt) or with the packages already present.
set -euo pipefail
cd "$(dirname "$0")/.."

need() { command -v "$1" >/dev/null 2>&1; }
if ! need node || ! need npm; then
  echo "install: Node.js 20 and npm are required (Debian: apt-get install nodejs npm)" >&2
  exit 1
fi

# The native bridge's build tools and libnode (Node 18, embeddable), unpacked into .deps/libnode.
bash scripts/install-libnode.sh

npm ci --no-audit --no-fund
npm run build
npm run build:native

#!/usr/bin/env bash
# The README's first command: install everything, then run the main job on the example agent.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
node dist/cli/main.js resources \
  --resources=file://examples/agents/seed-agent.resources \
  --attributes=file://examples/agents/seed-agent.attributes

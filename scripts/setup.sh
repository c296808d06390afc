#!/usr/bin/env bash
# The README's first command: install everything, then run the main job — the simulator on the
# seed talk's cluster (three agents with prod/stage reservations, three frameworks).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
node dist/cli/main.js simulate examples/scenarios/seed.json

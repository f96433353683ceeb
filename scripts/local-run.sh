#!/usr/bin/env bash
# Runs the action's main job (and its post step) locally, the way a runner does, against the local
# stack: builds the sample fixture for linux/amd64, linux/arm64 and linux/arm/v7, publishes it to
# the local registry, and prints the resulting manifest list.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/testenv.sh up >/dev/null
[ -d node_modules ] || npm ci --no-audit --no-fund
npm run --silent build >/dev/null
exec node scripts/local-run.js "$@"

#!/usr/bin/env bash
# The whole test suite: lint and format checks, make sure the real stack is up (idempotent, fast
# when it is), then unit and integration tests. Extra arguments go to jest.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent lint
npm run --silent format:check
bash .ci/testenv.sh up >/dev/null
exec npx jest --runInBand "$@"

#!/usr/bin/env bash
# The whole test suite: make sure the real stack is up (idempotent, fast when it is), then run
# unit and integration tests. Extra arguments go to jest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/testenv.sh up >/dev/null
exec npx jest --runInBand "$@"

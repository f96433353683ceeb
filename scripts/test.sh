#!/usr/bin/env bash
# The whole test suite: lint and format checks, the unit tests once, then the integration tests on
# each stack in turn (.ci/testenv.sh provisions and switches the engine; fast when already up).
# TESTENV_STACK=minimum|current runs the integration tests on that one stack. Extra arguments go
# to every jest run. Each jest result line names its stack (integration:minimum, integration:current).
set -euo pipefail
cd "$(dirname "$0")/.."

# GitHub's hosted runners have one stack, their own (current); this project's machines have both.
if grep -qx 'ID=ubuntu' /etc/os-release; then default_stacks=current; else default_stacks='minimum current'; fi
stacks=${TESTENV_STACK:-$default_stacks}

summary=()
failed=0
timed() { # name, command...: runs it, records pass/fail and wall time
  local name=$1 t0=$SECONDS rc=0
  shift
  "$@" || rc=$?
  summary+=("$(printf '%-22s %-6s %4d s' "$name" "$([ $rc = 0 ] && echo passed || echo FAILED)" $((SECONDS - t0)))")
  [ $rc = 0 ] || failed=1
  return $rc
}

# Test path patterns given as arguments (before --selectProjects, which takes several values)
# may match tests of one project only.
# --forceExit: a handle a test leaves open must not turn a finished, reported run into a CI timeout.
jest_args=(--forceExit "$@")
[ $# -eq 0 ] || jest_args+=(--passWithNoTests)

timed lint npm run --silent lint || true
timed format npm run --silent format:check || true
timed unit npx jest --runInBand "${jest_args[@]}" --selectProjects unit || true
for s in $stacks; do
  echo "=== integration tests on the $s stack ==="
  timed "provision:$s" env TESTENV_STACK="$s" bash .ci/testenv.sh up >/dev/null || continue
  TESTENV_STACK=$s bash .ci/testenv.sh versions | sed "s/^/[$s stack] /"
  timed "integration:$s" env TESTENV_STACK="$s" npx jest --runInBand "${jest_args[@]}" --selectProjects "integration:$s" || true
done

echo "=== summary ==="
printf '%s\n' "${summary[@]}"
exit $failed

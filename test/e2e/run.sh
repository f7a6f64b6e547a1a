#!/usr/bin/env bash
# End-to-end tests (npm run test:e2e): installs the harness (cached), packages the extension and
# the test helper, then runs test/e2e/runE2e.ts. Ends with "N passed, M failed".
set -euo pipefail
cd "$(dirname "$0")/../.."
export KVMARM_E2E_CACHE="${KVMARM_E2E_CACHE:-$HOME/.cache/kvmarm-e2e}"

# An assignment, not eval "$(...)": a failing setup must stop the run here, with its own message.
setup_vars="$(bash test/e2e/setup.sh)"
eval "$setup_vars"
export NODE24_DIR HARNESS_DIR

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
echo "e2e: packaging the extension" >&2
npm run --silent package >/dev/null
export KVMARM_VSIX="$PWD/kvmarm-weekly.vsix"
ls -l "$KVMARM_VSIX" | awk '{print "e2e: kvmarm-weekly.vsix is " $5 " bytes"}' >&2
export KVMARM_HELPER_VSIX="$(node test/extension/build.mjs "$out" | tail -1)"

node --import tsx test/e2e/runE2e.ts

#!/usr/bin/env bash
# Runs every test: unit tests, the test vectors through the library and the binary,
# and the agreement tests against the pinned AWS CLI (installed into .venv-awscli/ first).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

CLOUDTRAIL_VERIFY_AWSCLI_PYTHON="$(scripts/setup-awscli.sh)"
export CLOUDTRAIL_VERIFY_AWSCLI_PYTHON

# Swift Testing only: XCTest would print an "Executed 0 tests" block of its own.
exec swift test --disable-xctest "$@"

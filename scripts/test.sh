#!/usr/bin/env bash
# The test suite, exactly as CI runs it: system packages, the format lint, a debug build, the HubSpot compatibility
# check with HubSpot's official Python client, a tiny run of every benchmark (so they cannot rot),
# then every Swift test (last, so its summary closes the output).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-system-packages.sh
scripts/lint.sh
swift build --build-tests
scripts/sim-compat/run.sh
scripts/benchmarks-smoke.sh
swift test --skip-build

#!/bin/sh
# kill -9 of `leadsync sync --follow` at random moments, ROUNDS times (default 200), while new
# changes keep arriving; then a last `sync --once` must leave HubSpot (the simulator) in exactly
# the final state computed from the input. Prints the records re-sent after each crash.
#
#   scripts/crash-loop.sh [ROUNDS] [SEED]
set -eu
cd "$(dirname "$0")/.."
swift build --build-tests
# The test binary is run directly, not through `swift test`, whose lock on .build would make the
# long runs (crash-loop, fault-mix, fuzz-ingest, power-loss) wait for each other.
tests=.build/debug/leadsyncPackageTests.xctest
LEADSYNC_CRASH_ROUNDS="${1:-200}" LEADSYNC_CRASH_SEED="${2:-$(date +%s)}" \
    "$tests" --testing-library swift-testing --filter SyncCrashTests 2>&1 | grep -E "sync crash loop|✔|✘|error"

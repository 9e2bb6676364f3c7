#!/bin/sh
# Reliability suite, item 3: TRIALS power cuts (default 100) during a batched ingest, under the
# fsync-snapshot shim, at each durability: acknowledged lines lost per trial (0 expected at full).
#
#   scripts/power-loss.sh [TRIALS] [SEED]
set -eu
cd "$(dirname "$0")/.."
swift build --build-tests
# The test binary is run directly, not through `swift test`, whose lock on .build would make the
# long runs (crash-loop, fault-mix, fuzz-ingest, power-loss) wait for each other.
tests=.build/debug/leadsyncPackageTests.xctest
LEADSYNC_POWER_LOSS_TRIALS="${1:-100}" LEADSYNC_POWER_LOSS_SEED="${2:-$(date +%s)}" \
    "$tests" --testing-library swift-testing --filter PowerLossTests 2>&1 | grep -E "power loss|✔|✘|error"

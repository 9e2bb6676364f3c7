#!/bin/sh
# Reliability suite, item 3: TRIALS power cuts (default 100) during a batched ingest, under the
# fsync-snapshot shim, at each durability: acknowledged lines lost per trial (0 expected at full).
#
#   scripts/power-loss.sh [TRIALS] [SEED]
set -eu
cd "$(dirname "$0")/.."
swift build --build-tests
LEADSYNC_POWER_LOSS_TRIALS="${1:-100}" LEADSYNC_POWER_LOSS_SEED="${2:-$(date +%s)}" \
    swift test --skip-build --filter PowerLossTests 2>&1 | grep -E "power loss|✔|✘|error"

#!/bin/sh
# The issue's exact drain: LEADS leads / CHANGES changes (default 10,000 / 50,000) from a real
# journal into the simulator over HTTP; HubSpot's final contacts must equal the state computed
# from the input and the mappings.
#
#   scripts/drain-exact.sh [LEADS] [CHANGES]
set -eu
cd "$(dirname "$0")/.."
swift build --build-tests
LEADSYNC_DRAIN_LEADS="${1:-10000}" LEADSYNC_DRAIN_CHANGES="${2:-50000}" \
    swift test --skip-build --filter ReconcilerDrainTests/drainsAGeneratedLeadSetExactly 2>&1 | grep -E "✔|✘|error"

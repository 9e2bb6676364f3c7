#!/usr/bin/env bash
# The issue's pull proof at full size (too long for CI): a full pull of 30,000 contacts, 12,000
# HubSpot-side edits, an incremental pull; against the simulator with HubSpot's default limits on
# the real clock. Exits non-zero unless every lead equals its contact for every mapped field and
# the counts are exact. Figures: docs/benchmarks.md, section "Pull".
# Usage: scripts/pull-30k.sh [contacts] [modified]
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product PullBenchmark
.build/release/PullBenchmark "${1:-30000}" "${2:-12000}"

#!/bin/sh
# Reliability suite, item 5: generated hostile NDJSON and CSV documents through `leadsync ingest`
# for SECONDS (default 3,600), 25 documents per format and round (a round stays well inside the
# tests' 10-minute hang guard on a loaded machine), each round from a new seed.
# A failing document is kept in /tmp (the failure names it): add it to Tests/Fixtures/ingest-corpus/.
#
#   scripts/fuzz-ingest.sh [SECONDS] [FIRST_SEED]
set -eu
cd "$(dirname "$0")/.."
seconds="${1:-3600}"
seed="${2:-$(date +%s)}"
first=$seed
swift build --build-tests
# The test binary is run directly, not through `swift test`, whose lock on .build would make the
# long runs (crash-loop, fault-mix, fuzz-ingest, power-loss) wait for each other.
tests=.build/debug/leadsyncPackageTests.xctest
end=$(( $(date +%s) + seconds ))
rounds=0
failed=0
while [ "$(date +%s)" -lt "$end" ]; do
    if LEADSYNC_FUZZ_CASES=25 LEADSYNC_FUZZ_SEED="$seed" "$tests" --testing-library swift-testing --filter IngestFuzzTests/generated \
        > /tmp/leadsync-fuzz-round.log 2>&1; then :; else
        failed=$((failed + 1))
        grep -E "✘|input kept" /tmp/leadsync-fuzz-round.log | head -20
    fi
    rounds=$((rounds + 1))
    seed=$((seed + 25))
done
echo "fuzz ingest: $rounds rounds, $((rounds * 50)) documents (25 NDJSON + 25 CSV per round, seeds from $first), $failed failed rounds"
[ "$failed" -eq 0 ]

#!/bin/sh
# Reliability suite, item 4: SEEDS seeded fault mixes (default 1,000) on each WORKLOAD given
# (default 23), in chunks of 50 (the test's time limit), each ending exact in at most 1.6× the
# fault-free requests. Prints a line per seed, then the request ratio's median, p99 and max.
#
#   scripts/fault-mix.sh [SEEDS] [FIRST_SEED] [WORKLOAD...]
set -eu
cd "$(dirname "$0")/.."
seeds="${1:-1000}"
first="${2:-1}"
if [ $# -gt 2 ]; then shift 2; else set -- 23; fi
swift build --build-tests
# The test binary is run directly, not through `swift test`, whose lock on .build would make the
# long runs (crash-loop, fault-mix, fuzz-ingest, power-loss) wait for each other.
tests=.build/debug/leadsyncPackageTests.xctest
log=$(mktemp)
failed=0
for workload in "$@"; do
    seed=$first
    while [ "$seed" -lt $((first + seeds)) ]; do
        count=$(( first + seeds - seed < 50 ? first + seeds - seed : 50 ))
        LEADSYNC_FAULT_SEEDS="$count" LEADSYNC_FAULT_FIRST_SEED="$seed" LEADSYNC_FAULT_WORKLOAD="$workload" \
            "$tests" --testing-library swift-testing --filter FaultMixTests > "$log.run" 2>&1 || failed=$((failed + 1))
        grep -E "fault mix seed|✘|error" "$log.run" | tee -a "$log"
        seed=$((seed + count))
    done
done
grep "fault mix seed" "$log" | sed 's/.*(×\([0-9.]*\)).*/\1/' | sort -n | awk -v failed="$failed" '
    { r[NR] = $1 } END { printf "fault mix: %d seeds, request ratio median %.2f, p99 %.2f, max %.2f; %d failed chunks\n", NR, r[int(NR / 2) + 1], r[(int(NR * 0.99) + 1 > NR) ? NR : int(NR * 0.99) + 1], r[NR], failed }'
grep -c "exact true" "$log" | sed 's/^/exact runs: /'
rm -f "$log" "$log.run"
[ "$failed" -eq 0 ]

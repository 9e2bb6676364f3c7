#!/usr/bin/env bash
# Long versions of the journal's concurrency and crash tests (the CI-sized ones are
# ConcurrentAppendTests and CrashRecoveryTests in Tests/EndToEndTests).
#
#   scripts/journal-stress.sh [processes] [changes-per-process] [kill-rounds] [batch-size]
#
# 1. `processes` ingests of `changes-per-process` generated changes each run at once against one
#    journal (synchronous=FULL) while `status` is read in a loop; every change must be there and
#    `journal check` must pass.
# 2. `kill-rounds` times: an ingest of 200,000 changes is killed with SIGKILL after a random number
#    of committed batches; afterwards `journal check` (PRAGMA integrity_check and every counter)
#    must pass, every batch reported committed must be there, and no batch may be half there.
set -euo pipefail

processes=${1:-8}
per_process=${2:-100000}
rounds=${3:-20}
batch=${4:-1000}

root=$(cd "$(dirname "$0")/.." && pwd)
[ -n "${LEADSYNC_STRESS_NO_BUILD:-}" ] || swift build -c release --package-path "$root" --product leadsync >&2
leadsync="$root/.build/release/leadsync"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export LEADSYNC_DB="$work/stress.db" LEADSYNC_SYNCHRONOUS=full

entries() { "$leadsync" status --json | grep -o '"journal_entries":[0-9]*' | cut -d: -f2; }

"$leadsync" init >&2
for p in $(seq 1 "$processes"); do
    "$leadsync" generate --leads $((per_process / 10)) --changes "$per_process" --seed "$p" -o "$work/p$p.ndjson"
done
start=$(date +%s.%N)
pids=()
for p in $(seq 1 "$processes"); do
    "$leadsync" ingest "$work/p$p.ndjson" --batch-size "$batch" 2>/dev/null &
    pids+=($!)
done
reads=0
while kill -0 "${pids[@]}" 2>/dev/null; do
    "$leadsync" status --json >/dev/null
    reads=$((reads + 1))
done
for pid in "${pids[@]}"; do wait "$pid"; done
elapsed=$(echo "$(date +%s.%N) - $start" | bc)
total=$(entries)
expected=$((processes * per_process))
echo "concurrent: $processes processes × $per_process changes in ${elapsed}s, $reads status reads, $total entries"
[ "$total" -eq "$expected" ] || { echo "FAIL: expected $expected entries" >&2; exit 1; }
"$leadsync" journal check >&2

"$leadsync" generate --leads 20000 --changes 200000 --seed 99 -o "$work/kill.ndjson"
for round in $(seq 1 "$rounds"); do
    before=$(entries)
    kill_after=$((RANDOM % 20 + 1))
    "$leadsync" ingest "$work/kill.ndjson" --batch-size "$batch" --print-commits 2>"$work/commits" >/dev/null &
    child=$!
    while [ "$(grep -c '^committed' "$work/commits" || true)" -lt "$kill_after" ] && kill -0 "$child" 2>/dev/null; do
        sleep 0.01
    done
    kill -9 "$child" 2>/dev/null || true
    wait "$child" 2>/dev/null || true
    seen=$(grep -c '^committed' "$work/commits" || true)
    committed=$(grep '^committed' "$work/commits" | tail -1 | awk '{print $NF}')
    committed=${committed:-0}
    after=$(entries)
    added=$((after - before))
    "$leadsync" journal check >/dev/null || { echo "FAIL round $round: journal check" >&2; exit 1; }
    [ "$added" -ge "$committed" ] || { echo "FAIL round $round: $committed committed, $added present" >&2; exit 1; }
    [ $((added % batch)) -eq 0 ] || { echo "FAIL round $round: $added changes is not whole batches" >&2; exit 1; }
    echo "kill round $round: killed after $seen commits ($committed lines committed), $added changes present"
done
echo "ok"

#!/usr/bin/env bash
# A paced drain beside its floor, in one run (issue 11): LEADS clean contacts (one change each,
# every field `overwrite`, every email valid) drained by `leadsync sync --once` into hubspot-sim
# at LIMIT requests per 10 s with LATENCY ± JITTER ms, timed from the sync process's start to its
# exit. The floor: the fewest requests those contacts need (one upsert per 100, plus the property
# definitions) can go out no faster than request k at ⌊k / LIMIT⌋ × 10 s, plus one latency for the
# last answer. Printed: the time, the floor, their ratio (goal ≤ 1.03), requests vs that minimum,
# batch fill, and the 429s hubspot-sim answered (goal 0).
#
# The sync runs with `--rate-share 1`, as a process alone on its account is told to (it then has
# the whole limit from its first request; decision 0045); RATE_SHARE=F gives another share, and
# RATE_SHARE= (empty) none, which measures the fleet-safe slow start instead.
#
# PACED_TRACE=DIR keeps hubspot-sim's request log (requests.log) and the sync's trace-level log
# (sync.log, read by scripts/drain-trace.py) in DIR.
#
# Usage: scripts/bench-paced-drain.sh [LEADS=100000] [LIMIT=190] [LATENCY=150] [JITTER=50]
set -euo pipefail

leads="${1:-100000}"
limit="${2:-190}"
latency="${3:-150}"
jitter="${4:-50}"
token="pat-na1-bench-paced"
source "$(dirname "$0")/release-sim.sh"
start_sim --request-log "$work/requests.log" --rate-limit "$limit/10s" --daily-limit 0 --latency-ms "$latency" --jitter-ms "$jitter"

export LEADSYNC_DB="$work/journal.db" LEADSYNC_SYNCHRONOUS=normal LEADSYNC_HUBSPOT_URL="$url" LEADSYNC_TOKEN="$token"
"$leadsync" generate --leads "$leads" --changes "$leads" --no-email-share 0 --invalid-share 0 --seed 3 -o "$work/changes.ndjson"
"$leadsync" ingest "$work/changes.ndjson" >/dev/null
"$leadsync" status --json >/dev/null   # folds, so the sync below times the drain, not the fold

share=()
if [ -n "${RATE_SHARE-1}" ]; then share=(--rate-share "${RATE_SHARE-1}"); fi
start="$(date +%s.%N)"
if [ -n "${PACED_TRACE:-}" ]; then
    LEADSYNC_LOG_LEVEL=trace "$leadsync" "${share[@]}" sync --once --json >"$work/sync.json" 2>"$work/sync.log"
else
    "$leadsync" "${share[@]}" sync --once --json >"$work/sync.json"
fi
end="$(date +%s.%N)"
curl --fail --no-progress-meter "$url/_sim/counters" >"$work/counters.json"
if [ -n "${PACED_TRACE:-}" ]; then
    stop_sim
    mkdir -p "$PACED_TRACE"
    cp "$work/requests.log" "$work/sync.log" "$PACED_TRACE"/
fi

python3 - "$work/sync.json" "$work/counters.json" "$start" "$end" "$leads" "$limit" "$latency" "${share[*]:-no --rate-share}" <<'PY'
import json, math, sys
sync = json.load(open(sys.argv[1]))
counters = json.load(open(sys.argv[2]))
start, end = float(sys.argv[3]), float(sys.argv[4])
leads, limit, latency, share = int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7]), sys.argv[8]
elapsed = end - start
minimum = math.ceil(sync["delivered"] / 100) + 1          # full upserts + the property definitions
floor = (minimum - 1) // limit * 10 + latency / 1000      # request k at ⌊k/limit⌋ × 10 s, + one latency
print(f"paced drain, {leads} clean contacts at {limit}/10s, {latency} ms latency ({share}):")
print(f"  leadsync sync --once (process start to exit): {elapsed:.1f} s")
print(f"  floor for {minimum} requests:                 {floor:.1f} s")
print(f"  ratio: {elapsed / floor:.3f}x the floor (goal <= 1.03)")
print(f"  requests {sync['requests']} vs minimum {minimum} ({sync['requests'] / minimum:.3f}x), batch fill {float(sync['batch_fill']) * 100:.1f}%")
print(f"  delivered {sync['delivered']}, 429s at hubspot-sim: {counters.get('rateLimited')}, most in any 10 s: {counters.get('maxRequestsInTenSeconds')}")
PY

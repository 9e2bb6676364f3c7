#!/usr/bin/env bash
# A fleet on one HubSpot account (issue 12): PROCESSES `leadsync sync --once`, each on a journal of
# its own with LEADS clean contacts, drain at once into one hubspot-sim at LIMIT requests per 10 s
# (one private app; each process has its own token of that app, and HubSpot counts the app's
# limit across them) with LATENCY ± JITTER ms. No coordinator: each paces from HubSpot's
# X-HubSpot-RateLimit-Remaining (`FLEET_SHARE` set: each also caps itself at that share).
# Baseline in the same run: one process draining the same total alone.
# Printed for both: elapsed, requests, 429s (share of requests; goal <= 1%), and budget used:
# requests / (LIMIT x elapsed / 10 s) over the drain (goal >= 90%).
#
# FLEET_JOIN=SECONDS starts the fleet's processes that many seconds apart (processes joining an
# account another already drains at its limit) instead of at once.
#
# FLEET_TRACE=DIR keeps a trace of both runs in DIR: hubspot-sim's request log (NAME-requests.log:
# arrival and answer ms, endpoint, status, Remaining, correlation id) and each process's log at
# trace level (NAME-I.log: its requests' answers with their correlation ids), which
# scripts/fleet-trace.py reads.
#
# Usage: scripts/bench-fleet.sh [PROCESSES=4] [LEADS=20000] [LIMIT=190] [LATENCY=150] [JITTER=50]
set -euo pipefail

processes="${1:-4}"
leads="${2:-20000}"
limit="${3:-190}"
latency="${4:-150}"
jitter="${5:-50}"
token="pat-na1-fleet-0"
source "$(dirname "$0")/release-sim.sh"

tokens=()
for i in $(seq 0 $((processes - 1))); do tokens+=(--token "fleet=pat-na1-fleet-$i"); done

# run NAME COUNT: COUNT processes drain LEADS contacts each (seed per process), at once.
run() {
    local name="$1" count="$2" per="$3"
    start_sim --request-log "$work/$name-requests.log" --rate-limit "$limit/10s" --daily-limit 0 --latency-ms "$latency" --jitter-ms "$jitter" "${tokens[@]}"
    local pids=()
    for i in $(seq 0 $((count - 1))); do
        local db="$work/$name-$i.db"
        LEADSYNC_DB="$db" "$leadsync" generate --leads "$per" --changes "$per" --no-email-share 0 --invalid-share 0 \
            --seed $((100 + i)) -o "$work/$name-$i.ndjson"
        LEADSYNC_DB="$db" "$leadsync" ingest "$work/$name-$i.ndjson" >/dev/null
        LEADSYNC_DB="$db" "$leadsync" status --json >/dev/null
    done
    local start end
    start="$(date +%s.%N)"
    for i in $(seq 0 $((count - 1))); do
        if [ "$i" -gt 0 ] && [ -n "${FLEET_JOIN:-}" ]; then sleep "$FLEET_JOIN"; fi
        LEADSYNC_DB="$work/$name-$i.db" LEADSYNC_SYNCHRONOUS=normal LEADSYNC_HUBSPOT_URL="$url" \
            LEADSYNC_TOKEN="pat-na1-fleet-$i" LEADSYNC_RATE_SHARE="$([ "$count" -gt 1 ] && echo "${FLEET_SHARE:-}")" \
            LEADSYNC_LOG_LEVEL="$([ -n "${FLEET_TRACE:-}" ] && echo trace || echo info)" \
            "$leadsync" sync --once --json >"$work/$name-$i.json" 2>"$work/$name-$i.log" &
        pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "$pid" || echo "a sync exited $?" >&2; done
    end="$(date +%s.%N)"
    curl --fail --no-progress-meter "$url/_sim/counters" >"$work/$name-counters.json"
    echo "$name $count $start $end" >>"$work/runs.txt"
}

run fleet "$processes" "$leads"
run single 1 $((processes * leads))
stop_sim
if [ -n "${FLEET_TRACE:-}" ]; then
    mkdir -p "$FLEET_TRACE"
    cp "$work"/*.log "$work"/runs.txt "$FLEET_TRACE"/
fi

python3 - "$work" "$limit" "$processes" "$leads" "$latency" <<'PY'
import json, sys
work, limit, processes, leads, latency = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
import os
share = os.environ.get("FLEET_SHARE") or "none (AIMD only)"
join = os.environ.get("FLEET_JOIN")
print(f"fleet on one account: {processes} processes x {leads} contacts at {limit}/10s, {latency} ms latency, --rate-share {share}"
      + (f", started {join} s apart" if join else ""))
rows = {}
for line in open(f"{work}/runs.txt"):
    name, count, start, end = line.split()
    counters = json.load(open(f"{work}/{name}-counters.json"))
    elapsed = float(end) - float(start)
    requests, limited = counters["totalRequests"], counters["rateLimited"]
    budget = requests / (limit * elapsed / 10)
    rows[name] = (elapsed, requests, limited, budget)
    label = f"{count} process{'es' if int(count) > 1 else ''}"
    print(f"  {name:6} ({label}): {elapsed:6.1f} s, {requests} requests, {limited} 429s "
          f"({100 * limited / max(1, requests):.2f}%), budget used {100 * budget:.1f}%, "
          f"most in any 10 s: {counters.get('maxRequestsInTenSeconds')}")
fleet, single = rows["fleet"], rows["single"]
print(f"  ratio fleet/single: time {fleet[0] / single[0]:.3f}x, budget used {fleet[3] / single[3]:.3f}x")
print(f"  goals: 429s <= 1% ({'met' if fleet[2] <= 0.01 * fleet[1] else 'NOT met'}), "
      f"budget >= 90% ({'met' if fleet[3] >= 0.9 else 'NOT met'})")
PY

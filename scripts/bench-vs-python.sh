#!/usr/bin/env bash
# leadsync against HubSpot's official Python client (hubspot-api-client), both fed the same
# generated changes against the same local hubspot-sim with no limits and no latency, plus the
# simulator's own ceiling, in one run:
#
#   1. CHANGES changes over LEADS leads: input changes acknowledged per second, leadsync
#      (`ingest` + `sync --once`, each a process) vs the Python client's documented batch upsert
#      loop (each change one input, 100 per call), and the ratio (goal >= 20x at 10^6 over 10^5).
#   2. CONTACTS changes over CONTACTS leads (one change per lead): contacts per second, the same
#      two sides (goal >= 10x at 10^5).
#   3. The simulator's ceiling: pre-encoded 100-contact upserts on 8 parallel connections (curl).
#
# Each side gets a fresh hubspot-sim. leadsync's peak RSS during `sync --once` is printed too.
# Usage: scripts/bench-vs-python.sh [CHANGES=1000000] [LEADS=100000] [CONTACTS=100000] (CONTACTS=0 skips part 2)
set -euo pipefail

changes="${1:-1000000}"
leads="${2:-100000}"
contacts="${3:-100000}"
token="pat-na1-bench-vs-python"
source "$(dirname "$0")/release-sim.sh"
venv="$("$root/scripts/python-client-venv.sh")"

now() { date +%s.%N; }
secs() { python3 -c "print(f'{$2 - $1:.2f}')"; }
rate() { python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):,.0f}')" "$1" "$2"; }
ratio() { python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.1f}')" "$1" "$2"; }

# leadsync: ingest + sync --once into a fresh simulator. Writes "seconds delivered peak_kb
# sync_seconds" to $work/result (not printed: a command substitution would lose the simulator's pid).
run_leadsync() {
    local file="$1" db="$work/journal-$RANDOM.db"
    start_sim --rate-limit none --daily-limit 0 --search-per-second 0
    local start end
    start="$(now)"
    LEADSYNC_DB="$db" LEADSYNC_SYNCHRONOUS=normal "$leadsync" ingest "$file" >/dev/null
    local synced
    synced="$(now)"
    LEADSYNC_DB="$db" LEADSYNC_SYNCHRONOUS=normal LEADSYNC_HUBSPOT_URL="$url" LEADSYNC_TOKEN="$token" \
        /usr/bin/time -f '%M' -o "$work/rss" "$leadsync" sync --once --rate-limit 1000000/10s \
        --daily-limit 100000000 --json >"$work/sync.json"
    end="$(now)"
    local delivered
    delivered="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["delivered"])' "$work/sync.json")"
    echo "$(secs "$start" "$end") $delivered $(cat "$work/rss") $(secs "$synced" "$end")" >"$work/result"
    rm -f "$db" "$db"-*
}

# The Python client's loop into a fresh simulator. Writes "seconds acknowledged requests" to $work/result.
run_python() {
    start_sim --rate-limit none --daily-limit 0 --search-per-second 0
    "$venv/bin/python" "$root/scripts/bench-vs-python/upsert_loop.py" "$url" "$token" "$1" |
        python3 -c 'import json,sys; r=json.load(sys.stdin); print(round(r["seconds"], 2), r["changes_acknowledged"], r["requests"])' \
            >"$work/result"
}

echo "== $changes changes over $leads leads (no limits, no latency)"
"$leadsync" generate --leads "$leads" --changes "$changes" --seed 1 -o "$work/changes.ndjson"
run_leadsync "$work/changes.ndjson"
read -r ls_seconds ls_delivered ls_rss ls_sync <"$work/result"
run_python "$work/changes.ndjson"
read -r py_seconds py_acked py_requests <"$work/result"
ls_rate="$(python3 -c "print($changes / $ls_seconds)")"
py_rate="$(python3 -c "print($py_acked / $py_seconds)")"
echo "leadsync ingest + sync --once: $(rate "$changes" "$ls_seconds") changes/s ($changes changes in $ls_seconds s, sync alone $ls_sync s; $ls_delivered contacts; peak RSS of sync $((ls_rss / 1024)) MB)"
echo "python client upsert loop:    $(rate "$py_acked" "$py_seconds") changes/s ($py_acked changes with an email acknowledged in $py_seconds s, $py_requests requests)"
echo "ratio: $(ratio "$ls_rate" "$py_rate")x (goal >= 20x)"

if [ "$contacts" -gt 0 ]; then
echo "== $contacts changes over $contacts leads (one change per lead)"
"$leadsync" generate --leads "$contacts" --changes "$contacts" --seed 2 -o "$work/contacts.ndjson"
run_leadsync "$work/contacts.ndjson"
read -r ls_seconds ls_delivered ls_rss ls_sync <"$work/result"
run_python "$work/contacts.ndjson"
read -r py_seconds py_acked py_requests <"$work/result"
ls_rate="$(python3 -c "print($ls_delivered / $ls_seconds)")"
py_rate="$(python3 -c "print($py_acked / $py_seconds)")"
echo "leadsync ingest + sync --once: $(rate "$ls_delivered" "$ls_seconds") contacts/s ($ls_delivered contacts in $ls_seconds s, sync alone $ls_sync s; peak RSS of sync $((ls_rss / 1024)) MB)"
echo "python client upsert loop:    $(rate "$py_acked" "$py_seconds") contacts/s ($py_acked contacts in $py_seconds s)"
echo "ratio: $(ratio "$ls_rate" "$py_rate")x (goal >= 10x)"
fi

echo "== simulator ceiling"
start_sim --rate-limit none --daily-limit 0 --search-per-second 0
python3 - "$work/body.json" <<'PY'
import json, sys
inputs = [{"id": f"c{i}@ceiling.example", "idProperty": "email", "objectWriteTraceId": str(i),
           "properties": {"firstname": "Ada", "company": "Analytical Engines"}} for i in range(100)]
json.dump({"inputs": inputs}, open(sys.argv[1], "w"))
PY
requests=800
start="$(now)"
curl --fail --no-progress-meter -o /dev/null -Z --parallel-max 8 -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    --data-binary @"$work/body.json" "$url/crm/v3/objects/contacts/batch/upsert?n=[1-$requests]"
end="$(now)"
seconds="$(secs "$start" "$end")"
echo "simulator ceiling: $(rate $((requests * 100)) "$seconds") contacts/s ($requests upserts of 100 on 8 connections in $seconds s)"

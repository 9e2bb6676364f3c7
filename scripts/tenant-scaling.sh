#!/usr/bin/env bash
# Multi-tenant scaling (issue 14): TENANTS tenants of one PostgreSQL store, LEADS leads each (one
# change per lead), drained by `leadsync serve` with 1, 2 and 4 worker processes into one
# hubspot-sim (a private app and token per tenant), rate limits off. Each worker count starts
# from a copy of the same store and a fresh simulator, and is timed from the workers' start until
# no lead of any tenant is pending (polled in the store); HubSpot's contacts are then checked
# exactly against every tenant's input.
#
# Baseline in the same run (decision 0034): the same TENANTS x LEADS changes in one SQLite
# journal, drained by `leadsync sync --once` (LEADSYNC_SYNCHRONOUS=normal), checked the same way.
#
# Printed per run: elapsed, contacts/s, the ratio to SQLite, CPU seconds of the workers (or sync),
# of PostgreSQL and of the simulator over the drain (of the 2 cores: 2 CPU-seconds per second),
# what PostgreSQL's backends were doing (pg_stat_activity sampled every 0.5 s), and `uptime`.
#
# Usage: scripts/tenant-scaling.sh [--tenants 1000] [--leads 1000] [--workers "1 2 4"] [--tenants-at-once 4]
set -euo pipefail

tenants=1000
leads=1000
worker_counts="1 2 4"
at_once=4
while [ $# -gt 0 ]; do
    case "$1" in
    --tenants) tenants="$2" ;;
    --leads) leads="$2" ;;
    --workers) worker_counts="$2" ;;
    --tenants-at-once) at_once="$2" ;;
    *) echo "usage: $0 [--tenants N] [--leads N] [--workers \"1 2 4\"] [--tenants-at-once N]" >&2; exit 2 ;;
    esac
    shift 2
done
token="pat-na1-sqlite"
source "$(dirname "$0")/release-sim.sh"
source "$(dirname "$0")/tenant-store.sh"
contacts=$((tenants * leads))

start_postgres
tenant_args "$tenants"
start_sim --rate-limit none --daily-limit 0 "${token_args[@]}"
setup_start="$(date +%s.%N)"
make_tenants base "$tenants" "$leads"
echo "setup: $tenants tenants x $leads leads in $(python3 -c "import time; print(f'{time.time() - $setup_start:.0f}')") s (init, ingest, connect; 3 at a time)"
echo "tenant scaling: $tenants tenants x $leads leads = $contacts contacts, 1 change each, rate limits off, $(nproc) cores"

# report NAME ELAPSED CPU-LINE: one line of the table.
sqlite_rate=""
report() {
    local rate
    rate="$(python3 -c "print(f'{$contacts / $2:.0f}')")"
    local ratio=""
    [ -n "$sqlite_rate" ] && ratio=" ($(python3 -c "print(f'{$rate / $sqlite_rate:.2f}')")x SQLite)"
    printf '  %-22s %7.1f s  %7s contacts/s%s\n      CPU s: %s\n      %s\n' "$1" "$2" "$rate" "$ratio" "$3" "$(uptime | sed 's/.*load/load/')"
    [ -n "$sqlite_rate" ] || sqlite_rate="$rate"
}

# The SQLite baseline: every tenant's input in one journal.
cat "$work"/in/t*.ndjson >"$work/all.ndjson"
LEADSYNC_DB="$work/sqlite.db" "$leadsync" ingest "$work/all.ndjson" >/dev/null
LEADSYNC_DB="$work/sqlite.db" "$leadsync" status --json >/dev/null
start_sim --rate-limit none --daily-limit 0 "${token_args[@]}"
sim_cpu0="$(cpu_seconds "$sim_pid")"
start="$(date +%s.%N)"
LEADSYNC_DB="$work/sqlite.db" LEADSYNC_SYNCHRONOUS=normal LEADSYNC_HUBSPOT_URL="$url" LEADSYNC_TOKEN="$token" \
    /usr/bin/time -f "%U %S" -o "$work/sqlite.time" "$leadsync" sync --once --rate-limit 1000000/10s --json \
    >"$work/sqlite.json"
end="$(date +%s.%N)"
read -r user system <"$work/sqlite.time"
report "SQLite, sync --once" "$(python3 -c "print($end - $start)")" \
    "sync $(python3 -c "print(f'{$user + $system:.1f}')"), simulator $(python3 -c "print(f'{$(cpu_seconds "$sim_pid") - $sim_cpu0:.1f}')")"
check_contacts "$tenants"

for workers in $worker_counts; do
    copy_database base "run$workers"
    start_sim --rate-limit none --daily-limit 0 "${token_args[@]}"
    sim_cpu0="$(cpu_seconds "$sim_pid")"
    pg_cpu0="$(postgres_cpu)"
    : >"$work/activity-$workers.txt"
    samples=0
    start="$(date +%s.%N)"
    for i in $(seq 1 "$workers"); do
        start_worker "run$workers" "w$i" --tenants-at-once "$at_once" --rate-limit 1000000/10s
    done
    # Drained when no lead of any tenant is pending; meanwhile, what the backends do.
    while true; do
        pending="$(sql "run$workers" "SELECT count(*) FROM lead WHERE pending_fields > 0")"
        [ "$pending" = 0 ] && break
        sql postgres "SELECT coalesce(wait_event_type || ':' || wait_event, 'running') FROM pg_stat_activity
            WHERE datname = 'run$workers' AND state = 'active' AND pid <> pg_backend_pid()" >>"$work/activity-$workers.txt"
        samples=$((samples + 1))
        sleep 0.5
    done
    end="$(date +%s.%N)"
    worker_cpu="$(cpu_seconds "${worker_pids[@]}")"
    pg_cpu="$(python3 -c "print(f'{$(postgres_cpu) - $pg_cpu0:.1f}')")"
    sim_cpu="$(python3 -c "print(f'{$(cpu_seconds "$sim_pid") - $sim_cpu0:.1f}')")"
    for pid in "${worker_pids[@]}"; do kill -TERM "$pid"; done
    for pid in "${worker_pids[@]}"; do wait "$pid" || echo "a worker exited $?" >&2; done
    worker_pids=()
    activity="$(sort "$work/activity-$workers.txt" | uniq -c | sort -rn | head -n 4 |
        awk -v n="$((samples > 0 ? samples : 1))" '{ printf "%s%s %.1f", (NR > 1 ? ", " : ""), $2, $1 / n }')"
    report "serve, $workers worker$([ "$workers" -gt 1 ] && echo s)" "$(python3 -c "print($end - $start)")" \
        "workers $worker_cpu, PostgreSQL $pg_cpu, simulator $sim_cpu; active backends on average: ${activity:-none}"
    check_contacts "$tenants"
    sql postgres "DROP DATABASE run$workers" >/dev/null
done

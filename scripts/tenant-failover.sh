#!/usr/bin/env bash
# Failover of `leadsync serve` (issue 14): 3 workers drain TENANTS tenants with backlogs (LEADS
# leads each) into one hubspot-sim with LATENCY ms per answer, at HubSpot's limits (each tenant's
# private app 190 requests/10 s; the workers learn it from the headers). Once a quarter of the
# batch writes are in and w1 has had answers to three of its own, it gets SIGKILL mid-drain. Then:
#   - every tenant's HubSpot state must be exact (each tenant's contacts against its input);
#   - one writer per token at any time: hubspot-sim's request log (its APP column: the tenant)
#     with each worker's trace log (the correlation id of every answer it got, else which of its
#     requests to the tenant was under way when the simulator got it) says which worker
#     sent each request; for every tenant, one worker's requests all end before another's start
#     (a request no worker logged that reached the simulator before the kill, or within a second
#     after it, is w1's, cut by it);
#   - take-over times: from the kill to each cut tenant's first request from another worker
#     (bounded by --lease: the killed worker's leases must expire first), and to every tenant drained.
#
# Usage: scripts/tenant-failover.sh [--tenants 50] [--leads 2000] [--latency 150] [--lease 15s] [--tenants-at-once 4]
set -euo pipefail

tenants=50
leads=2000
latency=150
lease=15s
at_once=4
while [ $# -gt 0 ]; do
    case "$1" in
    --tenants) tenants="$2" ;;
    --leads) leads="$2" ;;
    --latency) latency="$2" ;;
    --lease) lease="$2" ;;
    --tenants-at-once) at_once="$2" ;;
    *)
        echo "usage: $0 [--tenants N] [--leads N] [--latency MS] [--lease 15s] [--tenants-at-once N]" >&2
        exit 2
        ;;
    esac
    shift 2
done
token="pat-na1-unused"
source "$(dirname "$0")/release-sim.sh"
source "$(dirname "$0")/tenant-store.sh"

start_postgres
tenant_args "$tenants"
start_sim --daily-limit 0 "${token_args[@]}"
make_tenants store "$tenants" "$leads"
start_sim --daily-limit 0 --latency-ms "$latency" --request-log "$work/requests.log" "${token_args[@]}"
echo "failover: 3 workers, $tenants tenants x $leads leads, ${latency} ms latency, 190 requests/10 s per tenant," \
    "--lease $lease, --tenants-at-once $at_once; $(uptime | sed 's/.*load/load/')"

start="$(date +%s%3N)"
for name in w1 w2 w3; do
    LEADSYNC_LOG_LEVEL=trace start_worker store "$name" --lease "$lease" --tenants-at-once "$at_once"
done
# Mid-drain: a quarter of the batch writes are in, w1 has had answers to some of its own and
# holds tenants with work left (while a backlog is left, every worker does).
batches=$((tenants * ((leads + 99) / 100)))
until [ "$(grep -c ' contacts.batch' "$work/requests.log" || true)" -ge $((batches / 4)) ] &&
    [ "$(grep -c 'request answered' "$work/w1.log" || true)" -ge 3 ]; do sleep 0.05; done
kill -9 "${worker_pids[0]}"
killed="$(date +%s%3N)"
wait "${worker_pids[0]}" 2>/dev/null || true
until [ "$(sql store "SELECT count(*) FROM lead WHERE pending_fields > 0")" = 0 ]; do
    [ $(($(date +%s%3N) - killed)) -lt 120000 ] || { echo "not drained 120 s after the kill" >&2; exit 1; }
    sleep 0.1
done
drained="$(date +%s%3N)"
for pid in "${worker_pids[@]:1}"; do kill -TERM "$pid"; done
for pid in "${worker_pids[@]:1}"; do wait "$pid" || { echo "a worker exited $? on SIGTERM" >&2; exit 1; }; done
worker_pids=()
echo "  drained $(((drained - start) / 1000)) s after the start; w1 killed $(((killed - start) / 1000)).$(((killed - start) % 1000 / 100)) s in"
check_contacts "$tenants"

python3 - "$work" "$killed" "$drained" <<'PY'
import collections, re, sys
work, killed, drained = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
owner, leased, finished = {}, set(), set()
spans = collections.defaultdict(list)  # tenant -> (sent, answered, worker) of the drain's requests
for worker in ("w1", "w2", "w3"):
    for line in open(f"{work}/{worker}.log", errors="replace"):
        found = re.search(r"hubspot\.correlation_id=(\S+)", line)
        if found:
            owner[found.group(1)] = worker
        found = re.search(r"request answered .*tenant=(\S+) trace\.answered_ms=(\d+) .*trace\.sent_ms=(\d+)", line)
        if found:
            spans[found.group(1)].append((int(found.group(3)), int(found.group(2)), worker))
        tenant = re.search(r"tenant=(\S+)", line)
        if worker == "w1" and tenant:
            if "tenant leased" in line: leased.add(tenant.group(1))
            if "tenant drained" in line: finished.add(tenant.group(1))
cut = sorted(leased - finished, key=lambda t: int(t[1:]))
requests = collections.defaultdict(list)  # tenant -> (arrival, answer, worker)
unexplained = 0
for line in open(f"{work}/requests.log"):
    arrival, answer, _, _, _, correlation, app = line.split()[:7]
    worker = owner.get(correlation)
    if worker is None:
        # A drain that ends in an error (its lease lost) may not log an answer's correlation id;
        # the request is then the one worker's whose request to that tenant was under way when
        # it arrived. Else, read by the simulator before the kill or within a second after it
        # (sent before it; no other worker may take w1's tenants before their leases expire): w1's.
        under_way = {w for sent, answered, w in spans[app] if sent <= int(arrival) <= answered}
        if len(under_way) == 1: worker = under_way.pop()
        elif int(arrival) <= killed + 1000 and not under_way: worker = "w1"
        else: unexplained += 1; worker = "?"; print(f"  no worker sent: {line.strip()}")
    requests[app].append((int(arrival), int(answer) if answer != "-" else int(arrival), worker))
overlaps = []
for app, rows in requests.items():
    rows.sort()
    runs = []  # [worker, first arrival, last answer]
    for arrival, answer, worker in rows:
        if runs and runs[-1][0] == worker: runs[-1][2] = max(runs[-1][2], answer)
        else: runs.append([worker, arrival, answer])
    for a, b in zip(runs, runs[1:]):
        if b[1] < a[2]:
            overlaps.append(app)
            print(f"  {app}: {b[0]}'s requests from {b[1]} while {a[0]}'s ran until {a[2]} (ms)")
print(f"  w1 was draining {len(cut)} tenants at the kill: {' '.join(cut)}")
takeover = {}
for tenant in cut:
    after = [a for a, _, w in requests[tenant] if w in ("w2", "w3") and a > killed]
    takeover[tenant] = (min(after) - killed) / 1000 if after else None
for tenant in cut:
    print(f"    {tenant}: first request from another worker {takeover[tenant]} s after the kill")
print(f"  kill -> every cut tenant's first request from a new worker: {max(v for v in takeover.values() if v is not None):.1f} s"
      if takeover and all(v is not None for v in takeover.values()) else "  a cut tenant was never taken over")
print(f"  kill -> every tenant drained (no lead pending in the store): {(drained - killed) / 1000:.1f} s")
print(f"  one writer per token: {sum(len(r) for r in requests.values())} requests, "
      f"{len(overlaps)} tenants with two workers' requests overlapping, {unexplained} requests of no worker")
if not cut or overlaps or unexplained or any(v is None or v > 30 for v in takeover.values()):
    print("FAILED"); sys.exit(1)
PY

#!/usr/bin/env bash
# Bounded memory and a fast `status` on a large journal: generates CHANGES changes over LEADS
# leads, ingests them (peak RSS, goal <= 64 MB), times `leadsync status` on the full journal as a
# whole process (goal <= 50 ms), drains them with `sync --once` into hubspot-sim (no limits, no
# latency; peak RSS from /usr/bin/time, goal <= 64 MB whatever the journal's size), then reports
# the journal file's size per change and per lead, before and after `journal compact`.
# Usage: scripts/drain-memory.sh [CHANGES=10000000] [LEADS=CHANGES/10]
set -euo pipefail

changes="${1:-10000000}"
leads="${2:-$((changes / 10))}"
token="pat-na1-drain-memory"
source "$(dirname "$0")/release-sim.sh"
export LEADSYNC_DB="$work/journal.db" LEADSYNC_SYNCHRONOUS=normal

echo "== $changes changes over $leads leads"
/usr/bin/time -f 'generate: %e s, peak RSS %M KB' "$leadsync" generate --leads "$leads" --changes "$changes" --seed 3 \
    -o "$work/changes.ndjson"
/usr/bin/time -f 'ingest: %e s, peak RSS %M KB (goal <= 65536 KB)' "$leadsync" ingest "$work/changes.ndjson" --json
rm "$work/changes.ndjson"
"$leadsync" status --json >/dev/null # folds what ingest appended; the timed runs below read counters only
# Beside it, the same process on an empty journal: what starting leadsync costs.
python3 - "$leadsync" "$work/empty.db" <<'PY'
import os, subprocess, sys, time
def timed(db):
    times = []
    for _ in range(5):
        start = time.monotonic()
        subprocess.run([sys.argv[1], "status", "--json"], check=True, stdout=subprocess.DEVNULL,
                       env=dict(os.environ, LEADSYNC_DB=db))
        times.append((time.monotonic() - start) * 1000)
    return f"min {min(times):.1f} ms, median {sorted(times)[2]:.1f} ms, max {max(times):.1f} ms"
print(f"status on this journal (whole process, 5 runs): {timed(os.environ['LEADSYNC_DB'])} (goal <= 50 ms)")
print(f"status on an empty journal (baseline, same run):  {timed(sys.argv[2])}")
PY
ls -l "$work/journal.db" | awk '{printf "journal file: %.0f MB\n", $5 / 1048576}'

start_sim --rate-limit none --daily-limit 0 --search-per-second 0 --no-gzip
LEADSYNC_HUBSPOT_URL="$url" LEADSYNC_TOKEN="$token" /usr/bin/time -f 'sync --once: %e s, peak RSS %M KB (goal <= 65536 KB)' \
    "$leadsync" sync --once --rate-limit 1000000/10s --daily-limit 100000000 --json

# The file's size per change and per lead, then after compaction (every delivered change is
# removable) measured on a compact copy (`journal backup` is VACUUM INTO: freed pages dropped).
size() { stat -c %s "$1"; }
before=$(size "$LEADSYNC_DB")
"$leadsync" journal compact --retain-days 0 --json
"$leadsync" journal backup "$work/compacted.db"
after=$(size "$work/compacted.db")
python3 - "$changes" "$leads" "$before" "$after" <<'PY'
import sys
changes, leads, before, after = map(int, sys.argv[1:])
print(f"journal file: {before / 1048576:.0f} MB = {before / changes:.0f} B per change, {before / leads:.0f} B per lead")
print(f"after compaction (vacuumed copy): {after / 1048576:.0f} MB = {after / leads:.0f} B per lead")
PY

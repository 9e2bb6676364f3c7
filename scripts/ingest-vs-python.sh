#!/usr/bin/env bash
# `leadsync ingest` (append and fold, synchronous=FULL, 1,000 changes per transaction) against
# the Python baseline (scripts/ingest-baseline.py: json + sqlite3, same durability and batches)
# on the same generated file, in one run; prints both rates and their ratio (goal >= 3x).
# Usage: scripts/ingest-vs-python.sh [CHANGES=1000000] [LEADS=CHANGES/10]
set -euo pipefail

changes="${1:-1000000}"
leads="${2:-$((changes / 10))}"
root="$(cd "$(dirname "$0")/.." && pwd)"
[ -n "${SKIP_BUILD:-}" ] || swift build -c release --package-path "$root" --product leadsync >&2
leadsync="$root/.build/release/leadsync"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$leadsync" generate --leads "$leads" --changes "$changes" --seed 3 -o "$work/changes.ndjson"
echo "== $changes changes over $leads leads ($(du -m "$work/changes.ndjson" | cut -f1) MB of NDJSON)"

seconds() { python3 -c 'import time; print(time.time())'; }
start=$(seconds)
python3 "$root/scripts/ingest-baseline.py" "$work/changes.ndjson" "$work/python.db" >/dev/null
python=$(python3 -c "import time; print(time.time() - $start)")
start=$(seconds)
/usr/bin/time -f '%M' -o "$work/rss" env LEADSYNC_DB="$work/journal.db" "$leadsync" ingest "$work/changes.ndjson" --json >/dev/null
leadsync_seconds=$(python3 -c "import time; print(time.time() - $start)")
LEADSYNC_DB="$work/journal.db" "$leadsync" status --json | python3 -c \
    'import json, sys; s = json.load(sys.stdin); assert s["unfolded_changes"] == 0, s; print("journal:", s["journal_entries"], "entries,", s["pending_leads"], "pending leads, all folded")'
python3 - "$changes" "$python" "$leadsync_seconds" "$(cat "$work/rss")" <<'PY'
import sys
n, python, leadsync, rss = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
print(f"python json+sqlite3 (append only): {python:7.2f} s  {n / python:10,.0f} changes/s")
print(f"leadsync ingest (append + fold):    {leadsync:7.2f} s  {n / leadsync:10,.0f} changes/s  peak RSS {rss / 1024:.0f} MB")
print(f"leadsync / python: {python / leadsync:.2f}x (goal >= 3x)")
PY

#!/usr/bin/env python3
"""Where a fleet's 429s come from: reads a trace kept by `FLEET_TRACE=DIR scripts/bench-fleet.sh`.

hubspot-sim's request log (NAME-requests.log: ARRIVAL_MS ANSWER_MS ENDPOINT STATUS REMAINING
CORRELATION_ID) says when each request was counted; each process's trace log (NAME-I.log, its
`hubspot response` lines with `hubspot.correlation_id`) says whose it was. Printed: each process's
span, requests per second of the run by process, and every 429 with the account's count in the
10 s before it, each process's part of that count, and how far into its own drain the requester
was (start, ramp, steady, tail: after the first process finished).

Usage: scripts/fleet-trace.py DIR [NAME=fleet] [LIMIT=190]
"""
import collections
import glob
import os
import re
import sys

trace, name = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "fleet"
limit = int(sys.argv[3]) if len(sys.argv) > 3 else 190

owner = {}
for path in sorted(glob.glob(os.path.join(trace, f"{name}-[0-9]*.log"))):
    process = int(re.search(r"-(\d+)\.log$", path).group(1))
    for line in open(path, errors="replace"):
        found = re.search(r"hubspot\.correlation_id=(\S+)", line)
        if found:
            owner[found.group(1)] = process

requests = []  # (arrival, answer, endpoint, status, remaining, process)
for line in open(os.path.join(trace, f"{name}-requests.log")):
    arrival, answer, endpoint, status, remaining, correlation = line.split()[:6]
    requests.append((int(arrival), answer, endpoint, int(status), remaining, owner.get(correlation, "?")))
requests.sort()
if not requests:
    sys.exit("no requests in the log")
start = requests[0][0]
processes = sorted({r[5] for r in requests}, key=str)
span = {p: (min(r[0] for r in requests if r[5] == p), max(r[0] for r in requests if r[5] == p)) for p in processes}
first_end = min(end for _, end in span.values())

print(f"{len(requests)} requests, {sum(r[3] == 429 for r in requests)} answered 429, limit {limit}/10 s")
for p in processes:
    ours = [r for r in requests if r[5] == p]
    print(f"  process {p}: {(span[p][0] - start) / 1000:6.2f} s to {(span[p][1] - start) / 1000:6.2f} s, "
          f"{len(ours)} requests, {sum(r[3] == 429 for r in ours)} 429s")

print("\nrequests counted per second (429s in brackets), by process:")
seconds = collections.defaultdict(lambda: collections.Counter())
for arrival, _, _, status, _, process in requests:
    second = (arrival - start) // 1000
    seconds[second][process] += 1
    if status == 429:
        seconds[second][("429", process)] += 1
for second in sorted(seconds):
    cells = []
    for p in processes:
        n, limited = seconds[second][p], seconds[second][("429", p)]
        cells.append(f"{n:3d}" + (f"[{limited}]" if limited else "   "))
    print(f"  {second:3d} s " + " ".join(cells))

print("\n429s: when, whose, the account's count of the 10 s before (accepted, by process):")
accepted = [r for r in requests if r[3] != 429]
for arrival, _, endpoint, status, _, process in requests:
    if status != 429:
        continue
    before = [r for r in accepted if arrival - 10_000 < r[0] <= arrival]
    parts = collections.Counter(r[5] for r in before)
    mine = [r for r in requests if r[5] == process and r[0] <= arrival]
    into = (arrival - span[process][0]) / 1000
    phase = "tail" if arrival > first_end else "start" if into < 2 else "ramp" if into < 10 else "steady"
    print(f"  {(arrival - start) / 1000:7.3f} s process {process} ({phase}, {into:.2f} s into its drain, "
          f"its request {len(mine)}, {endpoint}): {len(before)} counted; "
          + ", ".join(f"{p}: {parts[p]}" for p in processes))

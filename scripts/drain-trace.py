#!/usr/bin/env python3
"""Where a drain's time goes, from a trace-level log: `leadsync bench --trace 2>LOG` or
`leadsync --log-level trace sync --once 2>LOG`.

Reads the engine's trace lines (`request answered`, `answer handled`, `outcomes recorded`,
`window read`, `notes request answered`, `notes window`) and prints, for the contacts lane: how long
each batch waited between the pacer letting it go and its send (the journal lane recording earlier
answers first), how late the loop handled answers, the loop's time reading windows, the lane's
time recording; and for the notes lane: per window, the local preparation (transcripts read and
rendered), the wait for its answers, and the records after them; windows overlap (the next is
prepared while earlier ones are in flight, decision 0038). Requests sent per second of the drain,
by lane, show where the pacer's budget was left unused.

Usage: scripts/drain-trace.py LOG
"""
import collections
import re
import sys

lines = collections.defaultdict(list)
for line in open(sys.argv[1], errors="replace"):
    for message in ("request answered", "answer handled", "outcomes recorded", "window read",
                    "notes request answered", "notes window"):
        if f": {message} " in line or line.rstrip().endswith(f": {message}"):
            lines[message].append({k: v for k, v in re.findall(r"(\S+)=(\S+)", line)})
            break


def ms(entry, key):
    return int(entry[key])


def summary(values):
    if not values:
        return "none"
    values = sorted(values)
    return (f"n {len(values)}, sum {sum(values) / 1000:.1f} s, p50 {values[len(values) // 2]} ms, "
            f"p90 {values[int(len(values) * 0.9)]} ms, max {values[-1]} ms")


contacts = lines["request answered"]
notes = lines["notes request answered"]
everything = [ms(e, "trace.sent_ms") for e in contacts + notes]
if not everything:
    sys.exit("no trace lines (run with --trace or --log-level trace)")
start = min(everything)
end = max(ms(e, "trace.answered_ms") for e in contacts + notes)
print(f"drain from first send to last answer: {(end - start) / 1000:.1f} s; "
      f"{len(contacts)} contacts requests, {len(notes)} notes requests")

if contacts:
    first, last = min(ms(e, "trace.sent_ms") for e in contacts), max(ms(e, "trace.answered_ms") for e in contacts)
    print(f"\ncontacts lane: {(first - start) / 1000:.1f} s to {(last - start) / 1000:.1f} s")
    print("  waited for the journal lane before sending:",
          summary([ms(e, "trace.sent_ms") - ms(e, "trace.issued_ms") for e in contacts]))
    print("  round trip:", summary([ms(e, "trace.answered_ms") - ms(e, "trace.sent_ms") for e in contacts]))
    print("  answer to the loop handling it:",
          summary([ms(e, "trace.handled_ms") - ms(e, "trace.answered_ms") for e in lines["answer handled"]]))
    windows = lines["window read"]
    print("  window reads, waiting for the lane:",
          summary([ms(e, "trace.drained_ms") - ms(e, "trace.asked_ms") for e in windows]))
    print("  window reads, reading:", summary([ms(e, "trace.read_ms") - ms(e, "trace.drained_ms") for e in windows]))
    print("  outcomes recorded:",
          summary([ms(e, "trace.committed_ms") - ms(e, "trace.started_ms") for e in lines["outcomes recorded"]]))

if notes:
    windows = lines["notes window"]
    print(f"\nnotes lane: {len(windows)} windows")
    print("  preparing (transcripts read and rendered):",
          summary([ms(e, "trace.prepared_ms") - ms(e, "trace.started_ms") for e in windows]))
    print("  sending until the last answer:",
          summary([ms(e, "trace.answered_ms") - ms(e, "trace.prepared_ms") for e in windows]))
    print("  recording delivered:", summary([ms(e, "trace.recorded_ms") - ms(e, "trace.answered_ms") for e in windows]))
    starts = sorted(ms(e, "trace.started_ms") for e in windows)
    print("  from one window's preparation to the next's:", summary([b - a for a, b in zip(starts, starts[1:])]))
    print("  waited for the pacer (and a create's intent) before sending:",
          summary([ms(e, "trace.sent_ms") - ms(e, "trace.issued_ms") for e in notes]))
    print("  round trip:", summary([ms(e, "trace.answered_ms") - ms(e, "trace.sent_ms") for e in notes]))

print("\nrequests sent per second (contacts / notes):")
per = collections.defaultdict(lambda: [0, 0])
for lane, entries in ((0, contacts), (1, notes)):
    for e in entries:
        per[(ms(e, "trace.sent_ms") - start) // 1000][lane] += 1
row = []
for second in range(0, (end - start) // 1000 + 1):
    c, n = per[second]
    row.append(f"{second:3d}s {c:3d}/{n:<3d}")
    if len(row) == 6:
        print("  " + "  ".join(row))
        row = []
if row:
    print("  " + "  ".join(row))

#!/usr/bin/env python3
"""The ingest baseline of issue 10: parse NDJSON lead changes with `json` and insert them with
`sqlite3` into a `change` table like the journal's (WAL, synchronous=FULL, 1,000 rows per
transaction). No derived state, no validation beyond what json.loads does.

Usage: scripts/ingest-baseline.py FILE.ndjson DB
"""
import json
import sqlite3
import sys

path, db_path = sys.argv[1], sys.argv[2]
db = sqlite3.connect(db_path, isolation_level=None)
db.execute("PRAGMA journal_mode = WAL")
db.execute("PRAGMA synchronous = FULL")
db.execute("CREATE TABLE IF NOT EXISTS change (seq INTEGER PRIMARY KEY, lead TEXT NOT NULL, at INTEGER NOT NULL,"
           " fields TEXT NOT NULL, origin INTEGER NOT NULL DEFAULT 0)")
batch = []


def flush():
    db.execute("BEGIN IMMEDIATE")
    db.executemany("INSERT INTO change(lead, at, fields) VALUES (?, ?, ?)", batch)
    db.execute("COMMIT")
    batch.clear()


with open(path, "rb") as lines:
    for line in lines:
        if not line.strip():
            continue  # blank lines are skipped, as ingest does
        try:
            change = json.loads(line)
        except ValueError:
            continue  # reported and skipped by ingest; the baseline only skips it
        batch.append((change["lead"], change.get("at", 0), json.dumps(change["fields"], separators=(",", ":"))))
        if len(batch) == 1000:
            flush()
if batch:
    flush()
print(db.execute("SELECT count(*) FROM change").fetchone()[0])

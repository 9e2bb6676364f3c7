internal import LeadSyncSQLite

/// How far the journal holds one input: written in the transaction of every batch an ingest
/// commits, so it says exactly what the journal kept, whatever a failing disk did to the last
/// commit (decision 0031). A re-run naming the same input id skips the lines up to ``line``.
package struct IngestMark: Sendable, Hashable {
    /// The input's id: `--input-id`, or one ingest made up and named in its error.
    package var input: String
    /// The last input line whose batch is committed.
    package var line: Int
    /// Valid lines up to ``line``: with ``lead``, how a re-run tells it reads the same input.
    package var lines: Int
    /// The lead of line ``line``.
    package var lead: String
    /// When the batch was ingested (epoch ms): compaction drops marks older than it keeps history.
    package var ingestedAt: Int64

    package init(input: String, line: Int, lines: Int, lead: String, ingestedAt: Int64) {
        (self.input, self.line, self.lines, self.lead, self.ingestedAt) = (input, line, lines, lead, ingestedAt)
    }

    static func migrate(_ db: Connection) throws {
        try db.execute(
            """
            CREATE TABLE ingest_mark (
                input TEXT PRIMARY KEY,
                line INTEGER NOT NULL,
                lines INTEGER NOT NULL,
                lead TEXT NOT NULL,
                ingested_at INTEGER NOT NULL
            ) WITHOUT ROWID;
            """)
    }

    /// The mark of `input`, nil when the journal holds none of it.
    static func load(_ input: String, _ db: Connection) throws -> IngestMark? {
        let select = try db.cached("SELECT line, lines, lead, ingested_at FROM ingest_mark WHERE input = ?")
        try select.bind([.text(input)])
        defer { select.reset() }
        guard try select.step() else { return nil }
        return IngestMark(
            input: input, line: select.int(0), lines: select.int(1), lead: select.text(2),
            ingestedAt: select.int64(3))
    }

    /// Records the mark, in the caller's transaction.
    func save(_ db: Connection) throws {
        try db.cached(
            """
            INSERT INTO ingest_mark(input, line, lines, lead, ingested_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT(input) DO UPDATE SET line = excluded.line, lines = excluded.lines, lead = excluded.lead,
                ingested_at = excluded.ingested_at
            """
        ).execute([.text(input), .integer(Int64(line)), .integer(Int64(lines)), .text(lead), .integer(ingestedAt)])
    }

    /// Forgets the inputs last ingested before `cutoff` (epoch ms), in the caller's transaction.
    static func prune(olderThan cutoff: Int64, _ db: Connection) throws {
        try db.cached("DELETE FROM ingest_mark WHERE ingested_at < ?").execute([.integer(cutoff)])
    }
}

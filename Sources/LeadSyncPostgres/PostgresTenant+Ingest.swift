package import LeadSyncJournal
internal import PostgresNIO

/// An ingest into a tenant (`leadsync --store … ingest`): each batch's conversation entries, its
/// changes (appended and folded) and the input's mark in one transaction under the tenant row's
/// lock, as a SQLite journal writes them (decision 0031): a batch is kept whole or not at all, and
/// a re-run with the same `--input-id` resumes after the last batch kept.
extension PostgresTenant: IngestStore {
    package func ingestMark(input: String) async throws -> IngestMark? {
        try await database.statements("reading the ingest mark of input \(input) of tenant \(id)") { connection in
            let rows = try await connection.query(
                "SELECT line, lines, lead, ingested_at FROM ingest_mark WHERE tenant = \(id) AND input = \(input)",
                logger: database.logger)
            for try await (line, lines, lead, ingestedAt) in rows.decode((Int64, Int64, String, Int64).self) {
                return IngestMark(input: input, line: Int(line), lines: Int(lines), lead: lead, ingestedAt: ingestedAt)
            }
            return nil
        }
    }

    package func ingest(
        entries: [ConversationEntry], changes: (ConversationRecordReport) -> [LeadChange], mark: IngestMark
    ) async throws -> IngestSink.Outcome {
        try await database.writes("ingesting a batch of tenant \(id)", lease: lease) { connection in
            let logger = database.logger
            var report = ConversationRecordReport()
            if !entries.isEmpty {
                let rows = try await PostgresConversationRows.locking(for: entries, id, connection, logger)
                let writer = ConversationWriter(rows: rows)
                report = try writer.record(entries)
                try writer.finish()
                try await rows.flush(connection, logger)
            }
            let appended = changes(report)
            for change in appended { try change.validate() }
            let lastSeq =
                appended.isEmpty
                ? nil : try await PostgresChangeLog.append(appended, origin: .local, id, connection, database)
            try await connection.query(
                """
                INSERT INTO ingest_mark (tenant, input, line, lines, lead, ingested_at)
                VALUES (\(id), \(mark.input), \(Int64(mark.line)), \(Int64(mark.lines)), \(mark.lead), \(mark.ingestedAt))
                ON CONFLICT (tenant, input) DO UPDATE SET line = excluded.line, lines = excluded.lines,
                    lead = excluded.lead, ingested_at = excluded.ingested_at
                """, logger: logger)
            return (lastSeq, report)
        }
    }
}

/// Where an ingest's batches go, one at most in flight while the caller parses the next: the
/// SQLite journal's `IngestWriter`, or ``StoresIngestSink`` over a store's protocols.
package protocol IngestSink {
    /// What one batch did: its last seq, and its conversation entries' report (refused entries
    /// by their line's index in the batch: nothing of such a line is appended).
    typealias Outcome = (lastSeq: Int64?, conversations: ConversationRecordReport)

    /// Readies the store for appends and returns the mark it holds of `input` (nil for none).
    func prepare(input: String) throws -> IngestMark?
    /// Waits for the batch in flight, then starts `lines` with `mark`, unless that batch failed.
    /// Returns the outcome of the batch that was in flight (nil for none); throws its error.
    func submit(_ lines: [IngestLine], mark: IngestMark) throws -> Outcome?
    /// Waits for the batch in flight, if any, and returns its outcome.
    func waitForInFlight() throws -> Outcome?
    /// After the last batch.
    func finish() throws
}

/// An ingest into stores reached through the journal's protocols (a PostgreSQL tenant): each batch
/// is one `record` of its conversation entries, then one `record` of its changes, written before
/// the next batch is parsed. The two are separate transactions: a batch cut between them keeps
/// its messages without its fields, and a re-sent batch counts its messages (by id) as
/// duplicates and appends the fields.
///
/// Input marks are not kept: ``prepare(input:)`` holds none, so `--input-id` cannot resume here.
package final class StoresIngestSink: IngestSink {
    private let changeLog: any ChangeLogProtocol
    private let conversations: any ConversationStoreProtocol
    private var written: Outcome?

    package init(changeLog: any ChangeLogProtocol, conversations: any ConversationStoreProtocol) {
        self.changeLog = changeLog
        self.conversations = conversations
    }

    package func prepare(input: String) throws -> IngestMark? { nil }

    package func submit(_ lines: [IngestLine], mark: IngestMark) throws -> Outcome? {
        let previous = written
        written = nil
        let changeLog = changeLog
        let conversations = conversations
        written = try Blocking.run { try await Self.write(lines, changeLog, conversations) }
        return previous
    }

    package func waitForInFlight() throws -> Outcome? {
        defer { written = nil }
        return written
    }

    package func finish() throws {}

    private static func write(
        _ lines: [IngestLine], _ changeLog: any ChangeLogProtocol, _ conversations: any ConversationStoreProtocol
    ) async throws -> Outcome {
        var indices: [Int] = []
        var entries: [ConversationEntry] = []
        for (index, line) in lines.enumerated() {
            guard let entry = line.conversation else { continue }
            indices.append(index)
            entries.append(entry)
        }
        var report = entries.isEmpty ? ConversationRecordReport() : try await conversations.record(entries)
        // The store numbers refusals by entry; the ingest by the line's place in the batch.
        report.refused = Dictionary(uniqueKeysWithValues: report.refused.map { (indices[$0.key], $0.value) })
        let changes = lines.enumerated().compactMap { index, line in report.refused[index] == nil ? line.change : nil }
        return (try await changeLog.record(changes), report)
    }
}

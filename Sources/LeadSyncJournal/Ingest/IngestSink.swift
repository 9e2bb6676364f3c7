/// Where an ingest's batches go, written while the caller parses the next: the SQLite journal's
/// `IngestWriter` (a few in flight), or ``StoresIngestSink`` over a store's protocols (one).
package protocol IngestSink {
    /// What one batch did: its last seq, and its conversation entries' report (refused entries
    /// by their line's index in the batch: nothing of such a line is appended).
    typealias Outcome = (lastSeq: Int64?, conversations: ConversationRecordReport)

    /// Readies the store for appends and returns the mark it holds of `input` (nil for none).
    func prepare(input: String) throws -> IngestMark?
    /// Waits for the oldest chunk in flight when the sink holds as many as it takes, then starts
    /// `lines` with `mark`, unless a chunk before failed; `commit` ends the transaction after
    /// them (a store may commit every chunk). Returns the outcomes of the chunks committed
    /// meanwhile, oldest first; throws the error of the chunk that failed (the chunks of its
    /// transaction, and those after it, are not kept).
    func submit(_ lines: [IngestLine], mark: IngestMark, commit: Bool) throws -> [Outcome]
    /// Waits for the chunks in flight, if any, commits, and returns the outcomes of the chunks
    /// committed since the last call, oldest first.
    func waitForInFlight() throws -> [Outcome]
    /// After the last batch.
    func finish() throws
    /// After a chunk failed: how many of the last chunks submitted were not written at all
    /// (queued behind it).
    var chunksNotWritten: Int { get }
}

/// A store that takes an ingest's batches whole (a PostgreSQL tenant): each batch's conversation
/// entries, its changes and the input's ``IngestMark`` in one transaction, as a SQLite journal
/// writes them, so a batch is kept entirely or not at all and a re-run with the same input id
/// resumes after the last batch kept.
package protocol IngestStore: Sendable {
    /// The mark of `input`, nil when the store holds none of it.
    func ingestMark(input: String) async throws -> IngestMark?
    /// Records `entries`, then the changes `changes` gives for their report (a refused entry's
    /// line appends nothing), then `mark`, in one transaction.
    func ingest(
        entries: [ConversationEntry], changes: (ConversationRecordReport) -> [LeadChange], mark: IngestMark
    ) async throws -> IngestSink.Outcome
}

/// An ingest into an ``IngestStore``: each chunk written, in its own transaction, before the next
/// is parsed.
package final class StoresIngestSink: IngestSink {
    private let store: any IngestStore
    private var written: Outcome?

    package init(store: any IngestStore) { self.store = store }

    package func prepare(input: String) throws -> IngestMark? {
        let store = store
        return try Blocking.run { try await store.ingestMark(input: input) }
    }

    package func submit(_ lines: [IngestLine], mark: IngestMark, commit: Bool) throws -> [Outcome] {
        let previous = written
        written = nil
        let store = store
        written = try Blocking.run { try await Self.write(lines, mark, store) }
        return previous.map { [$0] } ?? []
    }

    package func waitForInFlight() throws -> [Outcome] {
        defer { written = nil }
        return written.map { [$0] } ?? []
    }

    package func finish() throws {}

    package var chunksNotWritten: Int { 0 }

    private static func write(_ lines: [IngestLine], _ mark: IngestMark, _ store: any IngestStore) async throws
        -> Outcome
    {
        var indices: [Int] = []
        var entries: [ConversationEntry] = []
        for (index, line) in lines.enumerated() {
            guard let entry = line.conversation else { continue }
            indices.append(index)
            entries.append(entry)
        }
        // The store folds each value: it takes the changes decoded.
        let changes = try lines.map { try $0.change?.decoded() }
        var (lastSeq, report) = try await store.ingest(
            entries: entries,
            changes: { report in
                let refused = Set(report.refused.keys.map { indices[$0] })
                return changes.indices.compactMap { refused.contains($0) ? nil : changes[$0] }
            }, mark: mark)
        // The store numbers refusals by entry; the ingest by the line's place in the batch.
        report.refused = Dictionary(uniqueKeysWithValues: report.refused.map { (indices[$0.key], $0.value) })
        return (lastSeq, report)
    }
}

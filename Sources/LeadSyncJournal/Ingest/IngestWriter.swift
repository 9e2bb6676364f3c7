internal import Dispatch
internal import LeadSyncSQLite

/// Writes an ingest's batches on the journal's queue while the caller parses the next one (at
/// most one batch in flight, so at most two are in memory), and folds what was appended every
/// `JournalOptions.foldWindow` changes rather than every batch: a fold writes each lead it
/// touches once per transaction, and a batch of a thousand changes touches about a thousand
/// leads, so folding per batch rewrote the same lead pages many times over (docs/benchmarks.md,
/// "Ingest vs a Python script").
final class IngestWriter {
    /// What one batch's transaction did.
    typealias Outcome = (lastSeq: Int64?, conversations: ConversationRecordReport)

    /// A batch written; `foldError` is set when the fold that followed it failed (the batch
    /// itself is durable then).
    struct Written {
        var outcome: Outcome
        var foldError: (any Error)?
    }

    private final class InFlight: @unchecked Sendable {
        // Written on the journal's queue before `done` is signalled, read after waiting on it.
        var result: Result<Written, any Error>?
        let done = DispatchSemaphore(value: 0)
    }

    private let database: JournalDatabase
    private var unfolded = 0
    private var inFlight: InFlight?

    init(_ journal: Journal) {
        database = journal.changeLog.database
    }

    /// Waits for the batch in flight, then starts writing `lines` unless that batch failed.
    ///
    /// - Returns: the batch that was in flight (nil for the first call).
    /// - Throws: the error of the batch that was in flight (then `lines` is not started).
    func submit(_ lines: [IngestLine]) throws -> Written? {
        let previous = try waitForInFlight()
        unfolded += lines.count
        let fold = unfolded >= database.options.foldWindow
        if fold { unfolded = 0 }
        let window = database.options.foldWindow
        let started = InFlight()
        inFlight = started
        database.schedule { db in
            started.result = Result {
                var written = Written(outcome: try ConversationStore.record(lines: lines, db))
                if fold {
                    do { _ = try ChangeLog.fold(db, window: window, limit: nil) } catch { written.foldError = error }
                }
                return written
            }
            started.done.signal()
        }
        return previous
    }

    /// Waits for the batch in flight, if any, and returns it.
    func waitForInFlight() throws -> Written? {
        guard let pending = inFlight else { return nil }
        inFlight = nil
        pending.done.wait()
        return try pending.result!.get()
    }
}

internal import Dispatch
internal import LeadSyncSQLite

/// Writes an ingest's batches on the journal's queue while the caller parses the next one (at
/// most one batch in flight, so at most two are in memory), and folds when its window of
/// changes, coalesced per lead, reaches `JournalOptions.ingestFoldMemory` bytes or
/// `ingestFoldWindow` changes rather than every batch: a fold writes each lead it touches once
/// per transaction, and a batch of a thousand changes touches about a thousand leads, so folding
/// per batch rewrote the same lead pages many times over (docs/benchmarks.md, decisions 0029,
/// 0042). The window is folded from memory, in the transaction of the batch that fills it.
final class IngestWriter: IngestSink {
    private final class InFlight: @unchecked Sendable {
        // Written on the journal's queue before `done` is signalled, read after waiting on it.
        var result: Result<Outcome, any Error>?
        let done = DispatchSemaphore(value: 0)
    }

    private let journal: Journal
    private let database: JournalDatabase
    private let window: UnfoldedWindow
    private var inFlight: InFlight?

    init(_ journal: Journal) {
        self.journal = journal
        database = journal.changeLog.database
        window = UnfoldedWindow(
            limit: database.options.ingestFoldWindow, memory: database.options.ingestFoldMemory,
            chunk: database.options.foldWindow)
    }

    /// Folds what the journal holds (a journal that cannot is damaged: nothing is appended to
    /// it), then reads the mark of `input`.
    func prepare(input: String) throws -> IngestMark? {
        try journal.blocking { journal in
            _ = try await journal.changeLog.fold()
            return try await journal.changeLog.database.run { db in try IngestMark.load(input, db) }
        }
    }

    /// Folds the window, then whatever others appended meanwhile.
    func finish() throws {
        let window = window
        _ = try journal.blocking { journal in
            try await journal.changeLog.database.run { db in try db.write { db in try window.fold(db) } }
            return try await journal.changeLog.fold()
        }
    }

    /// Waits for the batch in flight, then starts writing `lines`, and `mark` in the same
    /// transaction, unless that batch failed.
    ///
    /// - Returns: the outcome of the batch that was in flight (nil for the first call).
    /// - Throws: the error of the batch that was in flight (then `lines` is not started).
    func submit(_ lines: [IngestLine], mark: IngestMark) throws -> Outcome? {
        let previous = try waitForInFlight()
        let started = InFlight()
        inFlight = started
        let window = window
        database.schedule { db in
            started.result = Result {
                try db.write { db in
                    let (outcome, changes) = try ConversationStore.record(lines: lines, db)
                    if let last = outcome.lastSeq { try window.add(changes, last: last, db) }
                    try mark.save(db)
                    return outcome
                }
            }
            started.done.signal()
        }
        return previous
    }

    /// Waits for the batch in flight, if any, and returns its outcome.
    func waitForInFlight() throws -> Outcome? {
        guard let pending = inFlight else { return nil }
        inFlight = nil
        pending.done.wait()
        return try pending.result!.get()
    }
}

/// The changes an ingest appended since its last fold, coalesced per lead, touched only on the
/// journal's queue.
private final class UnfoldedWindow: @unchecked Sendable {
    /// Most changes a window holds.
    let limit: Int
    /// Leads a fold from memory holds before writing them; changes per transaction of a fold
    /// from the table.
    let chunk: Int
    private var window: CoalescedChanges
    private var first: Int64 = 0
    /// False once another writer's changes came between two batches: the fold then reads the
    /// table instead.
    private var contiguous = true

    init(limit: Int, memory: Int, chunk: Int) {
        self.limit = limit
        self.chunk = chunk
        window = CoalescedChanges(capacity: memory)
    }

    /// Adds a batch just appended (its last seq is `last`) and folds the window once it is full.
    func add(_ batch: [LeadChange], last: Int64, _ db: Connection) throws {
        let batchFirst = last - Int64(batch.count) + 1
        if !window.isEmpty, batchFirst != first + Int64(window.changes) { contiguous = false }
        for (offset, change) in batch.enumerated() {
            let seq = batchFirst + Int64(offset)
            if window.isEmpty { first = seq }
            if try !window.add(change, seq: seq) {
                try fold(db)
                first = seq
                _ = try window.add(change, seq: seq)
            }
            if window.changes >= limit { try fold(db) }
        }
    }

    /// Folds the window's changes (from the table when others' came between them) and empties it.
    func fold(_ db: Connection) throws {
        guard !window.isEmpty else { return }
        if contiguous {
            let seqs = first...(first + Int64(window.changes) - 1)
            try ChangeLog.fold(window, seqs: seqs, chunk: chunk, db)
        } else {
            _ = try ChangeLog.fold(db, window: chunk, limit: nil)
        }
        window.removeAll()
        contiguous = true
    }
}

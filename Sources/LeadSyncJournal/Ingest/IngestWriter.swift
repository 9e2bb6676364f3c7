internal import Dispatch
internal import LeadSyncSQLite

/// Writes an ingest's chunks of lines on the journal's queue while the caller parses the next one
/// (at most one chunk in flight, so at most two are in memory), in transactions that span
/// chunks up to `--batch-size` changes, and folds once, at the end, lead by
/// lead: its changes are kept sorted by lead in bounded memory (`LeadSortedChanges`), so each
/// lead is read and written once per ingest, however many times and wherever in the input it
/// changed (decision 0044; before, a fold per window of changes rewrote most leads several
/// times over: docs/benchmarks.md, decisions 0029, 0042).
final class IngestWriter: IngestSink {
    private final class InFlight: @unchecked Sendable {
        // Written on the journal's queue before `done` is signalled, read after waiting on it.
        var result: Result<[Outcome], any Error>?
        let done = DispatchSemaphore(value: 0)
    }

    private let journal: Journal
    private let database: JournalDatabase
    private let unfolded: UnfoldedChanges
    private let open = OpenTransaction()
    private var inFlight: InFlight?

    init(_ journal: Journal) {
        self.journal = journal
        database = journal.changeLog.database
        let directory = journal.path.lastIndex(of: "/").map { String(journal.path[..<$0]) } ?? "."
        unfolded = UnfoldedChanges(
            LeadSortedChanges(
                capacity: database.options.ingestSortMemory, directory: directory.isEmpty ? "/" : directory),
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

    /// Folds the ingest's changes, then whatever others appended meanwhile.
    func finish() throws {
        let unfolded = unfolded
        _ = try journal.blocking { journal in
            try await journal.changeLog.database.run { db in try unfolded.fold(db) }
            return try await journal.changeLog.fold()
        }
    }

    /// Waits for the chunk in flight, then starts writing `lines`, and `mark`, in the transaction
    /// the ingest holds open (beginning one), unless that chunk failed; commits after them when
    /// `commit` is true.
    ///
    /// - Returns: the outcomes of the chunks the chunk in flight committed (none when it did not
    ///   commit), oldest first.
    /// - Throws: the error of the chunk in flight, whose transaction is rolled back with every
    ///   chunk it held (then `lines` is not started).
    func submit(_ lines: [IngestLine], mark: IngestMark, commit: Bool) throws -> [Outcome] {
        let previous = try waitForChunk()
        let started = InFlight()
        inFlight = started
        let (unfolded, open) = (unfolded, open)
        database.schedule { db in
            started.result = Result {
                try open.write(commit: commit, db) { db in
                    let (outcome, changes) = try ConversationStore.record(lines: lines, db)
                    if let last = outcome.lastSeq { try unfolded.add(changes, last: last) }
                    try mark.save(db)
                    return outcome
                }
            }
            started.done.signal()
        }
        return previous
    }

    /// Waits for the chunk in flight, if any, then commits the transaction the ingest holds open.
    /// Returns the outcomes of the chunks committed since the last call, oldest first.
    func waitForInFlight() throws -> [Outcome] {
        var outcomes = try waitForChunk()
        let open = open
        let committed = InFlight()
        database.schedule { db in
            committed.result = Result { try open.commit(db) }
            committed.done.signal()
        }
        committed.done.wait()
        outcomes += try committed.result!.get()
        return outcomes
    }

    private func waitForChunk() throws -> [Outcome] {
        guard let pending = inFlight else { return [] }
        inFlight = nil
        pending.done.wait()
        return try pending.result!.get()
    }
}

/// The transaction an ingest holds open across chunks until it has written `--batch-size`
/// changes, and the outcomes of the chunks written in it, touched only on the journal's queue:
/// a commit costs an fsync, and the chunks stay small so memory does not grow with the
/// transaction (decision 0044).
private final class OpenTransaction: @unchecked Sendable {
    private var written: [IngestSink.Outcome] = []

    /// Runs `body` in the open transaction, beginning one when none is, then commits when
    /// `commit` is true. Rolls back everything written in it when `body` or the commit fails.
    func write(commit: Bool, _ db: Connection, _ body: (Connection) throws -> IngestSink.Outcome) throws
        -> [IngestSink.Outcome]
    {
        do {
            if db.isAutocommit { try db.execute("BEGIN IMMEDIATE") }
            written.append(try body(db))
            return commit ? try self.commit(db) : []
        } catch {
            if !db.isAutocommit { try? db.execute("ROLLBACK") }
            written = []
            throw error
        }
    }

    /// Commits the open transaction, if any; returns the outcomes of its chunks.
    func commit(_ db: Connection) throws -> [IngestSink.Outcome] {
        guard !db.isAutocommit else { return [] }
        do {
            try db.execute("COMMIT")
        } catch {
            if !db.isAutocommit { try? db.execute("ROLLBACK") }
            written = []
            throw error
        }
        defer { written = [] }
        return written
    }
}

/// The changes an ingest appended, sorted by lead until its end, touched only on the journal's
/// queue.
private final class UnfoldedChanges: @unchecked Sendable {
    /// Leads per transaction of the fold in lead order; changes per transaction of a fold from
    /// the table.
    let chunk: Int
    private let sorted: LeadSortedChanges
    private var first: Int64 = 0
    /// False once another writer's changes came between two batches: the fold then reads the
    /// table instead, and nothing more is kept.
    private var contiguous = true

    init(_ sorted: LeadSortedChanges, chunk: Int) {
        self.sorted = sorted
        self.chunk = chunk
    }

    /// Adds a batch just appended (its last seq is `last`).
    func add(_ batch: [LeadChange], last: Int64) throws {
        guard contiguous else { return }
        let batchFirst = last - Int64(batch.count) + 1
        if sorted.isEmpty {
            first = batchFirst
        } else if batchFirst != first + Int64(sorted.count) {
            contiguous = false
            sorted.removeAll()
            return
        }
        for (offset, change) in batch.enumerated() { try sorted.add(change, seq: batchFirst + Int64(offset)) }
    }

    /// Folds the ingest's changes lead by lead (from the table, in seq order, when others' came
    /// between them or another fold in lead order is in progress).
    func fold(_ db: Connection) throws {
        // The file of runs is unlinked: closing it gives its space back.
        defer { sorted.removeAll() }
        if contiguous, !sorted.isEmpty {
            let seqs = first...(first + Int64(sorted.count) - 1)
            if try ChangeLog.fold(sorted, seqs: seqs, leadsPerTransaction: chunk, db) { return }
        }
        _ = try ChangeLog.fold(db, window: chunk, limit: nil)
    }
}

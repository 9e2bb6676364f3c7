internal import Dispatch
internal import LeadSyncSQLite

/// Writes an ingest's chunks of lines on the journal's queue while the caller parses the next ones
/// (at most ``depth`` chunks in flight), in transactions that span
/// chunks up to `--batch-size` changes, and folds once, at the end, lead by
/// lead: the caller's thread keeps its changes sorted by lead in bounded memory
/// (`LeadSortedChanges`) while the journal's queue appends them, so each lead is read and
/// written once per ingest, however many times and wherever in the input it changed (decision
/// 0044; before, a fold per window of changes rewrote most leads several times over:
/// docs/benchmarks.md, decisions 0029, 0042).
final class IngestWriter: IngestSink {
    private final class InFlight: @unchecked Sendable {
        // Written on the journal's queue before `done` is signalled, read after waiting on it.
        var result: Result<[Outcome], any Error>?
        /// Whether the ingest's appends were still its own alone, after this chunk's.
        var contiguous = true
        let done = DispatchSemaphore(value: 0)
    }

    private let journal: Journal
    private let database: JournalDatabase
    /// Touched on the caller's thread until `finish()`, which hands it to the journal's queue.
    private var sorted: LeadSortedChanges?
    private let appended = Appended()
    private let open = OpenTransaction()
    /// The chunks written or waiting to be, oldest first.
    private var inFlight: [InFlight] = []
    private(set) var chunksNotWritten = 0

    /// Chunks in flight at most. The journal's work per chunk varies less than the caller's,
    /// which now and then sorts and writes a run: with one in flight, each thread often waited
    /// for the other (docs/benchmarks.md, issue 10, tenth pass).
    static let depth = 4

    init(_ journal: Journal) {
        self.journal = journal
        database = journal.changeLog.database
        let directory = journal.path.lastIndex(of: "/").map { String(journal.path[..<$0]) } ?? "."
        sorted = LeadSortedChanges(
            capacity: database.options.ingestSortMemory, directory: directory.isEmpty ? "/" : directory)
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
        let unfolded = Unfolded(sorted: sorted, appended: appended, chunk: database.options.foldWindow)
        sorted = nil
        _ = try journal.blocking { journal in
            try await journal.changeLog.database.run { db in try unfolded.fold(db) }
            return try await journal.changeLog.fold()
        }
    }

    /// Waits for the oldest chunk in flight when ``depth`` are, then starts writing `lines`, and
    /// `mark`, in the transaction the ingest holds open (beginning one), unless a chunk before
    /// failed; commits after them when `commit` is true.
    ///
    /// - Returns: the outcomes of the chunks the chunk waited for committed (none when it did
    ///   not commit), oldest first.
    /// - Throws: the error of the chunk waited for, whose transaction is rolled back with every
    ///   chunk it held (then `lines` is not started, nor is any chunk after it written).
    func submit(_ lines: [IngestLine], mark: IngestMark, commit: Bool) throws -> [Outcome] {
        // Sorted here, while the journal's queue writes the chunks before.
        let base = sorted?.count ?? 0
        if let sorted {
            for line in lines { if let change = line.change { try sorted.add(change) } }
        }
        let previous = try wait(untilFewerThan: Self.depth)
        let started = InFlight()
        inFlight.append(started)
        let (appended, open) = (appended, open)
        database.schedule { db in
            started.result = Result {
                try open.write(commit: commit, db) { db in
                    let outcome = try ConversationStore.record(lines: lines, db)
                    appended.record(lines, base: base, outcome)
                    try mark.save(db)
                    return outcome
                }
            }
            started.contiguous = appended.contiguous
            started.done.signal()
        }
        return previous
    }

    /// Waits for the chunks in flight, if any, then commits the transaction the ingest holds open.
    /// Returns the outcomes of the chunks committed since the last call, oldest first.
    func waitForInFlight() throws -> [Outcome] {
        var outcomes = try wait(untilFewerThan: 1)
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

    /// Waits for the oldest chunks in flight until fewer than `limit` are; returns what they
    /// committed, oldest first, or throws the error of the first that failed (once the chunks
    /// queued behind it, which are not written, are done).
    private func wait(untilFewerThan limit: Int) throws -> [Outcome] {
        var outcomes: [Outcome] = []
        while inFlight.count >= limit {
            let pending = inFlight.removeFirst()
            pending.done.wait()
            if !pending.contiguous, let sorted {
                // Its fold will read the table: the file of runs is given back at once.
                sorted.removeAll()
                self.sorted = nil
            }
            do {
                outcomes += try pending.result!.get()
            } catch {
                for queued in inFlight { queued.done.wait() }
                chunksNotWritten = inFlight.count
                inFlight = []
                throw error
            }
        }
        return outcomes
    }
}

/// The transaction an ingest holds open across chunks until it has written `--batch-size`
/// changes, and the outcomes of the chunks written in it, touched only on the journal's queue:
/// a commit costs an fsync, and the chunks stay small so memory does not grow with the
/// transaction (decision 0044).
private final class OpenTransaction: @unchecked Sendable {
    private var written: [IngestSink.Outcome] = []
    /// The error that rolled a transaction back: the chunks queued after it are not written
    /// (the ingest stops at it).
    private var failure: (any Error)?

    /// Runs `body` in the open transaction, beginning one when none is, then commits when
    /// `commit` is true. Rolls back everything written in it when `body` or the commit fails.
    func write(commit: Bool, _ db: Connection, _ body: (Connection) throws -> IngestSink.Outcome) throws
        -> [IngestSink.Outcome]
    {
        if let failure { throw failure }
        do {
            if db.isAutocommit { try db.execute("BEGIN IMMEDIATE") }
            written.append(try body(db))
        } catch {
            rollBack(db, error)
            throw error
        }
        return commit ? try self.commit(db) : []
    }

    /// Commits the open transaction, if any; returns the outcomes of its chunks.
    func commit(_ db: Connection) throws -> [IngestSink.Outcome] {
        if let failure { throw failure }
        guard !db.isAutocommit else { return [] }
        do {
            try db.execute("COMMIT")
        } catch {
            rollBack(db, error)
            throw error
        }
        defer { written = [] }
        return written
    }

    private func rollBack(_ db: Connection, _ error: any Error) {
        if !db.isAutocommit { try? db.execute("ROLLBACK") }
        written = []
        failure = error
    }
}

/// The seqs an ingest's changes got, recorded on the journal's queue as each chunk is appended.
private final class Appended: @unchecked Sendable {
    private(set) var seqs = AppendedSeqs()
    /// False once another writer's changes came between two chunks: the fold then reads the
    /// table instead.
    private(set) var contiguous = true

    /// Records the appends of `lines`, whose changes have the ordinals from `base` on.
    func record(_ lines: [IngestLine], base: Int, _ outcome: IngestSink.Outcome) {
        guard contiguous else { return }
        var changes = 0
        var refused: [Int] = []
        for (index, line) in lines.enumerated() where line.change != nil {
            // A line refused whole appended no change.
            if outcome.conversations.refused[index] != nil { refused.append(changes) }
            changes += 1
        }
        contiguous = seqs.record(base: base, changes: changes, refused: refused, last: outcome.lastSeq)
    }
}

/// What the ingest's fold needs, handed from the caller's thread to the journal's queue once
/// every chunk is appended.
private struct Unfolded: @unchecked Sendable {
    let sorted: LeadSortedChanges?
    let appended: Appended
    /// Leads per transaction of the fold in lead order; changes per transaction of a fold from
    /// the table.
    let chunk: Int

    /// Folds the ingest's changes lead by lead (from the table, in seq order, when others' came
    /// between them or another fold in lead order is in progress).
    func fold(_ db: Connection) throws {
        if let sorted {
            // The file of runs is unlinked: closing it gives its space back.
            defer { sorted.removeAll() }
            if appended.contiguous,
                try ChangeLog.fold(sorted, seqs: appended.seqs, leadsPerTransaction: chunk, db)
            {
                return
            }
        }
        _ = try ChangeLog.fold(db, window: chunk, limit: nil)
    }
}

internal import LeadSyncSQLite
internal import LeadSyncSupport

extension ChangeLog {
    /// Brings derived state (current values, pending counts, fields seen) up to date with every
    /// change appended so far, in windows of `options.foldWindow` changes per transaction (the
    /// rules are `Folder`'s).
    ///
    /// - Returns: how many changes were folded.
    @discardableResult
    package func fold() async throws -> Int {
        let window = database.options.foldWindow
        return try await database.run { db in try Self.fold(db, window: window, limit: nil) }
    }

    /// The fold a read does before it answers, so reads never need to write: skipped on a
    /// journal that cannot be written, given up when a write fails for want of space or access
    /// (a full disk); what is left shows in `unfoldedChanges`.
    static func foldBeforeReading(_ db: Connection, _ options: JournalOptions) throws {
        guard !options.readOnly, !db.isReadOnly else { return }
        do {
            _ = try fold(db, window: options.foldWindow, limit: options.readFoldLimit)
        } catch let error as SQLiteError where error.isUnwritable {
            return
        }
    }

    static func fold(_ db: Connection, window: Int, limit: Int?) throws -> Int {
        var total = 0
        while limit.map({ total < $0 }) ?? true {
            let size = min(window, limit.map { $0 - total } ?? window)
            let folded = try db.write { db in try foldWindow(db, size: size) }
            total += folded
            if folded < size { break }
        }
        return total
    }

    private static func foldWindow(_ db: Connection, size: Int) throws -> Int {
        let after = try Counter.foldedSeq.value(db)
        // Changes a fold in lead order folded already, before the cursor could pass them.
        let progress = try LeadOrderFold.load(db)
        var folder = try Folder(db)
        let select = try db.cached(
            "SELECT seq, lead, at, fields, origin FROM change WHERE seq > ? ORDER BY seq LIMIT ?")
        defer { select.reset() }
        try select.bind(1, after)
        try select.bind(2, Int64(size))
        var read = 0
        var last = after
        while try select.step() {
            let seq = select.int64(0)
            let lead = select.text(1)
            read += 1
            last = seq
            if let progress, progress.holds(seq: seq, lead: lead) { continue }
            let fields: [String: FieldValue]
            do {
                fields = try FieldsCodec.decode(select.text(3))
            } catch {
                throw JournalError(.corrupt, "change \(seq) has unreadable fields: \(error)")
            }
            try folder.fold(
                seq: seq, lead: lead, at: select.int64(2),
                fields: fields.map { ($0.key, FieldsCodec.encode($0.value)) },
                origin: ChangeOrigin(rawValue: select.int64(4)) ?? .local)
        }
        select.reset()
        guard read > 0 else { return 0 }
        try folder.finish(through: last)
        if let progress, last >= progress.throughSeq { try LeadOrderFold.clear(db) }
        return read
    }

    /// Leads a fold in lead order reads and changes before writing them: each is about a
    /// kilobyte in memory, and writing them in order every thousand costs no more than once per
    /// transaction.
    static let leadsPerWrite = 1_000

    /// Folds `sorted`, the changes appended with the seqs `seqs` gives them (the journal's every
    /// change in that range), lead by lead: each lead is read and written once, with only the
    /// winning value of each field (``LeadWinners``, chosen on another thread meanwhile). A
    /// lead's state depends only on its own changes, so the result is the one a fold in seq
    /// order gives (decision 0044). Commits every `leadsPerTransaction` leads, recording its
    /// progress (``LeadOrderFold``) so that a fold in seq order between its transactions, or
    /// after a crash, folds each change once; the fold cursor moves to the end of the range with
    /// the last lead.
    ///
    /// - Returns: false when the caller must fold from the table: another fold in lead order is
    ///   in progress, or changes before the range are still unfolded after folding up to it in
    ///   seq order (then nothing was folded), or another process folded in seq order between
    ///   this fold's transactions (then the recorded progress tells what is folded).
    static func fold(
        _ sorted: LeadSortedChanges, seqs: AppendedSeqs, leadsPerTransaction: Int, _ db: Connection
    ) throws -> Bool {
        guard let range = seqs.range else { return true }
        let before = try Counter.foldedSeq.value(db)
        if before < range.lowerBound - 1 {
            _ = try fold(db, window: leadsPerTransaction, limit: Int(range.lowerBound - 1 - before))
        }
        let start = try db.read { db -> (cursor: Int64, mappings: [String: Mapping])? in
            let cursor = try Counter.foldedSeq.value(db)
            guard try cursor >= range.lowerBound - 1 && LeadOrderFold.load(db) == nil else { return nil }
            return (cursor, try DerivedStateWriter.mappings(db))
        }
        guard let (cursor, mappings) = start else { return false }
        let winners = LeadWinners(
            try sorted.leads(seqs), after: cursor, batch: min(leadsPerWrite, leadsPerTransaction), mappings: mappings)
        defer { winners.stop() }
        var batch = try winners.next()
        while batch != nil {
            let cursorMoved = try db.write { db -> Bool in
                // Another process folded in seq order: the winners were chosen without knowing.
                guard try Counter.foldedSeq.value(db) == cursor else { return true }
                var folder = try Folder(db)
                // The leads folded as new hold if the mappings are still those they were folded with.
                let asNew = folder.writer.mappings == winners.rules.mappings
                var count = 0
                var last = ""
                while let leads = batch, count < leadsPerTransaction {
                    if count > 0 { try folder.writeLeads() }
                    last = try folder.fold(leads, names: winners.names, asNew: asNew)
                    count += leads.leads.count
                    batch = try winners.next()
                }
                if batch == nil {
                    try folder.finish(through: range.upperBound)
                    try LeadOrderFold.clear(db)
                } else {
                    try folder.writeLeads()
                    try LeadOrderFold(throughSeq: range.upperBound, lastLead: last).save(db)
                }
                return false
            }
            if cursorMoved { return false }
        }
        return true
    }
}

/// Applies changes to a SQLite journal's derived state within one transaction, each lead's
/// changes in seq order (the rules are `DerivedStateWriter.fold`'s), and records the fields seen.
private struct Folder {
    let db: Connection
    let rows: SQLiteLeadRows
    let writer: DerivedStateWriter
    var seen = Set<String>()
    /// The names of an ingest's fold in lead order recorded as seen, by their index.
    var seenIndices: [Bool] = []

    init(_ db: Connection) throws {
        self.db = db
        rows = SQLiteLeadRows(db)
        writer = DerivedStateWriter(rows: rows, mappings: try DerivedStateWriter.mappings(db))
    }

    /// Folds one change; `fields` are (name, value as compact JSON text).
    mutating func fold(
        seq: Int64, lead: String, at: Int64, fields: [(name: String, value: String)], origin: ChangeOrigin
    )
        throws
    {
        for (field, _) in fields where seen.insert(field).inserted { try see(field) }
        try writer.fold(seq: seq, lead: lead, at: at, fields: fields, origin: origin)
    }

    private func see(_ field: String) throws {
        try db.cached("INSERT OR IGNORE INTO field_seen(field) VALUES (?)").execute([.text(field)])
    }

    /// Folds a batch of an ingest's leads, each with only its winning values; returns the last
    /// lead's key. A lead the journal does not hold is inserted as the batch folded it as new
    /// (``LeadWinners/Batch/asNew``) when `asNew` is true: that work was done on another thread.
    mutating func fold(_ batch: LeadWinners.Batch, names: [String], asNew: Bool) throws -> String {
        var lead = ""
        for index in batch.leads.indices {
            lead = batch.text(batch.leads[index].key)
            for step in batch.steps[batch.leads[index].steps] {
                // Seen by index: hashing each name of each change showed in the fold's profile.
                for field in batch.fields[step.fields] where !seen(index: field.name) {
                    try see(names[field.name])
                }
            }
            if asNew {
                let (counted, state) = batch.asNew[index]
                let inserted = try batch.bytes.withUnsafeBytes { bytes in
                    try rows.insert(new: lead, counted, state: UnsafeRawBufferPointer(rebasing: bytes[state]))
                }
                if inserted {
                    writer.countWritten(new: counted)
                    continue
                }
            }
            try batch.fold(lead: index, lead, names: names, into: writer)
        }
        return lead
    }

    /// Whether the name at `index` was recorded as seen; records it.
    private mutating func seen(index: Int) -> Bool {
        if index >= seenIndices.count { seenIndices += repeatElement(false, count: index + 1 - seenIndices.count) }
        defer { seenIndices[index] = true }
        return seenIndices[index]
    }

    /// Writes the leads folded so far and forgets them; the fold goes on in the same transaction.
    func writeLeads() throws { try writer.finish() }

    /// Writes what was folded and moves the fold cursor to `seq`: every change up to it is folded.
    func finish(through seq: Int64) throws {
        try writer.finish()
        try Counter.foldedSeq.set(seq, db)
    }
}

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
        var folder = try Folder(db)
        let select = try db.cached(
            "SELECT seq, lead, at, fields, origin FROM change WHERE seq > ? ORDER BY seq LIMIT ?")
        defer { select.reset() }
        try select.bind(1, after)
        try select.bind(2, Int64(size))
        while try select.step() {
            let seq = select.int64(0)
            let fields: [String: FieldValue]
            do {
                fields = try FieldsCodec.decode(select.text(3))
            } catch {
                throw JournalError(.corrupt, "change \(seq) has unreadable fields: \(error)")
            }
            try folder.fold(
                seq: seq, lead: select.text(1), at: select.int64(2),
                fields: fields.map { ($0.key, FieldsCodec.encode($0.value)) },
                origin: ChangeOrigin(rawValue: select.int64(4)) ?? .local)
        }
        select.reset()
        return try folder.finish()
    }

    /// Leads a fold from memory reads and changes before writing them: each is about a kilobyte
    /// in memory, and writing them in id order every thousand costs no more than once per window.
    static let leadsPerWrite = 1_000

    /// Folds `window`, coalesced from the changes appended with consecutive seqs `seqs` (the last
    /// of them is the journal's last), from memory when every change before them is folded;
    /// otherwise reads the table, which folds whatever is unfolded in seq order, `chunk` changes
    /// per transaction.
    ///
    /// From memory, the fold goes lead by lead in the order of their rows (new leads last, in the
    /// order they appeared): a lead's state depends only on its own changes, so the result is
    /// the same, while every lead is read and written once and the lead table's pages are written
    /// in order, each once per window. Leads are written every ``leadsPerWrite`` leads, so memory
    /// holds few of them (decisions 0029, 0042).
    static func fold(_ window: CoalescedChanges, seqs: ClosedRange<Int64>, chunk: Int, _ db: Connection) throws {
        guard try Counter.foldedSeq.value(db) == seqs.lowerBound - 1 else {
            _ = try fold(db, window: chunk, limit: nil)
            return
        }
        var folder = try Folder(db)
        var held = 0
        let select = try db.cached("SELECT id FROM lead WHERE key = ?")
        defer { select.reset() }
        let rank = { (lead: String) throws -> Int64 in
            try select.bind(1, lead)
            defer { select.reset() }
            return try select.step() ? select.int64(0) : .max
        }
        try window.forEachLead(rankedBy: rank) { lead, id, won in
            if held >= leadsPerWrite {
                try folder.writeLeads()
                held = 0
            }
            held += 1
            // Read by the id its rank found, so the fold does not look the key up again.
            if id != .max, let stored = try folder.writer.rows.lead(id: id) { folder.writer.adopt(stored) }
            for change in won {
                try folder.fold(seq: change.seq, lead: lead, at: change.at, fields: change.fields, origin: .local)
            }
        }
        try folder.finish(through: seqs.upperBound)
    }
}

/// Applies changes to a SQLite journal's derived state within one transaction, each lead's
/// changes in seq order (the rules are `DerivedStateWriter.fold`'s), and records the fields seen.
private struct Folder {
    let db: Connection
    let writer: DerivedStateWriter
    var seen = Set<String>()
    var count = 0
    var last: Int64 = 0

    init(_ db: Connection) throws {
        self.db = db
        writer = try DerivedStateWriter(db)
    }

    /// Folds one change; `fields` are (name, value as compact JSON text).
    mutating func fold(
        seq: Int64, lead: String, at: Int64, fields: [(name: String, value: String)], origin: ChangeOrigin
    )
        throws
    {
        for (field, _) in fields where seen.insert(field).inserted {
            try db.cached("INSERT OR IGNORE INTO field_seen(field) VALUES (?)").execute([.text(field)])
        }
        try writer.fold(seq: seq, lead: lead, at: at, fields: fields, origin: origin)
        count += 1
        last = seq
    }

    /// Writes the leads folded so far and forgets them; the fold goes on in the same transaction.
    func writeLeads() throws { try writer.finish() }

    /// Writes what was folded and moves the fold cursor; returns how many changes were folded.
    func finish() throws -> Int {
        try writer.finish()
        if count > 0 { try Counter.foldedSeq.set(last, db) }
        return count
    }

    /// Writes what was folded and moves the fold cursor to `seq`: a coalesced window's changes
    /// that won no field are folded too.
    func finish(through seq: Int64) throws {
        try writer.finish()
        try Counter.foldedSeq.set(seq, db)
    }
}

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

    /// Folds `sorted`, the changes appended with seqs `seqs` (the journal's every change in that
    /// range), lead by lead: each lead is read and written once, its changes applied in seq
    /// order. A lead's state depends only on its own changes, so the result is the one a fold
    /// in seq order gives (decision 0044). Commits every `leadsPerTransaction` leads, recording
    /// its progress (``LeadOrderFold``) so that a fold in seq order between its transactions, or
    /// after a crash, folds each change once; the fold cursor moves to the end of `seqs` with
    /// the last lead. Changes another process folded meanwhile (up to the cursor) are skipped.
    ///
    /// - Returns: false, folding nothing, when another fold in lead order is in progress or
    ///   changes before `seqs` are still unfolded after folding up to `seqs` in seq order: the
    ///   caller folds from the table.
    static func fold(
        _ sorted: LeadSortedChanges, seqs: ClosedRange<Int64>, leadsPerTransaction: Int, _ db: Connection
    ) throws -> Bool {
        let before = try Counter.foldedSeq.value(db)
        if before < seqs.lowerBound - 1 {
            _ = try fold(db, window: leadsPerTransaction, limit: Int(seqs.lowerBound - 1 - before))
        }
        let ready = try db.read { db in
            try Counter.foldedSeq.value(db) >= seqs.lowerBound - 1 && LeadOrderFold.load(db) == nil
        }
        guard ready else { return false }
        let leads = try sorted.leads()
        var next = try leads.next()
        while let first = next {
            next = try db.write { db -> (lead: String, changes: [LeadSortedChanges.Change])? in
                let cursor = try Counter.foldedSeq.value(db)
                // Another process's fold in seq order went past the whole range.
                guard cursor < seqs.upperBound else { return nil }
                var folder = try Folder(db)
                var winners: [Winner] = []
                var lead: (lead: String, changes: [LeadSortedChanges.Change])? = first
                var count = 0
                var last = first.lead
                while let (key, changes) = lead, count < leadsPerTransaction {
                    if count > 0, count % leadsPerWrite == 0 { try folder.writeLeads() }
                    // In seq order: those another process folded meanwhile come first.
                    try fold(changes.drop { $0.seq <= cursor }, of: key, into: &folder, winners: &winners)
                    last = key
                    count += 1
                    lead = try leads.next()
                }
                guard lead != nil else {
                    try folder.finish(through: seqs.upperBound)
                    try LeadOrderFold.clear(db)
                    return nil
                }
                try folder.writeLeads()
                try LeadOrderFold(throughSeq: seqs.upperBound, lastLead: last).save(db)
                return lead
            }
        }
        return true
    }

    /// A field's winning value among a lead's changes, and the index of the change that won it.
    private typealias Winner = (name: String, value: String, change: Int)

    /// Folds one lead's local `changes` (seq order): only the value that wins each field (the
    /// latest `at`; on a tie the later seq) is applied, with the seq and `at` of the change that
    /// won it. The fold keeps the winner among the stored value and every change in seq order,
    /// so the lead ends the same, for a fraction of the work when a lead changed many times.
    private static func fold(
        _ changes: ArraySlice<LeadSortedChanges.Change>, of lead: String, into folder: inout Folder,
        winners: inout [Winner]
    ) throws {
        guard let last = changes.last else { return }
        winners.removeAll(keepingCapacity: true)
        for (index, change) in zip(changes.indices, changes) {
            for (name, value) in change.fields {
                if let held = winners.firstIndex(where: { $0.name == name }) {
                    if change.at >= changes[winners[held].change].at { winners[held] = (name, value, index) }
                } else {
                    winners.append((name, value, index))
                }
            }
        }
        // A lead whose changes hold no field is created all the same.
        guard !winners.isEmpty else {
            try folder.fold(seq: last.seq, lead: lead, at: last.at, fields: [], origin: .local)
            return
        }
        winners.sort { $0.change < $1.change }
        var start = 0
        while start < winners.count {
            let index = winners[start].change
            var end = start
            while end < winners.count, winners[end].change == index { end += 1 }
            try folder.fold(
                seq: changes[index].seq, lead: lead, at: changes[index].at,
                fields: winners[start..<end].map { ($0.name, $0.value) }, origin: .local)
            start = end
        }
    }
}

/// Applies changes to a SQLite journal's derived state within one transaction, each lead's
/// changes in seq order (the rules are `DerivedStateWriter.fold`'s), and records the fields seen.
private struct Folder {
    let db: Connection
    let writer: DerivedStateWriter
    var seen = Set<String>()

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
    }

    /// Writes the leads folded so far and forgets them; the fold goes on in the same transaction.
    func writeLeads() throws { try writer.finish() }

    /// Writes what was folded and moves the fold cursor to `seq`: every change up to it is folded.
    func finish(through seq: Int64) throws {
        try writer.finish()
        try Counter.foldedSeq.set(seq, db)
    }
}

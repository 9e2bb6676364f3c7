internal import LeadSyncSQLite

/// A SQLite journal's `lead` rows and counters, for a ``DerivedStateWriter`` inside the write
/// transaction the connection is in.
final class SQLiteLeadRows: LeadRows {
    let db: Connection
    /// The id the next new lead gets (nil: not known yet in this transaction).
    private var nextID: Int64?
    /// The statements of the per-lead reads and writes, taken from the connection's cache once
    /// per writer: looking one up there hashes its whole SQL, which cost the drain more than
    /// the statement's own step.
    private var readByKey: Statement?
    private var readByID: Statement?
    private var insert: Statement?
    private var insertIfAbsent: Statement?
    private var update: Statement?
    /// The state blob being written, reused from lead to lead.
    private var blob: [UInt8] = []

    init(_ db: Connection) { self.db = db }

    func lead(key: String) throws -> StoredLead? {
        try StoredLead.read(key: key, with: statement(&readByKey, StoredLead.selectByKey))
    }

    func lead(id: Int64) throws -> StoredLead? {
        try StoredLead.read(id: id, with: statement(&readByID, StoredLead.selectByID))
    }

    /// `sql`'s statement, taken from the connection's cache the first time and kept in `held`.
    private func statement(_ held: inout Statement?, _ sql: String) throws -> Statement {
        if let held { return held }
        let statement = try db.cached(sql)
        held = statement
        return statement
    }

    /// Ids are allocated as SQLite would (the largest plus one), which is safe because the
    /// transaction holds the write lock.
    func newLeadID() throws -> Int64 {
        let id = try nextFreeID()
        nextID = id + 1
        return id
    }

    /// The id the next new lead gets, read once per transaction.
    private func nextFreeID() throws -> Int64 {
        if let nextID { return nextID }
        let id = (try db.scalar("SELECT max(id) FROM lead") ?? 0) + 1
        nextID = id
        return id
    }

    /// Inserts lead `key`, new, with `counted` columns and `state` (its blob) and the next id,
    /// unless the journal holds a lead `key`.
    ///
    /// - Returns: whether it was inserted (when not, no id was taken, and the next is still
    ///   known: a re-ingest of held leads asks SQLite for the largest id once, not per lead).
    func insert(new key: String, _ counted: DerivedStateWriter.Counted, state: UnsafeRawBufferPointer) throws -> Bool {
        let id = try nextFreeID()
        let insert = try statement(
            &insertIfAbsent,
            "INSERT INTO lead(mark, pending_fields, pending_changes, state, id, key) VALUES (?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT(key) DO NOTHING")
        defer { insert.reset() }
        try insert.bind(1, counted.mark.rawValue)
        try insert.bind(2, counted.pendingFields)
        try insert.bind(3, counted.pendingChanges)
        try insert.bind(4, blob: state)
        try insert.bind(5, id)
        try insert.bind(6, key)
        try insert.step()
        guard db.changes == 1 else { return false }
        nextID = id + 1
        return true
    }

    func write(_ lead: StoredLead, isNew: Bool) throws {
        let write =
            isNew
            ? try statement(
                &insert,
                "INSERT INTO lead(remote_id, mark, pending_fields, pending_changes, state, id, key) VALUES (?, ?, ?, ?, ?, ?, ?)"
            )
            : try statement(
                &update,
                "UPDATE lead SET remote_id = ?, mark = ?, pending_fields = ?, pending_changes = ?, state = ? WHERE id = ?"
            )
        try write.bind(1, lead.remoteID)
        try write.bind(2, lead.mark.rawValue)
        try write.bind(3, lead.pendingFields)
        try write.bind(4, lead.pendingChanges)
        blob.removeAll(keepingCapacity: true)
        lead.writeState(to: &blob)
        try write.bind(5, blob: blob)
        try write.bind(6, lead.id)
        if isNew { try write.bind(7, lead.key) }
        try write.step()
        write.reset()
    }

    func add(_ deltas: [Counter: Int64]) throws {
        let counter = try db.cached("UPDATE counter SET value = value + ? WHERE name = ?")
        for (name, delta) in deltas { try counter.execute([.integer(delta), .text(name.rawValue)]) }
    }
}

extension DerivedStateWriter {
    /// Calls `body` for every lead of the journal `db`, a thousand at a time, writing each
    /// thousand before reading the next: a change to every lead stays in bounded memory.
    func forEachLead(_ db: Connection, _ body: (StoredLead) throws -> Void) throws {
        var cursor: Int64 = 0
        while true {
            let leads = try StoredLead.window(where: "1", after: cursor, limit: 1_000, db)
            guard let last = leads.last else { return }
            for lead in leads {
                adopt(lead)
                try body(try self.lead(lead.id))
            }
            try finish()
            cursor = last.id
        }
    }
}

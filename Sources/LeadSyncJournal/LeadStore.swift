internal import LeadSyncSQLite
internal import LeadSyncSupport

/// Reads of lead state: the journal's counters, one lead, windows of pending or linked leads,
/// and the snapshots and identity values an import from the remote needs. Reads that answer
/// about current values fold first.
package struct LeadStore: Sendable {
    let database: JournalDatabase

    /// The journal's counters. Folds at most `options.readFoldLimit` new changes first (when the
    /// journal can be written), so it stays fast right after a huge ingest; it never scans the
    /// journal.
    package func status() async throws -> JournalStatus {
        let options = database.options
        return try await database.run { db in
            try ChangeLog.foldBeforeReading(db, options)
            return try Self.status(db)
        }
    }

    static func status(_ db: Connection) throws -> JournalStatus {
        try db.read { db in
            var counters: [String: Int64] = [:]
            let select = try db.cached("SELECT name, value FROM counter")
            while try select.step() { counters[select.text(0)] = select.int64(1) }
            select.reset()
            // The rowid B-tree's last key: O(log n), unlike count(*).
            let lastSeq = try db.scalar("SELECT max(seq) FROM change") ?? 0
            return JournalStatus(
                counters: counters, lastSeq: lastSeq, lastSyncAt: try ConfigurationStore.setting(.lastSyncAt, db),
                lastError: try ConfigurationStore.setting(.lastError, db))
        }
    }

    /// Everything known about one lead, or nil when the journal has never seen it. Folds at most
    /// `options.readFoldLimit` new changes first.
    package func lead(_ key: String) async throws -> LeadRecord? {
        let options = database.options
        return try await database.run { db in
            try ChangeLog.foldBeforeReading(db, options)
            return try db.read { db in try Self.lead(key, db) }
        }
    }

    private static func lead(_ key: String, _ db: Connection) throws -> LeadRecord? {
        guard let lead = try StoredLead.read(key: key, db) else { return nil }
        var pending: [LeadRecord.PendingChange] = []
        let change = try db.cached("SELECT at, fields FROM change WHERE seq = ?")
        for seq in lead.pendingSeqs {
            try change.bind(1, seq)
            if try change.step() {
                pending.append(
                    LeadRecord.PendingChange(
                        seq: seq, atMilliseconds: change.int64(0), fields: try FieldsCodec.decode(change.text(1))))
            }
            change.reset()
        }
        return try LeadRecord(
            lead, mappings: DerivedStateWriter.mappings(db), pending: pending,
            rejected: DeliveryLedger.rejectedEntries(lead: key, db))
    }

    /// The lead linked to a remote id, if any.
    package func lead(remoteID: String) async throws -> String? {
        try await database.run { db in try db.scalarText("SELECT key FROM lead WHERE remote_id = ?", [.text(remoteID)])
        }
    }

    /// Lead fields seen in the journal so far (after the last fold), sorted.
    package func fieldsSeen() async throws -> [String] {
        try await database.run { db in
            let select = try db.cached("SELECT field FROM field_seen ORDER BY field")
            defer { select.reset() }
            var fields: [String] = []
            while try select.step() { fields.append(select.text(0)) }
            return fields
        }
    }
}

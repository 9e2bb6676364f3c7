internal import LeadSyncSQLite

/// Rejected entries: what the remote (or the sync) refused, grouped per lead, category and
/// message, and retrying them.
extension DeliveryLedger {
    /// Every rejected entry, oldest first; with `lead`, only that lead's.
    package func rejectedEntries(lead: String? = nil) async throws -> [RejectedEntry] {
        try await database.run { db in try Self.rejectedEntries(lead: lead, db) }
    }

    static func rejectedEntries(lead: String?, _ db: Connection) throws -> [RejectedEntry] {
        let select = try db.cached(
            """
            SELECT r.id, l.key, r.fields, r.category, r.message, r.at, r.source
            FROM rejected r JOIN lead l ON l.id = r.lead_id
            WHERE ?1 IS NULL OR l.key = ?1 ORDER BY r.id
            """)
        defer { select.reset() }
        try select.bind(1, lead)
        var entries: [RejectedEntry] = []
        while try select.step() {
            entries.append(
                RejectedEntry(
                    id: String(select.int64(0)), lead: select.text(1), fields: try FieldsCodec.decode(select.text(2)),
                    category: select.text(3), message: select.text(4), atMilliseconds: select.int64(5),
                    source: RejectedEntry.Source(rawValue: select.text(6)) ?? .remote))
        }
        return entries
    }

    /// Makes the refused fields of the given entries pending again, each with the field's
    /// current winning value, and removes the entries. With `ids` nil, retries every entry.
    ///
    /// - Returns: how many entries were retried.
    /// - Throws: `JournalError.unknownRejectedEntry` for an unknown id; nothing changes then.
    @discardableResult
    package func retryRejected(ids: [String]?) async throws -> Int {
        try await database.run { db in
            try db.write { db in
                let writer = try DerivedStateWriter(db)
                let entries: [(id: Int64, leadID: Int64, fields: [String])]
                if let ids {
                    entries = try ids.map { id in
                        guard let number = Int64(id),
                            let entry = try Self.rejectedEntry(number, db)
                        else { throw JournalError(.unknownRejectedEntry, "no rejected entry with id \(id)") }
                        return entry
                    }
                } else {
                    let select = try db.cached("SELECT id FROM rejected ORDER BY id")
                    var numbers: [Int64] = []
                    while try select.step() { numbers.append(select.int64(0)) }
                    select.reset()
                    entries = try numbers.compactMap { try Self.rejectedEntry($0, db) }
                }
                for entry in entries {
                    try writer.retry(leadID: entry.leadID, fields: entry.fields)
                    try db.cached("DELETE FROM rejected WHERE id = ?").execute([.integer(entry.id)])
                }
                try writer.finish()
                return entries.count
            }
        }
    }

    private static func rejectedEntry(_ id: Int64, _ db: Connection) throws -> (
        id: Int64, leadID: Int64, fields: [String]
    )? {
        let select = try db.cached("SELECT lead_id, fields FROM rejected WHERE id = ?")
        defer { select.reset() }
        try select.bind(1, id)
        guard try select.step() else { return nil }
        return (id, select.int64(0), Array(try FieldsCodec.decode(select.text(1)).keys))
    }
}

internal import LeadSyncSQLite
package import LeadSyncSupport

/// The reads an import from the remote (`leadsync pull`) needs: leads by identity and snapshots
/// of the leads a page of records concerns, both after folding every change appended so far.
extension LeadStore {
    /// Every lead's current identity value (the field mapped to the identity property), after
    /// folding every change appended so far. One pass over the leads.
    package func identityValues() async throws -> [(lead: String, value: FieldValue)] {
        let window = database.options.foldWindow
        return try await database.run { db in
            _ = try ChangeLog.fold(db, window: window, limit: nil)
            return try db.read { db in
                guard let identityField = try DerivedStateWriter(db).identityField else { return [] }
                var values: [(lead: String, value: FieldValue)] = []
                var cursor: Int64 = 0
                while true {
                    let leads = try StoredLead.window(where: "1", after: cursor, limit: 1_000, db)
                    guard let last = leads.last else { return values }
                    for lead in leads {
                        if let value = try lead.value(of: identityField) { values.append((lead.key, value)) }
                    }
                    cursor = last.id
                }
            }
        }
    }

    /// Snapshots of the leads with the given keys and of the leads linked to the given remote ids,
    /// after folding every change appended so far (so a pending local value is seen as pending).
    /// Unknown keys and ids are left out.
    package func leadSnapshots(leads: [String], remoteIDs: [String]) async throws -> [LeadSnapshot] {
        let window = database.options.foldWindow
        return try await database.run { db in
            _ = try ChangeLog.fold(db, window: window, limit: nil)
            return try db.read { db in
                var ids = Set<Int64>()
                for (sql, keys) in [
                    ("SELECT id FROM lead WHERE key = ?", leads),
                    ("SELECT id FROM lead WHERE remote_id = ?", remoteIDs),
                ] {
                    let select = try db.cached(sql)
                    for key in keys {
                        try select.bind(1, key)
                        while try select.step() { ids.insert(select.int64(0)) }
                        select.reset()
                    }
                }
                return try ids.sorted().map { id in
                    guard let lead = try StoredLead.read(id: id, db) else {
                        throw JournalError(.corrupt, "lead \(id) is missing")
                    }
                    return try LeadSnapshot(lead)
                }
            }
        }
    }

}

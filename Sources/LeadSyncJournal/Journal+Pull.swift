internal import LeadSyncSQLite
public import LeadSyncSupport

/// The reads and the write an import from the remote (`leadsync pull`) needs: leads by identity,
/// snapshots of the leads a page of records concerns, and one transaction that journals a page,
/// links leads, stores base values and advances the import's own settings together.
extension Journal {
    /// Every lead's current identity value (the field mapped to the identity property), after
    /// folding every change appended so far. One pass over the identity field's rows.
    public func identityValues() async throws -> [(lead: String, value: FieldValue)] {
        try await async { journal, db in
            _ = try Self.fold(db, window: journal.options.foldWindow, limit: nil)
            return try db.read { db in
                guard let identityField = try DerivedStateWriter(db).identityField else { return [] }
                let select = try db.cached(
                    "SELECT l.key, f.value FROM lead_field f JOIN lead l ON l.id = f.lead_id WHERE f.field = ?")
                defer { select.reset() }
                try select.bind(1, identityField)
                var values: [(lead: String, value: FieldValue)] = []
                while try select.step() { values.append((select.text(0), try FieldsCodec.decodeValue(select.text(1)))) }
                return values
            }
        }
    }

    /// Snapshots of the leads with the given keys and of the leads linked to the given remote ids,
    /// after folding every change appended so far (so a pending local value is seen as pending).
    /// Unknown keys and ids are left out.
    public func leadSnapshots(leads: [String], remoteIDs: [String]) async throws -> [LeadSnapshot] {
        try await async { journal, db in
            _ = try Self.fold(db, window: journal.options.foldWindow, limit: nil)
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
                return try ids.sorted().map { try Self.snapshot($0, db) }
            }
        }
    }

    private static func snapshot(_ id: Int64, _ db: Connection) throws -> LeadSnapshot {
        let lead = try db.cached("SELECT key, remote_id FROM lead WHERE id = ?")
        try lead.bind(1, id)
        _ = try lead.step()
        var snapshot = LeadSnapshot(lead: lead.text(0), remoteID: lead.optionalText(1))
        lead.reset()
        let fields = try db.cached("SELECT field, value, state FROM lead_field WHERE lead_id = ?")
        try fields.bind(1, id)
        while try fields.step() {
            snapshot.fields[fields.text(0)] = try FieldsCodec.decodeValue(fields.text(1))
            if fields.int64(2) == DeliveryState.pending.rawValue { snapshot.pendingFields.insert(fields.text(0)) }
        }
        fields.reset()
        let base = try db.cached("SELECT property, value FROM base_value WHERE lead_id = ?")
        try base.bind(1, id)
        while try base.step() { snapshot.baseValues[base.text(0)] = base.text(1) }
        base.reset()
        return snapshot
    }

    /// Applies a page of pulled records and the import's settings in one transaction, then folds:
    /// each lead is created if new and linked to its record, its `changes` are journaled (origin
    /// remote, never pending; a field whose local value is pending by then keeps it), and its
    /// base values are stored. `settings` (nil removes a key) are written in the same
    /// transaction, so an import's cursor never claims a page that was not journaled.
    public func applyPulled(_ updates: [PulledUpdate], settings: [SettingKey: String?]) async throws {
        try await async { journal, db in
            try db.write { db in
                let writer = try DerivedStateWriter(db)
                var changes: [LeadChange] = []
                for update in updates {
                    let leadID = try writer.leadID(update.lead, create: true)!
                    try db.cached("UPDATE lead SET remote_id = ? WHERE id = ? AND remote_id IS NOT ?")
                        .execute([.text(update.remoteID), .integer(leadID), .text(update.remoteID)])
                    if db.changes > 0 { writer.touch(leadID) }
                    for (property, value) in update.baseValues {
                        try db.cached(
                            """
                            INSERT INTO base_value(lead_id, property, value) VALUES (?, ?, ?)
                            ON CONFLICT(lead_id, property) DO UPDATE SET value = excluded.value
                            """
                        ).execute([.integer(leadID), .text(property), .text(value)])
                    }
                    if !update.changes.isEmpty {
                        changes.append(
                            LeadChange(lead: update.lead, fields: update.changes, atMilliseconds: update.atMilliseconds)
                        )
                    }
                }
                _ = try Self.append(changes, origin: .remote, db)
                for (key, value) in settings { try Self.setSetting(key, value, db) }
                try writer.finish()
            }
            _ = try Self.fold(db, window: journal.options.foldWindow, limit: nil)
        }
    }
}

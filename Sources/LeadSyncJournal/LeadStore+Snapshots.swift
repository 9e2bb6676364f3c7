internal import LeadSyncSQLite
public import LeadSyncSupport

/// The reads an import from the remote (`leadsync pull`) needs: leads by identity and snapshots
/// of the leads a page of records concerns, both after folding every change appended so far.
extension LeadStore {
    /// Every lead's current identity value (the field mapped to the identity property), after
    /// folding every change appended so far. One pass over the identity field's rows.
    public func identityValues() async throws -> [(lead: String, value: FieldValue)] {
        let window = database.options.foldWindow
        return try await database.run { db in
            _ = try ChangeLog.fold(db, window: window, limit: nil)
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
}

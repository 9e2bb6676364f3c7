internal import LeadSyncSQLite
internal import LeadSyncSupport

/// Updates derived and delivery state inside one write transaction, keeping every counter in
/// step: per-field rows, per-change pending references, per-lead pending counts and marks.
///
/// Field transitions happen at once; per-lead consequences (pending count, identity mark, the
/// pending/awaiting/unmatched counters) are applied in `finish()`, once per touched lead.
final class DerivedStateWriter {
    struct FieldRow {
        var value: String
        var seq: Int64
        var at: Int64
        var state: DeliveryState
    }

    let db: Connection
    let mappings: [String: Mapping]
    let identityField: String?
    private var leadDeltas: [Int64: Int] = [:]
    private var explicitMarks: [Int64: LeadMark] = [:]
    private var counterDeltas: [Counter: Int64] = [:]
    private var leadIDs: [String: Int64] = [:]
    /// Net change of pending references per seq, applied in `finish()`: a change with five
    /// pending fields costs one row update, not five.
    private var referenceDeltas: [Int64: Int64] = [:]
    private let selectField: Statement
    private let upsertField: Statement

    init(_ db: Connection) throws {
        self.db = db
        selectField = try db.cached("SELECT value, seq, at, state FROM lead_field WHERE lead_id = ? AND field = ?")
        upsertField = try db.cached(
            """
            INSERT INTO lead_field(lead_id, field, value, seq, at, state) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT(lead_id, field) DO UPDATE SET
                value = excluded.value, seq = excluded.seq, at = excluded.at, state = excluded.state
            """)
        var mappings: [String: Mapping] = [:]
        let statement = try db.cached("SELECT field, property, write FROM mapping")
        while try statement.step() {
            let mapping = Mapping(
                field: statement.text(0), property: statement.text(1),
                write: Mapping.WriteRule(rawValue: statement.text(2)) ?? .overwrite)
            mappings[mapping.field] = mapping
        }
        self.mappings = mappings
        self.identityField = mappings.values.first { $0.property == Mapping.identityProperty }?.field
    }

    /// The internal id of lead `key`, created when `create` is true and it is new.
    func leadID(_ key: String, create: Bool) throws -> Int64? {
        if let id = leadIDs[key] { return id }
        if let id = try db.scalar("SELECT id FROM lead WHERE key = ?", [.text(key)]) {
            leadIDs[key] = id
            return id
        }
        guard create else { return nil }
        try db.cached("INSERT INTO lead(key) VALUES (?)").execute([.text(key)])
        let id = db.lastInsertRowID
        leadIDs[key] = id
        return id
    }

    func fieldRow(_ leadID: Int64, _ field: String) throws -> FieldRow? {
        let statement = selectField
        defer { statement.reset() }
        try statement.bind(1, leadID)
        try statement.bind(2, field)
        guard try statement.step() else { return nil }
        return FieldRow(
            value: statement.text(0), seq: statement.int64(1), at: statement.int64(2),
            state: DeliveryState(rawValue: statement.int64(3)) ?? .unmapped)
    }

    /// Writes a field's row, moving pending references from the old value to the new one.
    func setField(_ leadID: Int64, _ field: String, old: FieldRow?, new: FieldRow) throws {
        try upsertField.execute([
            .integer(leadID), .text(field), .text(new.value), .integer(new.seq), .integer(new.at),
            .integer(new.state.rawValue),
        ])
        if let old, old.state == .pending {
            referenceDeltas[old.seq, default: 0] -= 1
            leadDeltas[leadID, default: 0] -= 1
        }
        if new.state == .pending {
            referenceDeltas[new.seq, default: 0] += 1
            leadDeltas[leadID, default: 0] += 1
        }
        if field == identityField || old?.state != new.state { touch(leadID) }
    }

    /// Changes only a field's state (the value and seq stay).
    func setState(_ leadID: Int64, _ field: String, _ row: FieldRow, to state: DeliveryState) throws {
        var new = row
        new.state = state
        try setField(leadID, field, old: row, new: new)
    }

    /// Moves every current value of `field` whose state is in `from` to `state`.
    func setStates(of field: String, from: Set<DeliveryState>, to state: DeliveryState) throws {
        let select = try db.cached("SELECT lead_id, value, seq, at, state FROM lead_field WHERE field = ?")
        try select.bind(1, field)
        var rows: [(Int64, FieldRow)] = []
        while try select.step() {
            let row = FieldRow(
                value: select.text(1), seq: select.int64(2), at: select.int64(3),
                state: DeliveryState(rawValue: select.int64(4)) ?? .unmapped)
            if from.contains(row.state) { rows.append((select.int64(0), row)) }
        }
        select.reset()
        for (leadID, row) in rows { try setState(leadID, field, row, to: state) }
    }

    func touch(_ leadID: Int64) { leadDeltas[leadID, default: 0] += 0 }

    func mark(_ leadID: Int64, _ mark: LeadMark) {
        explicitMarks[leadID] = mark
        touch(leadID)
    }

    func count(_ counter: Counter, _ delta: Int64) { counterDeltas[counter, default: 0] += delta }

    /// Applies the net reference change of every seq; a seq with no reference left is no
    /// longer a pending change.
    private func applyReferenceDeltas() throws {
        let upsert = try db.cached(
            "INSERT INTO pending_change(seq, refs) VALUES (?, ?) ON CONFLICT(seq) DO UPDATE SET refs = refs + excluded.refs RETURNING refs"
        )
        let delete = try db.cached("DELETE FROM pending_change WHERE seq = ?")
        for (seq, delta) in referenceDeltas where delta != 0 {
            try upsert.bind(1, seq)
            try upsert.bind(2, delta)
            guard try upsert.step() else { throw JournalError(.corrupt, "pending reference of change \(seq) not written") }
            let refs = upsert.int64(0)
            upsert.reset()
            let before = refs - delta
            if refs <= 0 { try delete.execute([.integer(seq)]) }
            if before <= 0 && refs > 0 { count(.pendingChanges, 1) }
            if before > 0 && refs <= 0 { count(.pendingChanges, -1) }
        }
        referenceDeltas.removeAll()
    }

    /// Applies per-lead consequences and counter deltas. Call once, before the transaction ends.
    func finish() throws {
        try applyReferenceDeltas()
        for (leadID, delta) in leadDeltas { try refreshLead(leadID, pendingDelta: delta) }
        leadDeltas.removeAll()
        for (counter, delta) in counterDeltas where delta != 0 {
            try db.cached("UPDATE counter SET value = value + ? WHERE name = ?")
                .execute([.integer(delta), .text(counter.rawValue)])
        }
        counterDeltas.removeAll()
    }

    private func refreshLead(_ leadID: Int64, pendingDelta: Int) throws {
        let statement = try db.cached("SELECT pending_fields, remote_id IS NOT NULL, mark FROM lead WHERE id = ?")
        try statement.bind(1, leadID)
        guard try statement.step() else {
            statement.reset()
            return
        }
        let oldPending = statement.int64(0)
        let linked = statement.int64(1) != 0
        let oldMark = LeadMark(rawValue: statement.int64(2)) ?? .none
        statement.reset()
        let newPending = oldPending + Int64(pendingDelta)
        let newMark: LeadMark
        if newPending <= 0 {
            newMark = .none
        } else if !linked, try !hasUsableIdentity(leadID) {
            newMark = .awaitingIdentity
        } else if let explicit = explicitMarks[leadID] {
            newMark = explicit == .awaitingIdentity && linked ? .none : explicit
        } else {
            newMark = oldMark == .awaitingIdentity ? .none : oldMark
        }
        guard newPending != oldPending || newMark != oldMark else { return }
        try db.cached("UPDATE lead SET pending_fields = ?, mark = ? WHERE id = ?")
            .execute([.integer(newPending), .integer(newMark.rawValue), .integer(leadID)])
        if (oldPending > 0) != (newPending > 0) { count(.pendingLeads, newPending > 0 ? 1 : -1) }
        if oldMark != newMark {
            if oldMark == .awaitingIdentity { count(.awaitingIdentity, -1) }
            if oldMark == .unmatched { count(.unmatched, -1) }
            if newMark == .awaitingIdentity { count(.awaitingIdentity, 1) }
            if newMark == .unmatched { count(.unmatched, 1) }
        }
    }

    private func hasUsableIdentity(_ leadID: Int64) throws -> Bool {
        guard let identityField, let row = try fieldRow(leadID, identityField), row.state != .rejected else {
            return false
        }
        let value = (try? FieldsCodec.decodeValue(row.value)) ?? .null
        // Matching trims whitespace, so a value of spaces only is no identity.
        return value.wireString.unicodeScalars.contains { !$0.properties.isWhitespace }
    }
}

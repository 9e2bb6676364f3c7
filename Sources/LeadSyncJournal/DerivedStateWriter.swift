internal import LeadSyncSQLite
internal import LeadSyncSupport

/// Updates derived and delivery state inside one write transaction, keeping every counter in
/// step. Leads are read whole (`StoredLead`) on first use and changed in memory; `finish()`
/// writes each changed lead once, with its pending counts and mark recomputed from its fields,
/// and applies the counter deltas.
final class DerivedStateWriter {
    typealias FieldRow = StoredLead.FieldRow

    /// A lead as it is now, with what its counters and mark were when loaded (all `finish()`
    /// needs of the old state: keeping the loaded lead whole would double the memory of a window).
    /// A class, so that reading or changing it through `entries` never copies its fields.
    private final class Entry {
        let loaded: Loaded
        var lead: StoredLead
        var explicitMark: LeadMark?
        var dirty = false
        /// Not yet in the table: `finish()` inserts it.
        var isNew = false

        init(_ lead: StoredLead) {
            loaded = Loaded(pendingFields: lead.pendingFields, pendingChanges: lead.pendingChanges, mark: lead.mark)
            self.lead = lead
        }
    }

    private struct Loaded {
        let pendingFields: Int64
        let pendingChanges: Int64
        let mark: LeadMark
    }

    let db: Connection
    let mappings: [String: Mapping]
    let identityField: String?
    private var entries: [Int64: Entry] = [:]
    private var idsByKey: [String: Int64] = [:]
    private var counterDeltas: [Counter: Int64] = [:]
    /// The id the next new lead gets (nil: not known yet in this transaction).
    private var nextID: Int64?

    init(_ db: Connection) throws {
        self.db = db
        self.mappings = try Self.mappings(db)
        self.identityField = mappings.values.first { $0.property == Mapping.identityProperty }?.field
    }

    static func mappings(_ db: Connection) throws -> [String: Mapping] {
        var mappings: [String: Mapping] = [:]
        let statement = try db.cached("SELECT field, property, write FROM mapping")
        defer { statement.reset() }
        while try statement.step() {
            let mapping = Mapping(
                field: statement.text(0), property: statement.text(1),
                write: Mapping.WriteRule(rawValue: statement.text(2)) ?? .overwrite)
            mappings[mapping.field] = mapping
        }
        return mappings
    }

    /// The internal id of lead `key`, created when `create` is true and it is new.
    func leadID(_ key: String, create: Bool) throws -> Int64? {
        if let id = idsByKey[key] { return id }
        let select = try db.cached("SELECT \(StoredLead.columns) FROM lead WHERE key = ?")
        defer { select.reset() }
        try select.bind(1, key)
        if try select.step() {
            let lead = try StoredLead(select)
            adopt(lead)
            return lead.id
        }
        guard create else { return nil }
        // The row is inserted whole by `finish()`, once: ids are allocated here as SQLite would
        // (the largest plus one), which is safe because the transaction holds the write lock.
        let id = try nextID ?? (db.scalar("SELECT max(id) FROM lead") ?? 0) + 1
        nextID = id + 1
        let entry = adopt(StoredLead(id: id, key: key))
        entry.isNew = true
        entry.dirty = true
        return id
    }

    @discardableResult
    private func adopt(_ lead: StoredLead) -> Entry {
        let entry = Entry(lead)
        entries[lead.id] = entry
        idsByKey[lead.key] = lead.id
        return entry
    }

    /// The lead as it is now in this transaction.
    func lead(_ leadID: Int64) throws -> StoredLead {
        try entry(leadID).lead
    }

    private func entry(_ leadID: Int64) throws -> Entry {
        if let entry = entries[leadID] { return entry }
        let select = try db.cached("SELECT \(StoredLead.columns) FROM lead WHERE id = ?")
        defer { select.reset() }
        try select.bind(1, leadID)
        guard try select.step() else { throw JournalError(.corrupt, "lead \(leadID) is missing") }
        return adopt(try StoredLead(select))
    }

    private func update(_ leadID: Int64, _ change: (Entry) -> Void) throws {
        let entry = try entry(leadID)
        change(entry)
        entry.dirty = true
    }

    func fieldRow(_ leadID: Int64, _ field: String) throws -> FieldRow? {
        try entry(leadID).lead.field(field)
    }

    /// Writes a field's current value and state.
    func setField(_ leadID: Int64, _ field: String, _ row: FieldRow) throws {
        try update(leadID) { $0.lead.setField(field, row) }
    }

    /// Changes only a field's state (the value and seq stay).
    func setState(_ leadID: Int64, _ field: String, _ row: FieldRow, to state: DeliveryState) throws {
        var new = row
        new.state = state
        try setField(leadID, field, new)
    }

    func setBaseValue(_ leadID: Int64, _ property: String, _ value: String) throws {
        try update(leadID) { $0.lead.setBaseValue(property, value) }
    }

    func setRemoteID(_ leadID: Int64, _ remoteID: String?) throws {
        try update(leadID) { entry in
            entry.lead.remoteID = remoteID
            // An unlinked lead no longer knows what the remote holds.
            if remoteID == nil { entry.lead.baseValues = [] }
        }
    }

    /// Makes `finish()` recompute the lead's mark even when none of its fields changed.
    func touch(_ leadID: Int64) throws { try update(leadID) { _ in } }

    func mark(_ leadID: Int64, _ mark: LeadMark) throws {
        try update(leadID) { $0.explicitMark = mark }
    }

    func count(_ counter: Counter, _ delta: Int64) { counterDeltas[counter, default: 0] += delta }

    /// Calls `body` for every lead, a thousand at a time, writing each thousand before reading
    /// the next: a change to every lead stays in bounded memory.
    func forEachLead(_ body: (StoredLead) throws -> Void) throws {
        var cursor: Int64 = 0
        while true {
            let select = try db.cached("SELECT \(StoredLead.columns) FROM lead WHERE id > ? ORDER BY id LIMIT 1000")
            try select.bind(1, cursor)
            var leads: [StoredLead] = []
            while try select.step() { leads.append(try StoredLead(select)) }
            select.reset()
            guard let last = leads.last else { return }
            for lead in leads {
                if entries[lead.id] == nil { adopt(lead) }
                try body(try self.lead(lead.id))
            }
            try finish()
            cursor = last.id
        }
    }

    /// Moves every current value of `field` whose state is in `from` to `state`.
    func setStates(of field: String, from: Set<DeliveryState>, to state: DeliveryState) throws {
        try forEachLead { lead in
            if let row = lead.field(field), from.contains(row.state) { try setState(lead.id, field, row, to: state) }
        }
    }

    /// Writes every changed lead and applies the counter deltas. Call before the transaction
    /// ends; the writer may go on being used afterwards.
    func finish() throws {
        let update = try db.cached(
            "UPDATE lead SET remote_id = ?, mark = ?, pending_fields = ?, pending_changes = ?, state = ? WHERE id = ?")
        let insert = try db.cached(
            "INSERT INTO lead(remote_id, mark, pending_fields, pending_changes, state, id, key) VALUES (?, ?, ?, ?, ?, ?, ?)"
        )
        // In id order: neighbouring leads share pages, so each page is changed while it is hot.
        for id in entries.keys.sorted() {
            guard let entry = entries[id], entry.dirty else { continue }
            let write = entry.isNew ? insert : update
            var lead = entry.lead
            let old = entry.loaded
            (lead.pendingFields, lead.pendingChanges) = lead.pendingCounts
            lead.mark = newMark(lead, old: old, explicit: entry.explicitMark)
            try write.bind(1, lead.remoteID)
            try write.bind(2, lead.mark.rawValue)
            try write.bind(3, lead.pendingFields)
            try write.bind(4, lead.pendingChanges)
            try write.bind(5, blob: lead.stateBlob)
            try write.bind(6, id)
            if entry.isNew { try write.bind(7, lead.key) }
            try write.step()
            write.reset()
            if (old.pendingFields > 0) != (lead.pendingFields > 0) {
                count(.pendingLeads, lead.pendingFields > 0 ? 1 : -1)
            }
            count(.pendingChanges, lead.pendingChanges - old.pendingChanges)
            if old.mark != lead.mark {
                if old.mark == .awaitingIdentity { count(.awaitingIdentity, -1) }
                if old.mark == .unmatched { count(.unmatched, -1) }
                if lead.mark == .awaitingIdentity { count(.awaitingIdentity, 1) }
                if lead.mark == .unmatched { count(.unmatched, 1) }
            }
        }
        entries.removeAll(keepingCapacity: true)
        idsByKey.removeAll(keepingCapacity: true)
        nextID = nil
        let counter = try db.cached("UPDATE counter SET value = value + ? WHERE name = ?")
        for (name, delta) in counterDeltas where delta != 0 {
            try counter.execute([.integer(delta), .text(name.rawValue)])
        }
        counterDeltas.removeAll()
    }

    /// What a lead waits for: nothing once no value is pending; its identity while it has no
    /// remote id and no usable identity value; otherwise what the sync last found.
    private func newMark(_ lead: StoredLead, old: Loaded, explicit: LeadMark?) -> LeadMark {
        let linked = lead.remoteID != nil
        if lead.pendingFields <= 0 { return .none }
        if !linked, !hasUsableIdentity(lead) { return .awaitingIdentity }
        if let explicit { return explicit == .awaitingIdentity && linked ? .none : explicit }
        return old.mark == .awaitingIdentity ? .none : old.mark
    }

    private func hasUsableIdentity(_ lead: StoredLead) -> Bool {
        guard let identityField, let row = lead.field(identityField), row.state != .rejected else { return false }
        // A JSON string with a printable ASCII character other than a quote or an escape holds
        // more than whitespace: the usual case, answered without parsing the value.
        let text = row.value.utf8
        if text.first == UInt8(ascii: "\""),
            text.contains(where: { (0x21..<0x7F).contains($0) && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") })
        {
            return true
        }
        let value = (try? FieldsCodec.decodeValue(row.value)) ?? .null
        // Matching trims whitespace, so a value of spaces only is no identity.
        return value.wireString.unicodeScalars.contains { !$0.properties.isWhitespace }
    }
}

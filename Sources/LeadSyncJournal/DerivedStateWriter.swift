internal import LeadSyncSQLite
internal import LeadSyncSupport

/// Where a ``DerivedStateWriter`` reads and writes whole leads: the rows of one store inside one
/// write transaction. SQLite's reads go to the file as they are asked for; a PostgreSQL tenant's
/// come from the leads it read beforehand with one statement, and its writes are gathered for
/// one set-based statement after `finish()` (decision 0026).
package protocol LeadRows: AnyObject {
    /// The lead `key`, or nil when the store has none.
    func lead(key: String) throws -> StoredLead?
    /// The lead with internal id `id`, or nil.
    func lead(id: Int64) throws -> StoredLead?
    /// The id a new lead gets: larger than any the store holds or gave out in this transaction.
    func newLeadID() throws -> Int64
    /// Writes a changed lead whole (inserts it when `isNew`).
    func write(_ lead: StoredLead, isNew: Bool) throws
    /// Adds `deltas` to the store's counters.
    func add(_ deltas: [Counter: Int64]) throws
}

/// Updates derived and delivery state inside one write transaction, keeping every counter in
/// step. Leads are read whole (`StoredLead`) on first use and changed in memory; `finish()`
/// writes each changed lead once, with its pending counts and mark recomputed from its fields,
/// and applies the counter deltas. The rules are the same for every store; `LeadRows` is where
/// the store's leads are.
package final class DerivedStateWriter {
    package typealias FieldRow = StoredLead.FieldRow

    /// A lead as it is now, with what its counters and mark were when loaded (all `finish()`
    /// needs of the old state: keeping the loaded lead whole would double the memory of a window).
    /// A class, so that reading or changing it through `entries` never copies its fields.
    private final class Entry {
        let id: Int64
        let loaded: Counted
        var lead: StoredLead
        var explicitMark: LeadMark?
        var dirty = false
        /// Not yet in the table: `finish()` inserts it.
        var isNew = false

        init(_ lead: StoredLead) {
            id = lead.id
            loaded = Counted(lead)
            self.lead = lead
        }
    }

    /// A lead's counted columns.
    struct Counted {
        let pendingFields: Int64
        let pendingChanges: Int64
        let mark: LeadMark

        static let none = Counted(pendingFields: 0, pendingChanges: 0, mark: .none)
    }

    /// How the counters move with the leads written, counted in fields, not through
    /// `count(_:_:)`: a dictionary update per lead showed in the drain's profile.
    private struct CounterMoves {
        var pendingLeads: Int64 = 0
        var pendingChanges: Int64 = 0
        var awaitingIdentity: Int64 = 0
        var unmatched: Int64 = 0

        mutating func add(from old: Counted, to lead: Counted) {
            if (old.pendingFields > 0) != (lead.pendingFields > 0) { pendingLeads += lead.pendingFields > 0 ? 1 : -1 }
            pendingChanges += lead.pendingChanges - old.pendingChanges
            if old.mark != lead.mark {
                if old.mark == .awaitingIdentity { awaitingIdentity -= 1 }
                if old.mark == .unmatched { unmatched -= 1 }
                if lead.mark == .awaitingIdentity { awaitingIdentity += 1 }
                if lead.mark == .unmatched { unmatched += 1 }
            }
        }
    }

    let rows: any LeadRows
    let rules: LeadRules
    package var mappings: [String: Mapping] { rules.mappings }
    package var identityField: String? { rules.identityField }
    private var entries: [Int64: Entry] = [:]
    /// The entries in the order they were taken: usually already the id order `finish()`
    /// writes in (windows are read in id order), so it seldom sorts.
    private var order: [Entry] = []
    private var idsByKey: [String: Int64] = [:]
    private var counterDeltas: [Counter: Int64] = [:]
    private var moves = CounterMoves()

    package init(rows: any LeadRows, mappings: [String: Mapping]) {
        self.rows = rows
        rules = LeadRules(mappings: mappings)
    }

    /// A writer on a SQLite journal's rows, inside the transaction `db` is in.
    convenience init(_ db: Connection) throws {
        self.init(rows: SQLiteLeadRows(db), mappings: try Self.mappings(db))
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

    /// Makes room for `count` leads, so a writer that knows how many it will take (a sync step
    /// records one answer per lead) does not grow its tables lead by lead.
    package func reserveCapacity(_ count: Int) {
        entries.reserveCapacity(count)
        order.reserveCapacity(count)
        idsByKey.reserveCapacity(count)
    }

    /// The internal id of lead `key`, created when `create` is true and it is new.
    package func leadID(_ key: String, create: Bool) throws -> Int64? {
        if let id = idsByKey[key] { return id }
        if let lead = try rows.lead(key: key) {
            adopt(lead)
            return lead.id
        }
        guard create else { return nil }
        // The row is inserted whole by `finish()`, once.
        let entry = entry(adopting: StoredLead(id: try rows.newLeadID(), key: key))
        entry.isNew = true
        entry.dirty = true
        return entry.lead.id
    }

    /// Takes `lead`, just read by the caller, as the lead's state in this transaction (a store
    /// that reads a window of leads itself adopts them before changing them).
    package func adopt(_ lead: StoredLead) {
        if entries[lead.id] == nil { entry(adopting: lead) }
    }

    @discardableResult
    private func entry(adopting lead: StoredLead) -> Entry {
        let entry = Entry(lead)
        entries[lead.id] = entry
        order.append(entry)
        idsByKey[lead.key] = lead.id
        return entry
    }

    /// The lead as it is now in this transaction.
    package func lead(_ leadID: Int64) throws -> StoredLead {
        try entry(leadID).lead
    }

    private func entry(_ leadID: Int64) throws -> Entry {
        if let entry = entries[leadID] { return entry }
        guard let lead = try rows.lead(id: leadID) else { throw JournalError(.corrupt, "lead \(leadID) is missing") }
        return entry(adopting: lead)
    }

    private func update(_ leadID: Int64, _ change: (Entry) -> Void) throws {
        let entry = try entry(leadID)
        change(entry)
        entry.dirty = true
    }

    /// Changes lead `leadID` in place, several changes taking its entry once; `change` says
    /// whether it changed anything (the lead is then written).
    func change(_ leadID: Int64, _ change: (inout StoredLead) throws -> Bool) throws {
        let entry = try entry(leadID)
        if try change(&entry.lead) { entry.dirty = true }
    }

    package func fieldRow(_ leadID: Int64, _ field: String) throws -> FieldRow? {
        try entry(leadID).lead.field(field)
    }

    /// Writes a field's current value and state.
    package func setField(_ leadID: Int64, _ field: String, _ row: FieldRow) throws {
        try update(leadID) { $0.lead.setField(field, row) }
    }

    /// Changes only a field's state (the value and seq stay).
    package func setState(_ leadID: Int64, _ field: String, _ row: FieldRow, to state: DeliveryState) throws {
        var new = row
        new.state = state
        try setField(leadID, field, new)
    }

    package func setBaseValue(_ leadID: Int64, _ property: String, _ value: String) throws {
        try update(leadID) { $0.lead.setBaseValue(property, value) }
    }

    package func setRemoteID(_ leadID: Int64, _ remoteID: String?) throws {
        try update(leadID) { entry in
            entry.lead.remoteID = remoteID
            // An unlinked lead no longer knows what the remote holds.
            if remoteID == nil { entry.lead.baseValues = [] }
        }
    }

    /// Counts `lead`, new and written whole by the caller (``LeadWinners`` folds an ingest's new
    /// leads on its own thread), as `finish()` counts the leads it writes.
    func countWritten(new lead: Counted) { moves.add(from: .none, to: lead) }

    /// Makes `finish()` recompute the lead's mark even when none of its fields changed.
    package func touch(_ leadID: Int64) throws { try update(leadID) { _ in } }

    package func mark(_ leadID: Int64, _ mark: LeadMark) throws {
        try update(leadID) { $0.explicitMark = mark }
    }

    package func count(_ counter: Counter, _ delta: Int64) { counterDeltas[counter, default: 0] += delta }

    /// Folds one change (seq `seq`, made at `at`, `fields` as (name, compact JSON text)) into
    /// lead `lead`, creating it when new.
    ///
    /// Local changes: for each field, the value with the latest `at` wins (ties: the one appended
    /// later); a winning mapped value becomes pending, an unmapped one local only, and a losing one
    /// is superseded at once. Pulled changes become the current value unless a local value of that
    /// field is pending.
    package func fold(
        seq: Int64, lead: String, at: Int64, fields: [(name: String, value: String)], origin: ChangeOrigin
    ) throws {
        // The entry once per change, not per field: its lookups were a fifth of an ingest's fold.
        let entry = try entry(leadID(lead, create: true)!)
        for (field, value) in fields {
            let current = entry.lead.field(field)
            switch origin {
            // Latest `at` wins; on a tie the later append (this one) wins.
            case .local: if let current, at < current.at { continue }
            case .remote: if current?.state == .pending { continue }
            }
            entry.lead.setField(
                field, .init(value: value, seq: seq, at: at, state: rules.state(of: field, origin: origin)))
            entry.dirty = true
        }
    }

    /// Moves `lead`'s current value of each move's field to the move's state when its state is
    /// one the move is from (what a mapping change does to every lead).
    package func move(_ moves: [StateMove], in lead: StoredLead) throws {
        for move in moves {
            if let row = lead.field(move.field), move.from.contains(row.state) {
                try setState(lead.id, move.field, row, to: move.to)
            }
        }
    }

    /// Writes every changed lead and applies the counter deltas. Call before the transaction
    /// ends; the writer may go on being used afterwards.
    package func finish() throws {
        // In id order: neighbouring leads share pages, so each page is changed while it is hot.
        if zip(order, order.dropFirst()).contains(where: { $0.id > $1.id }) { order.sort { $0.id < $1.id } }
        for entry in order where entry.dirty {
            var lead = entry.lead
            rules.finish(&lead, old: entry.loaded, explicit: entry.explicitMark)
            try rows.write(lead, isNew: entry.isNew)
            moves.add(from: entry.loaded, to: Counted(lead))
        }
        count(.pendingLeads, moves.pendingLeads)
        count(.pendingChanges, moves.pendingChanges)
        count(.awaitingIdentity, moves.awaitingIdentity)
        count(.unmatched, moves.unmatched)
        moves = CounterMoves()
        entries.removeAll(keepingCapacity: true)
        order.removeAll(keepingCapacity: true)
        idsByKey.removeAll(keepingCapacity: true)
        counterDeltas = counterDeltas.filter { $0.value != 0 }
        if !counterDeltas.isEmpty { try rows.add(counterDeltas) }
        counterDeltas.removeAll()
    }
}

/// A change of state of one field's values: those in a state of `from` go to `to`.
package struct StateMove: Sendable {
    package var field: String
    package var from: Set<DeliveryState>
    package var to: DeliveryState

    package init(field: String, from: Set<DeliveryState>, to: DeliveryState) {
        self.field = field
        self.from = from
        self.to = to
    }

    /// What setting `mapping` does to the leads' values: the values of the field it replaced
    /// (by targeting the same property) that were waiting become local only, and every value of
    /// its field that is not pending becomes pending for the new property.
    package static func setting(_ mapping: Mapping, replacing replaced: Mapping?) -> [StateMove] {
        (replaced.map { [removing($0.field)] } ?? [])
            + [StateMove(field: mapping.field, from: [.delivered, .rejected, .skipped, .unmapped], to: .pending)]
    }

    /// What removing the mapping of `field` does: its pending values become local only.
    package static func removing(_ field: String) -> StateMove {
        StateMove(field: field, from: [.pending], to: .unmapped)
    }
}

extension DerivedStateWriter.Counted {
    init(_ lead: StoredLead) {
        self.init(pendingFields: lead.pendingFields, pendingChanges: lead.pendingChanges, mark: lead.mark)
    }
}

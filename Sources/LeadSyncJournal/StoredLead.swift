internal import LeadSyncSQLite

/// One lead's derived and delivery state as its `lead` row holds it: the columns, and in the
/// `state` blob every field's current value (with the seq and `at` it came from and its
/// delivery state) and every property's base value.
///
/// One row per lead, read and written whole, is what makes folding and recording outcomes cost
/// one read and one write per lead instead of several statements per field (decision 0015).
package struct StoredLead: Sendable {
    package struct FieldRow: Equatable, Sendable {
        /// The value as compact JSON text (`FieldsCodec`).
        package var value: String
        package var seq: Int64
        package var at: Int64
        package var state: DeliveryState
    }

    package var id: Int64
    package var key: String
    package var remoteID: String?
    package var mark: LeadMark
    package var pendingFields: Int64
    /// Distinct seqs among the pending fields: the lead's share of `pending_changes` (a change
    /// belongs to one lead, so the shares add up to the journal's count).
    package var pendingChanges: Int64
    /// Sorted by field name.
    package var fields: [(name: String, row: FieldRow)] = []
    /// Sorted by property.
    package var baseValues: [(property: String, value: String)] = []

    /// The columns every read of a whole lead selects, in this order.
    static let columns = "id, key, remote_id, mark, pending_fields, pending_changes, state"

    /// Reads a lead from a statement that selected `columns` first.
    init(_ statement: Statement) throws {
        self = try statement.withBytes(6) { state in
            try StoredLead(
                id: statement.int64(0), key: statement.text(1), remoteID: statement.optionalText(2),
                mark: LeadMark(rawValue: statement.int64(3)) ?? .none, pendingFields: statement.int64(4),
                pendingChanges: statement.int64(5), state: state)
        }
    }

    /// A lead from its row's columns, `state` being the blob ``stateBlob`` wrote (empty for a
    /// lead created but not yet written).
    /// - Throws: `JournalError.corrupt` when the blob cannot be read.
    package init(
        id: Int64, key: String, remoteID: String?, mark: LeadMark, pendingFields: Int64, pendingChanges: Int64,
        state bytes: UnsafeRawBufferPointer
    ) throws {
        self.id = id
        self.key = key
        self.remoteID = remoteID
        self.mark = mark
        self.pendingFields = pendingFields
        self.pendingChanges = pendingChanges
        guard !bytes.isEmpty else { return }
        var reader = BlobReader(bytes: bytes)
        let fieldCount = try reader.count()
        fields.reserveCapacity(fieldCount)
        for _ in 0..<fieldCount {
            let name = try reader.string()
            let value = try reader.string()
            let seq = try reader.integer()
            let at = try reader.integer()
            guard let state = DeliveryState(rawValue: try reader.integer()) else { throw reader.corrupt(id) }
            fields.append((name, FieldRow(value: value, seq: seq, at: at, state: state)))
        }
        let baseCount = try reader.count()
        baseValues.reserveCapacity(baseCount)
        for _ in 0..<baseCount { baseValues.append((try reader.string(), try reader.string())) }
        guard reader.atEnd else { throw reader.corrupt(id) }
    }

    package init(id: Int64, key: String) {
        self.id = id
        self.key = key
        remoteID = nil
        mark = .none
        pendingFields = 0
        pendingChanges = 0
    }

    /// The `state` blob: counts and lengths as LEB128 varints, integers zigzag-encoded.
    package var stateBlob: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(16 + fields.count * 48 + baseValues.count * 32)
        writeState(to: &out)
        return out
    }

    /// Appends ``stateBlob`` to `out`: a writer of many leads reuses one buffer.
    func writeState(to out: inout [UInt8]) {
        BlobWriter.count(fields.count, &out)
        for (name, row) in fields {
            BlobWriter.string(name, &out)
            BlobWriter.string(row.value, &out)
            BlobWriter.integer(row.seq, &out)
            BlobWriter.integer(row.at, &out)
            BlobWriter.integer(row.state.rawValue, &out)
        }
        BlobWriter.count(baseValues.count, &out)
        for (property, value) in baseValues {
            BlobWriter.string(property, &out)
            BlobWriter.string(value, &out)
        }
    }

    package func field(_ name: String) -> FieldRow? {
        fields.first { $0.name == name }?.row
    }

    mutating func setField(_ name: String, _ row: FieldRow) {
        if let index = fields.firstIndex(where: { $0.name >= name }) {
            if fields[index].name == name { fields[index].row = row } else { fields.insert((name, row), at: index) }
        } else {
            fields.append((name, row))
        }
    }

    package func baseValue(_ property: String) -> String? {
        baseValues.first { $0.property == property }?.value
    }

    mutating func setBaseValue(_ property: String, _ value: String) {
        if let index = baseValues.firstIndex(where: { $0.property >= property }) {
            if baseValues[index].property == property {
                baseValues[index].value = value
            } else {
                baseValues.insert((property, value), at: index)
            }
        } else {
            baseValues.append((property, value))
        }
    }

    /// Pending fields and distinct pending seqs, from the fields themselves.
    var pendingCounts: (fields: Int64, changes: Int64) {
        var count: Int64 = 0
        var changes: Int64 = 0
        // A seq counts at its first pending field: no set to allocate for a lead's few fields.
        for (index, (_, row)) in fields.enumerated() where row.state == .pending {
            count += 1
            if !fields[..<index].contains(where: { $0.row.state == .pending && $0.row.seq == row.seq }) { changes += 1 }
        }
        return (count, changes)
    }
}

extension StoredLead {
    static let selectByKey = "SELECT \(columns) FROM lead WHERE key = ?"
    static let selectByID = "SELECT \(columns) FROM lead WHERE id = ?"

    /// The lead with `key`, or nil.
    static func read(key: String, _ db: Connection) throws -> StoredLead? {
        try read(key: key, with: db.cached(selectByKey))
    }

    /// The lead with `key`, or nil, through `select` (``selectByKey``'s statement).
    static func read(key: String, with select: Statement) throws -> StoredLead? {
        defer { select.reset() }
        try select.bind(1, key)
        return try select.step() ? StoredLead(select) : nil
    }

    /// The lead with internal id `id`, or nil.
    static func read(id: Int64, _ db: Connection) throws -> StoredLead? {
        try read(id: id, with: db.cached(selectByID))
    }

    /// The lead with internal id `id`, or nil, through `select` (``selectByID``'s statement).
    static func read(id: Int64, with select: Statement) throws -> StoredLead? {
        defer { select.reset() }
        try select.bind(1, id)
        return try select.step() ? StoredLead(select) : nil
    }

    /// Up to `limit` leads after `cursor` (internal id order) matching `condition` (SQL over the
    /// lead's columns), read with one statement.
    static func window(where condition: String, after cursor: Int64, limit: Int, _ db: Connection) throws
        -> [StoredLead]
    {
        let select = try db.cached("SELECT \(columns) FROM lead WHERE \(condition) AND id > ? ORDER BY id LIMIT ?")
        defer { select.reset() }
        try select.bind(1, cursor)
        try select.bind(2, Int64(limit))
        var leads: [StoredLead] = []
        while try select.step() { leads.append(try StoredLead(select)) }
        return leads
    }
}

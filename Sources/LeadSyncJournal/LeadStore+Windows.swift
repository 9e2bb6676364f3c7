internal import LeadSyncSQLite
internal import LeadSyncSupport

extension LeadStore {
    /// A bounded window of leads with pending mapped values, in a stable order.
    ///
    /// Call `fold()` first so recent appends are included. Pass the last lead's `cursor` as
    /// `after` for the next window.
    public func pendingLeads(limit: Int, after cursor: Int64 = 0) async throws -> [PendingLead] {
        try await database.run { db in try Self.pendingLeads(limit: limit, after: cursor, db) }
    }

    static func pendingLeads(limit: Int, after cursor: Int64, _ db: Connection) throws -> [PendingLead] {
        try db.read { db in
            let writer = try DerivedStateWriter(db)
            let leads = try db.cached(
                "SELECT id, key, remote_id, mark FROM lead WHERE pending_fields > 0 AND id > ? ORDER BY id LIMIT ?")
            try leads.bind(1, cursor)
            try leads.bind(2, Int64(limit))
            var result: [PendingLead] = []
            while try leads.step() {
                result.append(
                    PendingLead(
                        cursor: leads.int64(0), lead: leads.text(1), remoteID: leads.optionalText(2), identity: nil,
                        mark: LeadMark(rawValue: leads.int64(3)) ?? .none, fields: []))
            }
            leads.reset()
            let fields = try db.cached("SELECT field, value, seq, at FROM lead_field WHERE lead_id = ? AND state = 0")
            for index in result.indices {
                try fields.bind(1, result[index].cursor)
                while try fields.step() {
                    let field = fields.text(0)
                    guard let mapping = writer.mappings[field] else { continue }
                    result[index].fields.append(
                        PendingLead.Field(
                            field: field, property: mapping.property, write: mapping.write,
                            value: try FieldsCodec.decodeValue(fields.text(1)), seq: fields.int64(2),
                            atMilliseconds: fields.int64(3)))
                }
                fields.reset()
                if let identityField = writer.identityField,
                    let row = try writer.fieldRow(result[index].cursor, identityField)
                {
                    result[index].identity = try FieldsCodec.decodeValue(row.value)
                }
            }
            return result
        }
    }

    /// A window of leads linked to a remote record, in a stable order, with their base values.
    public func linkedLeads(limit: Int, after cursor: Int64 = 0) async throws -> [LinkedLead] {
        try await database.run { db in
            try Self.linkedLeads(
                "SELECT id, key, remote_id FROM lead WHERE remote_id IS NOT NULL AND id > ? ORDER BY id LIMIT ?",
                [.integer(cursor), .integer(Int64(limit))], db)
        }
    }

    /// Up to `count` linked leads chosen at random, with their base values.
    public func linkedLeadsSample(_ count: Int) async throws -> [LinkedLead] {
        try await database.run { db in
            try Self.linkedLeads(
                "SELECT id, key, remote_id FROM lead WHERE remote_id IS NOT NULL ORDER BY random() LIMIT ?",
                [.integer(Int64(count))], db)
        }
    }

    private static func linkedLeads(_ sql: String, _ arguments: [SQLiteValue], _ db: Connection) throws -> [LinkedLead] {
        try db.read { db in
            let leads = try db.cached(sql)
            try leads.bind(arguments)
            var result: [LinkedLead] = []
            while try leads.step() {
                result.append(
                    LinkedLead(cursor: leads.int64(0), lead: leads.text(1), remoteID: leads.text(2), baseValues: [:]))
            }
            leads.reset()
            let values = try db.cached("SELECT property, value FROM base_value WHERE lead_id = ?")
            for index in result.indices {
                try values.bind(1, result[index].cursor)
                while try values.step() { result[index].baseValues[values.text(0)] = values.text(1) }
                values.reset()
            }
            return result
        }
    }
}

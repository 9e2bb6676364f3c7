internal import LeadSyncSQLite

extension Journal {
    /// A window of leads linked to a remote record, in a stable order, with their base values.
    public func linkedLeads(limit: Int, after cursor: Int64 = 0) async throws -> [LinkedLead] {
        try await async { _, db in
            try Self.linkedLeads(
                "SELECT id, key, remote_id FROM lead WHERE remote_id IS NOT NULL AND id > ? ORDER BY id LIMIT ?",
                [.integer(cursor), .integer(Int64(limit))], db)
        }
    }

    /// Up to `count` linked leads chosen at random, with their base values.
    public func linkedLeadsSample(_ count: Int) async throws -> [LinkedLead] {
        try await async { _, db in
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

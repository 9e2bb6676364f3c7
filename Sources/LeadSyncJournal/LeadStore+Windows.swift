internal import LeadSyncSQLite
internal import LeadSyncSupport

extension LeadStore {
    /// A bounded window of leads with pending mapped values, in a stable order.
    ///
    /// Call `fold()` first so recent appends are included. Pass the last lead's `cursor` as
    /// `after` for the next window.
    package func pendingLeads(limit: Int, after cursor: Int64 = 0) async throws -> [PendingLead] {
        try await database.run { db in try Self.pendingLeads(limit: limit, after: cursor, db) }
    }

    static func pendingLeads(limit: Int, after cursor: Int64, _ db: Connection) throws -> [PendingLead] {
        try db.read { db in
            let mappings = try DerivedStateWriter.mappings(db)
            return try StoredLead.window(where: "pending_fields > 0", after: cursor, limit: limit, db).map {
                try PendingLead($0, mappings: mappings)
            }
        }
    }

    /// The leads with pending mapped values among those that changes appended after `seq`
    /// touched (at most `limit` leads, in the order of their first such change), and the last
    /// change looked at: pass it as `seq` next time. What a drain sends first, ahead of the
    /// window it is reading, so a change recorded now does not wait for a whole pass. Call
    /// `fold()` first so those changes are folded; changes appended since are left for the next
    /// call (their leads would read as before them, and `through` would pass them over: a drain
    /// then found such a change only on its next pass, issue 11).
    package func pendingLeads(changedAfter seq: Int64, limit: Int) async throws -> (
        leads: [PendingLead], through: Int64
    ) {
        try await database.run { db in
            try db.read { db in
                let changes = try db.cached(
                    "SELECT seq, lead FROM change WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?")
                try changes.bind(1, seq)
                try changes.bind(2, try Counter.foldedSeq.value(db))
                try changes.bind(3, Int64(limit))
                var through = seq
                var keys: [String] = []
                var seen = Set<String>()
                while try changes.step() {
                    through = changes.int64(0)
                    let key = changes.text(1)
                    if seen.insert(key).inserted { keys.append(key) }
                }
                changes.reset()
                let mappings = try DerivedStateWriter.mappings(db)
                let leads = try keys.compactMap { key in
                    try StoredLead.read(key: key, db).flatMap { $0.pendingFields > 0 ? $0 : nil }
                }
                return (try leads.map { try PendingLead($0, mappings: mappings) }, through)
            }
        }
    }

    /// A window of leads linked to a remote record, in a stable order, with their base values.
    package func linkedLeads(limit: Int, after cursor: Int64 = 0) async throws -> [LinkedLead] {
        try await database.run { db in
            try db.read { db in
                try StoredLead.window(where: "remote_id IS NOT NULL", after: cursor, limit: limit, db).map(
                    LinkedLead.init)
            }
        }
    }

    /// Up to `count` linked leads chosen at random, with their base values.
    package func linkedLeadsSample(_ count: Int) async throws -> [LinkedLead] {
        try await database.run { db in
            try db.read { db in
                let select = try db.cached(
                    "SELECT \(StoredLead.columns) FROM lead WHERE remote_id IS NOT NULL ORDER BY random() LIMIT ?")
                defer { select.reset() }
                try select.bind(1, Int64(count))
                var leads: [LinkedLead] = []
                while try select.step() { leads.append(LinkedLead(try StoredLead(select))) }
                return leads
            }
        }
    }

}

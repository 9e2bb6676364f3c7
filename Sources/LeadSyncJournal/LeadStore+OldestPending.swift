internal import LeadSyncSQLite

extension LeadStore {
    /// The time (epoch ms, each change's own `at`) of the oldest value still waiting to be sent,
    /// among leads that can be sent (awaiting identity and unmatched leads left out: they wait for
    /// their users, not for the sync); nil when nothing sendable is pending.
    ///
    /// Reads every sendable pending lead (through the pending index), so a monitor calls it at a
    /// scrape's pace, not on a hot path.
    package func oldestPendingAt() async throws -> Int64? {
        try await database.run { db in
            try db.read { db in
                var oldest: Int64?
                var cursor: Int64 = 0
                while true {
                    let leads = try StoredLead.window(
                        where: "pending_fields > 0 AND mark = \(LeadMark.none.rawValue)", after: cursor, limit: 1_000,
                        db)
                    guard let last = leads.last else { return oldest }
                    for at in leads.lazy.compactMap(\.oldestPendingAt) { oldest = min(oldest ?? at, at) }
                    cursor = last.id
                }
            }
        }
    }
}

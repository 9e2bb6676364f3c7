internal import LeadSyncSQLite

/// Keeping a journal healthy: checking its file and invariants, compacting old changes, backing
/// it up.
public struct JournalMaintenance: Sendable {
    let database: JournalDatabase

    /// The schema version of this journal's file.
    public func schemaVersionOnDisk() async throws -> Int { try await database.run { db in try db.userVersion } }

    /// Checks the file (`PRAGMA integrity_check`) and the journal's invariants: every counter
    /// equals what it counts, every pending reference points at a pending value.
    ///
    /// - Returns: the problems found; empty when all is well. Reads every table: for `journal
    ///   check`, not for hot paths.
    public func check() async throws -> [String] {
        try await database.run { db in
            try db.read { db in
                var problems: [String] = []
                let integrity = try db.prepare("PRAGMA integrity_check")
                while try integrity.step() {
                    let line = integrity.text(0)
                    if line != "ok" { problems.append("integrity: \(line)") }
                }
                let status = try LeadStore.status(db)
                func expect(_ name: String, _ stored: Int64, _ sql: String) throws {
                    let actual = try db.scalar(sql) ?? 0
                    if stored != actual { problems.append("\(name) is \(stored) but should be \(actual)") }
                }
                try expect("journal_entries", status.journalEntries, "SELECT count(*) FROM change")
                try expect("pending_changes", status.pendingChanges, "SELECT count(*) FROM pending_change")
                try expect(
                    "pending_changes",
                    status.pendingChanges, "SELECT count(DISTINCT seq) FROM lead_field WHERE state = 0")
                try expect("pending_leads", status.pendingLeads, "SELECT count(*) FROM lead WHERE pending_fields > 0")
                try expect("awaiting_identity", status.awaitingIdentity, "SELECT count(*) FROM lead WHERE mark = 1")
                try expect("unmatched", status.unmatched, "SELECT count(*) FROM lead WHERE mark = 2")
                try expect("rejected", status.rejected, "SELECT count(*) FROM rejected")
                let badLeads =
                    try db.scalar(
                        """
                        SELECT count(*) FROM lead l WHERE pending_fields !=
                            (SELECT count(*) FROM lead_field f WHERE f.lead_id = l.id AND f.state = 0)
                        """) ?? 0
                if badLeads > 0 { problems.append("\(badLeads) leads have a wrong pending count") }
                // Grouped once and joined, not a correlated count per change: that would scan
                // lead_field once per pending change.
                let badRefs =
                    try db.scalar(
                        """
                        WITH counted AS (SELECT seq, count(*) AS n FROM lead_field WHERE state = 0 GROUP BY seq)
                        SELECT (SELECT count(*) FROM pending_change p LEFT JOIN counted c ON c.seq = p.seq
                                WHERE c.n IS NULL OR c.n != p.refs)
                             + (SELECT count(*) FROM counted c LEFT JOIN pending_change p ON p.seq = c.seq
                                WHERE p.seq IS NULL)
                        """) ?? 0
                if badRefs > 0 { problems.append("\(badRefs) pending changes have a wrong reference count") }
                if status.unfoldedChanges < 0 { problems.append("folded past the last change") }
                return problems
            }
        }
    }

    /// Deletes changes that are folded, not pending and older than `olderThan` (epoch ms),
    /// keeping the newest change so sequence numbers never restart. Current values, delivery
    /// state and counters are unaffected.
    ///
    /// - Returns: how many changes were removed.
    @discardableResult
    public func compact(olderThan cutoff: Int64) async throws -> Int {
        try await database.run { db in
            try db.write { db in
                let folded = try Counter.foldedSeq.value(db)
                try db.cached(
                    """
                    DELETE FROM change WHERE seq <= ?1 AND seq < (SELECT max(seq) FROM change) AND at < ?2
                        AND seq NOT IN (SELECT seq FROM pending_change)
                    """
                ).execute([.integer(folded), .integer(cutoff)])
                let removed = db.changes
                try db.cached("UPDATE counter SET value = value + ? WHERE name = ?")
                    .execute([.integer(Int64(removed)), .text(Counter.removedChanges.rawValue)])
                return removed
            }
        }
    }

    /// Writes a consistent copy of the journal to `path` (`VACUUM INTO`), safe while others
    /// append. Fails when `path` exists.
    public func backup(to path: String) async throws {
        try await database.run { db in
            let statement = try db.prepare("VACUUM INTO ?")
            try statement.execute([.text(path)])
        }
    }
}

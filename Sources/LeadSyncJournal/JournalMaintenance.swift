internal import LeadSyncSQLite

/// Keeping a journal healthy: checking its file and invariants, compacting old changes, backing
/// it up.
package struct JournalMaintenance: Sendable {
    let database: JournalDatabase

    /// The schema version of this journal's file.
    package func schemaVersionOnDisk() async throws -> Int { try await database.run { db in try db.userVersion } }

    /// Checks the file (`PRAGMA integrity_check`) and the journal's invariants: every counter
    /// equals what it counts, every lead's pending counts match its fields.
    ///
    /// - Returns: the problems found; empty when all is well. Reads every table: for `journal
    ///   check`, not for hot paths.
    package func check() async throws -> [String] {
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
                try expect(
                    "pending_changes", status.pendingChanges, "SELECT coalesce(sum(pending_changes), 0) FROM lead")
                try expect("pending_leads", status.pendingLeads, "SELECT count(*) FROM lead WHERE pending_fields > 0")
                try expect("awaiting_identity", status.awaitingIdentity, "SELECT count(*) FROM lead WHERE mark = 1")
                try expect("unmatched", status.unmatched, "SELECT count(*) FROM lead WHERE mark = 2")
                try expect("rejected", status.rejected, "SELECT count(*) FROM rejected")
                // Each lead's pending counts against its own fields, a thousand leads at a time.
                var badLeads = 0
                var cursor: Int64 = 0
                while true {
                    let leads = try StoredLead.window(where: "1", after: cursor, limit: 1_000, db)
                    guard let last = leads.last else { break }
                    for lead in leads where lead.pendingCounts != (lead.pendingFields, lead.pendingChanges) {
                        badLeads += 1
                    }
                    cursor = last.id
                }
                if badLeads > 0 { problems.append("\(badLeads) leads have a wrong pending count") }
                // Every change row must still decode: a row fold cannot read stops every fold after it.
                let changes = try db.prepare("SELECT seq, fields FROM change ORDER BY seq")
                var unreadable: [Int64] = []
                var unreadableCount = 0
                while try changes.step() {
                    guard (try? FieldsCodec.decode(changes.text(1))) == nil else { continue }
                    unreadableCount += 1
                    if unreadable.count < 10 { unreadable.append(changes.int64(0)) }
                }
                if unreadableCount > 0 {
                    let listed = unreadable.map(String.init).joined(separator: ", ")
                    problems.append(
                        "\(unreadableCount) changes have unreadable fields (seq \(listed)\(unreadableCount > 10 ? ", …" : ""))"
                    )
                }
                if status.unfoldedChanges < 0 { problems.append("folded past the last change") }
                return problems
            }
        }
    }

    /// Deletes changes that are folded, not pending and older than `olderThan` (epoch ms),
    /// keeping the newest change so sequence numbers never restart, and forgets the inputs last
    /// ingested before it (their ``IngestMark``s). Current values, delivery state and counters are
    /// unaffected.
    ///
    /// - Returns: how many changes were removed.
    @discardableResult
    package func compact(olderThan cutoff: Int64) async throws -> Int {
        try await database.run { db in
            try db.write { db in
                let folded = try Counter.foldedSeq.value(db)
                // The pending changes, gathered from the pending leads' fields, are kept.
                try db.execute(
                    "CREATE TEMP TABLE IF NOT EXISTS pending_seq(seq INTEGER PRIMARY KEY); DELETE FROM pending_seq;")
                let insert = try db.cached("INSERT OR IGNORE INTO pending_seq(seq) VALUES (?)")
                var cursor: Int64 = 0
                while true {
                    let leads = try StoredLead.window(where: "pending_fields > 0", after: cursor, limit: 1_000, db)
                    guard let last = leads.last else { break }
                    for lead in leads {
                        for (_, row) in lead.fields where row.state == .pending {
                            try insert.execute([.integer(row.seq)])
                        }
                    }
                    cursor = last.id
                }
                try db.cached(
                    """
                    DELETE FROM change WHERE seq <= ?1 AND seq < (SELECT max(seq) FROM change) AND at < ?2
                        AND seq NOT IN (SELECT seq FROM temp.pending_seq)
                    """
                ).execute([.integer(folded), .integer(cutoff)])
                let removed = db.changes
                try db.cached("UPDATE counter SET value = value + ? WHERE name = ?")
                    .execute([.integer(Int64(removed)), .text(Counter.removedChanges.rawValue)])
                try IngestMark.prune(olderThan: cutoff, db)
                return removed
            }
        }
    }

    /// Delivered conversations holding a message older than `cutoff` (epoch ms), with the
    /// revision delivered: those retention may seal (``seal(_:)``).
    package func sealableConversations(olderThan cutoff: Int64) async throws -> [(
        conversation: String, revision: Int64
    )] {
        try await database.run { db in try db.read { db in try ConversationTables.sealable(olderThan: cutoff, db) } }
    }

    /// Seals delivered parts of a conversation and drops the messages they show (decision 0032),
    /// unless the conversation changed since `seal` was computed.
    ///
    /// - Returns: whether the seal applied.
    @discardableResult
    package func seal(_ seal: ConversationSeal) async throws -> Bool {
        try await database.run { db in try ConversationTables.apply(seal, db) }
    }

    /// Gives the pages that compaction freed back to the file system, so deleting history shrinks
    /// the file instead of leaving free pages inside it.
    ///
    /// The first call on a journal made without incremental auto-vacuum switches it on, which
    /// takes one full `VACUUM` (a rewrite of the file; seconds for a large journal, and writers
    /// wait meanwhile). Every call after that frees at most `maxPages` pages (`PRAGMA
    /// incremental_vacuum`, milliseconds) and truncates the write-ahead log.
    ///
    /// - Returns: the file's pages before and after.
    @discardableResult
    package func reclaimSpace(maxPages: Int = 10_000) async throws -> JournalStorage {
        try await database.run { db in
            let before = try JournalStorage(db)
            // 2 = INCREMENTAL. Changing the mode of a file that has tables takes effect at VACUUM.
            if try db.scalar("PRAGMA auto_vacuum") != 2 {
                try db.execute("PRAGMA auto_vacuum = INCREMENTAL")
                try db.execute("VACUUM")
            } else {
                let vacuum = try db.prepare("PRAGMA incremental_vacuum(\(max(1, maxPages)))")
                while try vacuum.step() {}
            }
            let checkpoint = try db.prepare("PRAGMA wal_checkpoint(TRUNCATE)")
            while try checkpoint.step() {}
            return JournalStorage(
                pageSize: before.pageSize, pagesBefore: before.pages, pages: try db.scalar("PRAGMA page_count") ?? 0,
                freePages: try db.scalar("PRAGMA freelist_count") ?? 0)
        }
    }

    /// The journal file's size in pages, and how many of them are free.
    package func storage() async throws -> JournalStorage {
        try await database.run { db in try JournalStorage(db) }
    }

    /// Writes a consistent copy of the journal to `path` (`VACUUM INTO`), safe while others
    /// append. Fails when `path` exists.
    package func backup(to path: String) async throws {
        try await database.run { db in
            let statement = try db.prepare("VACUUM INTO ?")
            try statement.execute([.text(path)])
        }
    }
}

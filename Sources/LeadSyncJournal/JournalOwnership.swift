import LeadSyncSQLite

/// Tells a journal from another application's SQLite database, so a wrong `--db` is refused
/// instead of having journal tables migrated into it.
///
/// A journal created by this code carries `PRAGMA application_id` "LSNC"; journals created
/// before carry 0 but have a `change` table, and a new journal has no tables at all.
enum JournalOwnership {
    /// "LSNC" in the database header (`PRAGMA application_id`).
    static let applicationID: Int64 = 0x4C53_4E43

    /// Throws ``JournalError`` `.foreignDatabase` unless `connection` is a journal or empty.
    static func check(_ connection: Connection, path: String) throws {
        let id = try connection.scalar("PRAGMA application_id") ?? 0
        if id == applicationID { return }
        if id != 0 {
            throw JournalError(
                .foreignDatabase,
                "\(path) is another application's SQLite database (application_id \(id)), not a leadsync journal")
        }
        let tables =
            try connection.scalar(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'") ?? 0
        let hasChangeLog =
            try connection.scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'change'") ?? 0
        if tables > 0, hasChangeLog == 0 {
            throw JournalError(
                .foreignDatabase,
                "\(path) is a SQLite database with another application's tables, not a leadsync journal")
        }
    }

    /// Marks a journal as leadsync's (done when it is created; the header write is one page).
    static func claim(_ connection: Connection) throws {
        try connection.execute("PRAGMA application_id = \(applicationID)")
    }
}

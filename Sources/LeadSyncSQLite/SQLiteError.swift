/// A failed SQLite call: the result code, SQLite's own message, the SQL that failed and the
/// database file it failed on.
///
/// The description names the statement but never its bound values, so lead data and settings
/// never reach a log line through an error.
package struct SQLiteError: Error, CustomStringConvertible, Sendable {
    /// The primary or extended SQLite result code (`SQLITE_BUSY` = 5, `SQLITE_CONSTRAINT` = 19, …).
    package let code: Int32
    /// SQLite's message for the failure (`sqlite3_errmsg`).
    package let message: String
    /// The statement that failed, when one was involved.
    package let sql: String?
    /// The database file, when the failure happened on an open connection: "disk I/O error"
    /// alone does not say which disk.
    package let path: String?

    package init(code: Int32, message: String, sql: String? = nil, path: String? = nil) {
        self.code = code
        self.message = message
        self.sql = sql
        self.path = path
    }

    /// The primary result code (the low byte of an extended code).
    package var primaryCode: Int32 { code & 0xFF }

    /// True for `SQLITE_BUSY` and `SQLITE_LOCKED`: another connection holds the lock.
    package var isBusy: Bool { primaryCode == 5 || primaryCode == 6 }

    /// True for `SQLITE_READONLY` and `SQLITE_FULL`: the database cannot be written now.
    package var isUnwritable: Bool { primaryCode == 8 || primaryCode == 13 }

    /// True for `SQLITE_CONSTRAINT` (unique, not null, check, foreign key).
    package var isConstraintViolation: Bool { primaryCode == 19 }

    /// True for `SQLITE_IOERR_FSYNC`: the disk did not confirm a sync. A transaction whose commit
    /// failed so may still be found committed once the disk works again (its pages reached the
    /// write-ahead log, which the next opener replays), so its outcome is unknown, not "failed".
    package var isUnconfirmedSync: Bool { code == 1034 }

    package var description: String {
        var text = "SQLite error \(code): \(message)"
        if let sql { text += " (in `\(sql)`)" }
        if let path { text += " on \(path)" }
        return text
    }
}

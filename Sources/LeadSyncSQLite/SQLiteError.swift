/// A failed SQLite call: the result code, SQLite's own message, and the SQL that failed.
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

    package init(code: Int32, message: String, sql: String? = nil) {
        self.code = code
        self.message = message
        self.sql = sql
    }

    /// The primary result code (the low byte of an extended code).
    package var primaryCode: Int32 { code & 0xFF }

    /// True for `SQLITE_BUSY` and `SQLITE_LOCKED`: another connection holds the lock.
    package var isBusy: Bool { primaryCode == 5 || primaryCode == 6 }

    /// True for `SQLITE_READONLY` and `SQLITE_FULL`: the database cannot be written now.
    package var isUnwritable: Bool { primaryCode == 8 || primaryCode == 13 }

    /// True for `SQLITE_CONSTRAINT` (unique, not null, check, foreign key).
    package var isConstraintViolation: Bool { primaryCode == 19 }

    package var description: String {
        if let sql { "SQLite error \(code): \(message) (in `\(sql)`)" } else { "SQLite error \(code): \(message)" }
    }
}

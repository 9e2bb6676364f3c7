internal import LeadSyncSQLite

/// Plain SQL on a journal file beside the journal's own connection: tests that inject a failure
/// (a trigger that aborts a write) or read a table the journal has no API for.
public enum JournalSQL {
    /// Runs `sql` (statements without parameters) on the file at `path`.
    public static func execute(_ path: String, _ sql: String) throws {
        try Connection(path: path, create: false, busyTimeout: .seconds(30)).execute(sql)
    }

    /// The first column of the first row of `sql` as an integer (nil for no row or NULL).
    public static func scalar(_ path: String, _ sql: String) throws -> Int64? {
        try Connection(path: path, create: false, busyTimeout: .seconds(30)).scalar(sql)
    }

    /// The first column of the first row of `sql` as text (nil for no row or NULL).
    public static func text(_ path: String, _ sql: String) throws -> String? {
        try Connection(path: path, create: false, busyTimeout: .seconds(30)).scalarText(sql)
    }
}

internal import CLeadSyncSQLite

/// One SQLite connection: the handle, its statement cache and its transactions.
///
/// Not thread-safe: the owner keeps every call on one thread or serial queue (the journal runs
/// its connection on its own queue). Statements prepared through `cached(_:)` live as long as
/// the connection and are dropped from the cache after they fail, so a statement that hit an
/// error is prepared afresh next time.
///
/// ```swift
/// let db = try Connection(path: "leads.db")
/// try db.write { db in try db.cached("INSERT INTO t(x) VALUES (?)").execute([.integer(1)]) }
/// ```
package final class Connection {
    let handle: OpaquePointer
    /// The file this connection opened.
    package let path: String
    private var statementCache: [String: Statement] = [:]

    /// SQLite's process-wide settings, made once before the first connection opens (after that
    /// `sqlite3_config` refuses). Memory statistics off: SQLite otherwise takes a process-wide
    /// mutex on every allocation and free, about 5 % of a drain's journal thread in its profile.
    private static let configureLibrary: Void = {
        _ = leadsync_sqlite3_config_int(SQLITE_CONFIG_MEMSTATUS, 0)
    }()

    /// Opens (creating when `create` is true) the database at `path`.
    ///
    /// - Parameters:
    ///   - immutable: read-only, and the file cannot change while it is open (SQLite's
    ///     `immutable=1`): no lock, no `-shm` or `-wal` is created or read. The one way to read a
    ///     WAL database that has no `-shm` where nothing can be created (a read-only mount, a
    ///     full disk); only correct when its `-wal` is absent or empty.
    ///   - busyTimeout: how long a statement waits for another connection's lock before
    ///     failing with `SQLITE_BUSY`. Default 30 s: appenders and a sync share one file.
    package init(
        path: String, create: Bool = true, readOnly: Bool = false, immutable: Bool = false,
        busyTimeout: Duration = .seconds(30)
    ) throws(SQLiteError) {
        Self.configureLibrary
        var handle: OpaquePointer?
        var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        flags |= readOnly || immutable ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE
        if create && !readOnly && !immutable { flags |= SQLITE_OPEN_CREATE }
        var name = path
        if immutable {
            flags |= SQLITE_OPEN_URI
            let escaped = path.map { character -> String in
                switch character {
                case "%": "%25"
                case "?": "%3f"
                case "#": "%23"
                default: String(character)
                }
            }.joined()
            name = "file:\(escaped)?immutable=1"
        }
        let rc = sqlite3_open_v2(name, &handle, flags, nil)
        guard rc == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close_v2(handle)
            throw SQLiteError(code: rc, message: "\(message): \(path)")
        }
        self.handle = handle
        self.path = path
        let (seconds, attoseconds) = busyTimeout.components
        sqlite3_busy_timeout(handle, Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000))
    }

    /// True when SQLite opened the file read-only (asked for, or the file or its mount is not
    /// writable).
    package var isReadOnly: Bool { sqlite3_db_readonly(handle, "main") == 1 }

    deinit {
        statementCache.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Runs one or more statements that take no parameters (schema changes, pragmas).
    package func execute(_ sql: String) throws(SQLiteError) {
        let rc = sqlite3_exec(handle, sql, nil, nil, nil)
        guard rc == SQLITE_OK else { throw error(rc, sql: sql) }
    }

    /// A prepared statement for `sql`, reused across calls. Reset before it is returned.
    package func cached(_ sql: String) throws(SQLiteError) -> Statement {
        if let statement = statementCache[sql] {
            statement.reset()
            return statement
        }
        let statement = try Statement(connection: self, sql: sql, persistent: true)
        statementCache[sql] = statement
        return statement
    }

    /// A statement prepared for one use (SQL that is built at run time).
    package func prepare(_ sql: String) throws(SQLiteError) -> Statement {
        try Statement(connection: self, sql: sql, persistent: false)
    }

    /// The first column of the first row of `sql` as an integer, or nil when there is no row or
    /// it is NULL.
    package func scalar(_ sql: String, _ values: [SQLiteValue] = []) throws(SQLiteError) -> Int64? {
        let statement = try cached(sql)
        defer { statement.reset() }
        try statement.bind(values)
        guard try statement.step() else { return nil }
        return statement.optionalInt64(0)
    }

    /// The first column of the first row of `sql` as text.
    package func scalarText(_ sql: String, _ values: [SQLiteValue] = []) throws(SQLiteError) -> String? {
        let statement = try cached(sql)
        defer { statement.reset() }
        try statement.bind(values)
        guard try statement.step() else { return nil }
        return statement.optionalText(0)
    }

    /// Runs `body` in a `BEGIN IMMEDIATE` transaction: it commits when `body` returns and rolls
    /// back when it throws. Taking the write lock up front means the transaction never fails
    /// half-way with `SQLITE_BUSY`; waiting for the lock is bounded by the busy timeout.
    /// Called inside another transaction, `body` simply joins it.
    package func write<T>(_ body: (Connection) throws -> T) throws -> T {
        try transaction("BEGIN IMMEDIATE", body)
    }

    /// Runs `body` in a read transaction, so every read sees one snapshot.
    package func read<T>(_ body: (Connection) throws -> T) throws -> T {
        try transaction("BEGIN DEFERRED", body)
    }

    private func transaction<T>(_ begin: String, _ body: (Connection) throws -> T) throws -> T {
        guard isAutocommit else { return try body(self) }
        try execute(begin)
        do {
            let result = try body(self)
            try execute("COMMIT")
            return result
        } catch {
            if !isAutocommit { try? execute("ROLLBACK") }
            throw error
        }
    }

    /// True outside an explicit transaction.
    package var isAutocommit: Bool { sqlite3_get_autocommit(handle) != 0 }

    /// The rowid of the last row this connection inserted.
    package var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    package var changes: Int { Int(sqlite3_changes(handle)) }

    /// `PRAGMA user_version`: the schema version `Migrator` maintains.
    package var userVersion: Int {
        get throws(SQLiteError) { Int(try scalar("PRAGMA user_version") ?? 0) }
    }

    func setUserVersion(_ version: Int) throws(SQLiteError) {
        try execute("PRAGMA user_version = \(version)")
    }

    func error(_ rc: Int32, sql: String?) -> SQLiteError {
        if let sql { statementCache[sql] = nil }
        return SQLiteError(code: rc, message: String(cString: sqlite3_errmsg(handle)), sql: sql, path: path)
    }
}

@available(*, unavailable)
extension Connection: Sendable {}

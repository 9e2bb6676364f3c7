internal import CLeadSyncSQLite

/// A prepared statement, owned by the `Connection` that prepared it.
///
/// Bind parameters by 1-based index, `step()` through rows, read columns by 0-based index.
/// Statements from `Connection.cached(_:)` are reset before they are handed out again.
package final class Statement {
    let handle: OpaquePointer
    /// The SQL this statement was prepared from, for error messages.
    package let sql: String
    private unowned let connection: Connection

    init(connection: Connection, sql: String, persistent: Bool) throws(SQLiteError) {
        var handle: OpaquePointer?
        let flags: UInt32 = persistent ? UInt32(SQLITE_PREPARE_PERSISTENT) : 0
        let rc = sqlite3_prepare_v3(connection.handle, sql, -1, flags, &handle, nil)
        guard rc == SQLITE_OK, let handle else {
            throw connection.error(rc, sql: sql)
        }
        self.handle = handle
        self.sql = sql
        self.connection = connection
    }

    deinit { sqlite3_finalize(handle) }

    /// Resets the statement so it can run again; bindings are cleared too.
    package func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    package func bind(_ index: Int32, _ value: Int64) throws(SQLiteError) {
        try check(sqlite3_bind_int64(handle, index, value))
    }

    package func bind(_ index: Int32, _ value: Int) throws(SQLiteError) {
        try bind(index, Int64(value))
    }

    package func bind(_ index: Int32, _ value: String) throws(SQLiteError) {
        var value = value
        let rc = value.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                // A nil base address would bind NULL; an empty string must stay an empty string.
                guard let base = chars.baseAddress, chars.count > 0 else {
                    return sqlite3_bind_text(handle, index, "", 0, leadsync_sqlite3_transient())
                }
                return sqlite3_bind_text(handle, index, base, Int32(chars.count), leadsync_sqlite3_transient())
            }
        }
        try check(rc)
    }

    /// Binds UTF-8 bytes as text without making a `String` first (SQLite copies them).
    package func bind(_ index: Int32, utf8 bytes: [UInt8]) throws(SQLiteError) {
        let rc = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                guard let base = chars.baseAddress, chars.count > 0 else {
                    return sqlite3_bind_text(handle, index, "", 0, leadsync_sqlite3_transient())
                }
                return sqlite3_bind_text(handle, index, base, Int32(chars.count), leadsync_sqlite3_transient())
            }
        }
        try check(rc)
    }

    /// Binds bytes as a blob (SQLite copies them).
    package func bind(_ index: Int32, blob bytes: [UInt8]) throws(SQLiteError) {
        let rc = bytes.withUnsafeBytes { buffer in bindBlob(index, buffer) }
        try check(rc)
    }

    /// Binds bytes as a blob (SQLite copies them).
    package func bind(_ index: Int32, blob buffer: UnsafeRawBufferPointer) throws(SQLiteError) {
        try check(bindBlob(index, buffer))
    }

    private func bindBlob(_ index: Int32, _ buffer: UnsafeRawBufferPointer) -> Int32 {
        // A nil base address would bind NULL; an empty blob must stay an empty blob.
        sqlite3_bind_blob(
            handle, index, buffer.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(buffer.count),
            leadsync_sqlite3_transient())
    }

    package func bind(_ index: Int32, _ value: String?) throws(SQLiteError) {
        if let value { try bind(index, value) } else { try bindNull(index) }
    }

    package func bind(_ index: Int32, _ value: Int64?) throws(SQLiteError) {
        if let value { try bind(index, value) } else { try bindNull(index) }
    }

    package func bindNull(_ index: Int32) throws(SQLiteError) {
        try check(sqlite3_bind_null(handle, index))
    }

    /// Binds each value in order, starting at parameter 1.
    package func bind(_ values: [SQLiteValue]) throws(SQLiteError) {
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            switch value {
            case .null: try bindNull(index)
            case .integer(let v): try bind(index, v)
            case .text(let v): try bind(index, v)
            }
        }
    }

    /// Advances to the next row: true when a row is available, false when the statement is done.
    @discardableResult
    package func step() throws(SQLiteError) -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            throw connection.error(rc, sql: sql)
        }
    }

    /// Runs the statement to completion, ignoring any rows, then resets it.
    package func execute(_ values: [SQLiteValue] = []) throws(SQLiteError) {
        defer { reset() }
        if !values.isEmpty { try bind(values) }
        while try step() {}
    }

    package func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }

    package func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    package func int(_ column: Int32) -> Int { Int(sqlite3_column_int64(handle, column)) }

    package func text(_ column: Int32) -> String {
        guard let bytes = sqlite3_column_text(handle, column) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    /// Calls `body` with a column's bytes, valid only during the call (no copy).
    package func withBytes<T>(_ column: Int32, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        let base = sqlite3_column_blob(handle, column)
        let count = Int(sqlite3_column_bytes(handle, column))
        return try body(UnsafeRawBufferPointer(start: base, count: base == nil ? 0 : count))
    }

    package func optionalText(_ column: Int32) -> String? { isNull(column) ? nil : text(column) }

    package func optionalInt64(_ column: Int32) -> Int64? { isNull(column) ? nil : int64(column) }

    private func check(_ rc: Int32) throws(SQLiteError) {
        guard rc == SQLITE_OK else { throw connection.error(rc, sql: sql) }
    }
}

@available(*, unavailable)
extension Statement: Sendable {}

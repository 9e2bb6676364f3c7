import CBenchmarkSQLite

/// The baseline: the journal's `change` rows inserted straight through the C API, with the
/// same schema, WAL and `synchronous` setting, and the fields already encoded.
final class RawSQLiteAppender {
    private var db: OpaquePointer?
    private var insert: OpaquePointer?

    init(path: String, synchronous: String) {
        precondition(sqlite3_open(path, &db) == SQLITE_OK)
        exec("PRAGMA journal_mode = WAL")
        exec("PRAGMA synchronous = \(synchronous)")
        exec(
            "CREATE TABLE change (seq INTEGER PRIMARY KEY, lead TEXT NOT NULL, at INTEGER NOT NULL, fields TEXT NOT NULL, origin INTEGER NOT NULL DEFAULT 0)"
        )
        precondition(
            sqlite3_prepare_v2(db, "INSERT INTO change(lead, at, fields, origin) VALUES (?, ?, ?, ?)", -1, &insert, nil)
                == SQLITE_OK)
    }

    deinit {
        sqlite3_finalize(insert)
        sqlite3_close(db)
    }

    /// Inserts `rows` in transactions of `perTransaction` rows.
    func append(_ rows: [BenchmarkRow], perTransaction: Int) {
        var index = 0
        while index < rows.count {
            exec("BEGIN IMMEDIATE")
            for row in rows[index..<min(index + perTransaction, rows.count)] {
                sqlite3_bind_text(insert, 1, row.lead, -1, leadsync_benchmark_sqlite3_transient())
                sqlite3_bind_int64(insert, 2, row.at)
                sqlite3_bind_text(insert, 3, row.encodedFields, -1, leadsync_benchmark_sqlite3_transient())
                sqlite3_bind_int64(insert, 4, 0)
                precondition(sqlite3_step(insert) == SQLITE_DONE)
                sqlite3_reset(insert)
            }
            exec("COMMIT")
            index += perTransaction
        }
    }

    private func exec(_ sql: String) {
        precondition(sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK, String(cString: sqlite3_errmsg(db)))
    }
}

import LeadSyncSQLite
import LeadSyncTestKit
import Testing

@Suite struct ConnectionTests {
    @Test func writeCommitsOnReturnAndRollsBackOnThrow() throws {
        let dir = try TemporaryDirectory()
        let db = try Connection(path: dir.path("t.db"))
        try db.execute("CREATE TABLE t (x INTEGER)")
        try db.write { db in try db.cached("INSERT INTO t(x) VALUES (?)").execute([1]) }
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try db.write { db in
                try db.cached("INSERT INTO t(x) VALUES (?)").execute([2])
                throw Boom()
            }
        }
        #expect(try db.scalar("SELECT count(*) FROM t") == 1)
        #expect(db.isAutocommit)
    }

    @Test func errorNamesTheSQLAndCode() throws {
        let dir = try TemporaryDirectory()
        let db = try Connection(path: dir.path("t.db"))
        try db.execute("CREATE TABLE t (x INTEGER PRIMARY KEY)")
        try db.cached("INSERT INTO t(x) VALUES (?)").execute([1])
        do {
            try db.cached("INSERT INTO t(x) VALUES (?)").execute([1])
            Issue.record("a duplicate key must fail")
        } catch {
            #expect(error.isConstraintViolation)
            #expect(error.sql == "INSERT INTO t(x) VALUES (?)")
            #expect(error.description.contains("INSERT INTO t(x)"))
        }
        // The failed statement was evicted from the cache and is prepared afresh.
        try db.cached("INSERT INTO t(x) VALUES (?)").execute([2])
        #expect(try db.scalar("SELECT count(*) FROM t") == 2)
    }

    @Test func textRoundTripsIncludingEmptyAndNull() throws {
        let dir = try TemporaryDirectory()
        let db = try Connection(path: dir.path("t.db"))
        try db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT)")
        try db.cached("INSERT INTO t(id, s) VALUES (?, ?)").execute([1, ""])
        try db.cached("INSERT INTO t(id, s) VALUES (?, ?)").execute([2, nil])
        try db.cached("INSERT INTO t(id, s) VALUES (?, ?)").execute([3, "Ada ✓ \u{1F600}"])
        #expect(try db.scalar("SELECT count(*) FROM t WHERE s = ''") == 1)
        #expect(try db.scalar("SELECT count(*) FROM t WHERE s IS NULL") == 1)
        #expect(try db.scalarText("SELECT s FROM t WHERE id = 3") == "Ada ✓ \u{1F600}")
    }

    @Test func openingAMissingFileWithoutCreateFailsNamingThePath() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("missing.db")
        #expect {
            _ = try Connection(path: path, create: false)
        } throws: { error in
            (error as? SQLiteError)?.message.contains(path) == true
        }
    }
}

import LeadSyncSQLite
import LeadSyncTestKit
import Testing

@Suite struct MigratorTests {
    @Test func appliesOnlyNewStepsAndRecordsTheVersion() throws {
        let dir = try TemporaryDirectory()
        let db = try Connection(path: dir.path("m.db"))
        var migrator = Migrator()
        migrator.register("0001-a") { db in try db.execute("CREATE TABLE a (x)") }
        #expect(try migrator.migrate(db) == 1)
        #expect(try db.userVersion == 1)
        migrator.register("0002-b") { db in try db.execute("CREATE TABLE b (x)") }
        #expect(try migrator.migrate(db) == 2)
        // Running again applies nothing: step 0001 would fail if it ran twice.
        #expect(try migrator.migrate(db) == 2)
        #expect(try db.scalar("SELECT count(*) FROM sqlite_master WHERE name IN ('a', 'b')") == 2)
    }

    @Test func aFailingStepLeavesThePreviousVersionAndIsNamed() throws {
        let dir = try TemporaryDirectory()
        let db = try Connection(path: dir.path("m.db"))
        var migrator = Migrator()
        migrator.register("0001-a") { db in try db.execute("CREATE TABLE a (x)") }
        migrator.register("0002-bad") { db in
            try db.execute("CREATE TABLE b (x)")
            try db.execute("THIS IS NOT SQL")
        }
        #expect {
            try migrator.migrate(db)
        } throws: { error in
            (error as? SQLiteError)?.message.contains("0002-bad") == true
        }
        #expect(try db.userVersion == 1)
        #expect(try db.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'b'") == 0)
    }

    @Test func refusesADatabaseNewerThanTheProgram() throws {
        let dir = try TemporaryDirectory()
        let db = try Connection(path: dir.path("m.db"))
        try db.execute("PRAGMA user_version = 5")
        var migrator = Migrator()
        migrator.register("0001-a") { db in try db.execute("CREATE TABLE a (x)") }
        #expect(throws: SQLiteError.self) { try migrator.migrate(db) }
    }
}

import Foundation
import LeadSyncSQLite
import LeadSyncTestKit
import Testing

/// `--db` naming another application's SQLite database is refused, and nothing is written to it.
@Suite struct ForeignDatabaseTests {
    @Test func anotherApplicationsDatabaseIsRefusedUntouched() throws {
        let cli = try LeadsyncCLI()
        let other = cli.directory.path("photos.db")
        let connection = try Connection(path: other)
        try connection.execute("CREATE TABLE album (id INTEGER PRIMARY KEY, name TEXT)")
        try connection.execute("PRAGMA user_version = 3")
        let before = try Data(contentsOf: URL(fileURLWithPath: other))
        for command in [["status"], ["init"], ["ingest", "-"]] {
            let result = try cli.run(command, environment: ["LEADSYNC_DB": other], stdin: Data())
            #expect(result.status == 2, "\(command): \(result.stderr)")
            #expect(result.stderr.contains("not a leadsync journal"), "\(command): \(result.stderr)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: other)) == before)

        let marked = cli.directory.path("marked.db")
        try Connection(path: marked).execute("PRAGMA application_id = 42")
        let result = try cli.run(["status"], environment: ["LEADSYNC_DB": marked])
        #expect(result.status == 2)
        #expect(result.stderr.contains("application_id 42"), "\(result.stderr)")
    }

    @Test func aNewJournalIsMarkedAndStillOpens() throws {
        let cli = try LeadsyncCLI()
        #expect(try cli.run("init").status == 0)
        #expect(try Connection(path: cli.db).scalar("PRAGMA application_id") == 0x4C53_4E43)
        #expect(try cli.run("status").status == 0)
    }
}

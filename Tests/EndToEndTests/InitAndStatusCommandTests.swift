import Foundation
import LeadSyncJournal
import LeadSyncTestKit
import Testing

@Suite struct InitAndStatusCommandTests {
    @Test func initCreatesOnceAndReportsTheSchema() throws {
        let cli = try LeadsyncCLI()
        let (first, created) = try cli.json("init")
        #expect(first.status == 0)
        let report = try #require(created as? [String: Any])
        #expect(report["created"] as? Bool == true)
        #expect(report["schema_version"] as? Int == Journal.schemaVersion)
        let (second, again) = try cli.json("init")
        #expect(second.status == 0)
        #expect((again as? [String: Any])?["created"] as? Bool == false)
    }

    @Test func initCreatesTheJournalsDirectory() throws {
        let cli = try LeadsyncCLI()
        let nested = cli.directory.path("a/b/leads.db")
        let result = try cli.run("init", environment: ["LEADSYNC_DB": nested])
        #expect(result.status == 0)
        #expect(FileManager.default.fileExists(atPath: nested))
    }

    @Test func statusOfANewJournalIsEmptyAndDisconnected() async throws {
        let cli = try LeadsyncCLI()
        let (result, document) = try cli.json("status")
        #expect(result.status == 0)
        let status = try #require(document as? [String: Any])
        #expect(status["connection"] as? String == "disconnected")
        for key in [
            "pending_changes", "pending_leads", "awaiting_identity", "unmatched", "rejected", "skipped",
            "journal_entries",
        ] {
            #expect(status[key] as? Int == 0, "\(key)")
        }
        #expect(status["last_sync_at"] is NSNull && status["last_error"] is NSNull)
    }

    @Test func statusCountsPendingWorkAfterIngest() async throws {
        let cli = try LeadsyncCLI()
        let input = """
            {"lead":"L-1","at":"2026-11-28T10:00:00Z","fields":{"email":"a@example.com","first_name":"Ada"}}
            {"lead":"L-2","at":"2026-11-28T10:00:00Z","fields":{"first_name":"No Email"}}
            {"lead":"L-3","at":"2026-11-28T10:00:00Z","fields":{"conversation_summary":"local only"}}
            {"lead":"L-1","at":"2026-11-28T09:00:00Z","fields":{"first_name":"Older"}}
            """
        #expect(try cli.run("ingest", stdin: input).status == 0)
        let status = try #require(try cli.json("status").1 as? [String: Any])
        #expect(status["journal_entries"] as? Int == 4)
        #expect(status["pending_changes"] as? Int == 2)
        #expect(status["pending_leads"] as? Int == 2)
        #expect(status["awaiting_identity"] as? Int == 1)
    }

    @Test func connectionFollowsTheTokenTheCredentialsFileAndTheReconnectFlag() async throws {
        let cli = try LeadsyncCLI()
        #expect(try cli.run("init").status == 0)
        func connection(_ environment: [String: String] = [:]) throws -> String? {
            (try cli.json("status", environment: environment).1 as? [String: Any])?["connection"] as? String
        }
        #expect(try connection(["LEADSYNC_TOKEN": "pat-test"]) == "connected")
        #expect(FileManager.default.createFile(atPath: cli.db + ".credentials", contents: Data("{}".utf8)))
        #expect(try connection() == "connected")
        try await Journal(path: cli.db).configuration.setSetting(.reconnectionRequired, "true")
        #expect(try connection() == "reconnection_required")
    }
}

import Foundation
import LeadSyncTestKit
import Testing

/// The commands that work on a PostgreSQL tenant give what they give on a SQLite journal: the
/// same cases, the same output and exit codes, on both stores (issue 14).
@Suite(.hangGuard) struct StoreAcceptanceTests {
    static let input = """
        {"lead":"L-1","at":"2026-11-28T10:00:00Z","fields":{"email":"a@example.com","first_name":"Ada","budget":5000}}
        {"lead":"L-2","at":"2026-11-28T10:00:00Z","fields":{"first_name":"No Email"}}
        not json
        {"lead":"L-3","at":"2026-11-28T10:00:00Z","fields":{"conversation_summary":"local only"}}

        {"lead":"L-1","at":"2026-11-28T09:00:00Z","fields":{"first_name":"Older"}}
        {"lead":"","fields":{"x":1}}
        """

    /// Every read-only document of a journal after the same commands, for comparing two stores.
    static func session(_ cli: LeadsyncCLI) throws -> [String] {
        var outputs: [String] = []
        func record(_ result: ProcessResult) {
            outputs.append("exit \(result.status) stdout \(result.stdoutText)")
        }
        record(try cli.run("ingest", "--json", stdin: input))
        record(try cli.run("map", "set", "budget", "budget_amount", "--write", "if-empty"))
        record(try cli.run("map", "set", "nickname", "firstname"))
        record(try cli.run("map", "remove", "website"))
        record(try cli.run("rules", "--update", "off", "--json"))
        record(try cli.run("rules", "--create", "on"))
        record(try cli.run("rules", "--update", "on", "--create", "on", "--json"))
        record(try cli.run("pull-rules", "add", "lifecyclestage", "--eq", "lead", "--force", "--json"))
        record(try cli.run("pull-rules", "add", "country", "--in", "FR,DE", "--force", "--json"))
        record(try cli.run("pull-rules", "remove", "1"))
        record(try cli.run("pull-rules", "remove", "7"))
        for read in [
            ["status"], ["lead", "show", "L-1"], ["lead", "show", "L-2"], ["map", "list"], ["pull-rules", "list"],
        ] {
            record(try cli.run(read + ["--json"]))
        }
        record(try cli.run("lead", "show", "L-404", "--json"))
        return outputs
    }

    @Test func theSameCommandsGiveTheSameOutputOnBothStores() throws {
        let sqlite = try Self.session(LeadsyncCLI(.sqlite))
        let postgres = try Self.session(LeadsyncCLI(.postgres))
        #expect(sqlite.count == postgres.count)
        for (expected, actual) in zip(sqlite, postgres) { #expect(actual == expected) }
    }

    @Test(arguments: LeadsyncCLI.Store.allCases)
    func ingestReportsAndKeepsEveryValidLine(store: LeadsyncCLI.Store) throws {
        let cli = try LeadsyncCLI(store)
        let (result, document) = try cli.json("ingest", stdin: Self.input)
        #expect(result.status == 1)
        #expect(result.stderr.contains("line 3: invalid JSON"))
        let report = try #require(document as? [String: Any])
        #expect(report["appended"] as? Int == 4)
        #expect((report["invalid"] as? [[String: Any]])?.map { $0["line"] as? Int } == [3, 7])
        let status = try #require(try cli.json("status").1 as? [String: Any])
        #expect(status["journal_entries"] as? Int == 4)
        #expect(status["pending_changes"] as? Int == 2)
        #expect(status["pending_leads"] as? Int == 2)
        #expect(status["awaiting_identity"] as? Int == 1)
        #expect(status["connection"] as? String == "disconnected")
        let lead = try #require(try cli.json("lead", "show", "L-1").1 as? [String: Any])
        #expect((lead["fields"] as? [String: Any])?["first_name"] as? String == "Ada")
        #expect(lead["state"] as? String == "pending")
        #expect(try cli.run("lead", "show", "L-404").status == 1)
    }

    @Test(arguments: LeadsyncCLI.Store.allCases)
    func aBatchedIngestOfTwoThousandChangesKeepsThemAll(store: LeadsyncCLI.Store) throws {
        let cli = try LeadsyncCLI(store)
        let lines = (0..<2_000).map { index in
            #"{"lead":"L-\#(index % 500)","at":\#(1_700_000_000_000 + index),"fields":{"email":"l\#(index % 500)@example.com","n":\#(index)}}"#
        }
        let (result, document) = try cli.json(
            "ingest", "--batch-size", "300", stdin: lines.joined(separator: "\n"))
        #expect(result.status == 0)
        #expect((document as? [String: Any])?["appended"] as? Int == 2_000)
        let status = try #require(try cli.json("status").1 as? [String: Any])
        #expect(status["journal_entries"] as? Int == 2_000)
        #expect(status["pending_leads"] as? Int == 500)
        let lead = try #require(try cli.json("lead", "show", "L-7").1 as? [String: Any])
        #expect((lead["fields"] as? [String: Any])?["n"] as? Int == 1_507)
    }

    @Test(arguments: LeadsyncCLI.Store.allCases)
    func badUsageExitsTwoOnBothStores(store: LeadsyncCLI.Store) throws {
        let cli = try LeadsyncCLI(store)
        #expect(try cli.run("map", "remove", "email").status == 2)
        #expect(try cli.run("map", "remove", "no_such_field").status == 1)
        #expect(try cli.run("rules", "--update", "off", "--create", "on").status == 2)
        #expect(try cli.run("pull-rules", "add", "country", "--eq", "FR", "--in", "DE").status == 2)
        _ = try cli.run("ingest", stdin: #"{"lead":"L-1","fields":{"email":"a@b.io"}}"#)
        let typo = try cli.run("map", "set", "emial", "hs_email")
        #expect(typo.status == 2)
        #expect(typo.stderr.contains("did you mean email?"))
    }
}

/// What only a tenant has: its store's address, its name, and refusals that must come at once.
@Suite(.hangGuard) struct TenantCommandTests {
    @Test func initCreatesTheTenantOnceAndOtherCommandsNeedIt() throws {
        let cli = try LeadsyncCLI(.postgres)
        let again = try cli.json("init")
        #expect(again.0.status == 0)
        #expect((again.1 as? [String: Any])?["created"] as? Bool == false)
        let missing = try cli.run("status", environment: ["LEADSYNC_TENANT": "globex"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("--tenant") && missing.stderr.contains("globex"))
        let (created, document) = try cli.json("init", "--tenant", "globex")
        #expect(created.status == 0)
        #expect((document as? [String: Any])?["created"] as? Bool == true)
        #expect(try cli.run("status", "--tenant", "globex").status == 0)
    }

    @Test func tenantsOfOneStoreSeeNothingOfEachOther() throws {
        let cli = try LeadsyncCLI(.postgres)
        #expect(try cli.run("init", "--tenant", "globex").status == 0)
        _ = try cli.run("ingest", stdin: #"{"lead":"L-1","fields":{"email":"a@acme.io"}}"#)
        _ = try cli.run("map", "set", "budget", "budget", "--force")
        let globex = ["LEADSYNC_TENANT": "globex"]
        #expect((try cli.json("status", environment: globex).1 as? [String: Any])?["journal_entries"] as? Int == 0)
        #expect(try cli.run("lead", "show", "L-1", environment: globex).status == 1)
        let mappings = try #require(try cli.json("map", "list", environment: globex).1 as? [[String: String]])
        #expect(!mappings.contains { $0["field"] == "budget" })
    }

    @Test func aBadStoreAddressOrAnUnreachableServerExitsTwoAtOnceWithoutThePassword() throws {
        let cli = try LeadsyncCLI()
        for (address, named) in [
            ("mysql://u@h/db", "LEADSYNC_STORE"), ("postgres://u@h", "LEADSYNC_STORE"),
            ("postgres://sync:hunter2@127.0.0.1:1/leads", "LEADSYNC_STORE"),
        ] {
            let started = Date()
            let result = try cli.run("status", environment: ["LEADSYNC_STORE": address, "LEADSYNC_TENANT": "acme"])
            #expect(result.status == 2, "\(address)")
            #expect(result.stderr.contains(named), "\(address)")
            #expect(!result.stderr.contains("hunter2"))
            #expect(Date().timeIntervalSince(started) < 10)
        }
        let unreachable = try cli.run(
            "map", "list", "--store", "postgres://sync:hunter2@127.0.0.1:1/leads", "--tenant", "a")
        #expect(unreachable.status == 2)
        #expect(unreachable.stderr.contains("--store") && unreachable.stderr.contains("<redacted>"))
        #expect(!unreachable.stderr.contains("hunter2"))
    }

    @Test func aStoreNeedsATenantAndATenantAStore() throws {
        let cli = try LeadsyncCLI(.postgres)
        let noTenant = try cli.run("status", environment: ["LEADSYNC_TENANT": ""])
        #expect(noTenant.status == 2)
        #expect(noTenant.stderr.contains("--tenant"))
        let noStore = try cli.run("status", "--tenant", "acme", environment: ["LEADSYNC_STORE": ""])
        #expect(noStore.status == 2)
        #expect(noStore.stderr.contains("--store"))
    }

    @Test func commandsThatWorkOnAJournalFileOnlyRefuseAStore() throws {
        let cli = try LeadsyncCLI(.postgres)
        for command in [["journal", "check"], ["rejected", "list"], ["verify"], ["pull"]] {
            let result = try cli.run(command)
            #expect(result.status == 2, "\(command)")
            #expect(result.stderr.contains("SQLite journal (--db) only"), "\(command)")
        }
    }

    @Test func anIngestCannotResumeOnATenantYet() throws {
        let cli = try LeadsyncCLI(.postgres)
        let result = try cli.run("ingest", "--input-id", "batch-1", stdin: #"{"lead":"L-1","fields":{"a":1}}"#)
        #expect(result.status == 2)
        #expect(result.stderr.contains("--input-id"))
        #expect((try cli.json("status").1 as? [String: Any])?["journal_entries"] as? Int == 0)
    }
}

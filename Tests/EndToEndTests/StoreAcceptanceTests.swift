import Foundation
import HubSpotSimulator
import LeadSyncPostgres
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

    static let hubspotToken = "pat-na1-store-acceptance"

    /// The commands that talk to HubSpot, on a journal and its own hubspot-sim (contact ids and
    /// answers the same for both stores): every stdout and exit code, times and durations masked.
    static func hubspotSession(_ cli: LeadsyncCLI) throws -> [String] {
        let simulator = try HubSpotSimulator.started(token: hubspotToken) {
            $0.rateLimit = nil
            $0.dailyLimit = nil
        }.simulator
        defer { simulator.stop() }
        let pat = simulator.seedContacts([["email": "pat@example.com", "firstname": "Pat", "lifecyclestage": "lead"]])
        let environment = ["LEADSYNC_TOKEN": hubspotToken, "LEADSYNC_HUBSPOT_URL": simulator.baseURL]
        var outputs: [String] = []
        func record(_ arguments: String..., stdin: String = "") throws {
            let result = try cli.run(arguments, environment: environment, stdin: Data(stdin.utf8))
            outputs.append("\(arguments): exit \(result.status) stdout \(Self.masked(result.stdoutText))")
        }
        try record("map", "set", "lifecycle", "lifecyclestage")
        try record(
            "ingest", "--json",
            stdin: """
                {"lead":"L-1","at":"2026-11-28T10:00:00Z","fields":{"email":"ada@example.com","first_name":"Ada","lifecycle":"lead"}}
                {"lead":"L-2","at":"2026-11-28T10:00:00Z","fields":{"email":"bob@example.com","first_name":"Bob","lifecycle":"sometime"}}
                {"lead":"L-3","at":"2026-11-28T10:00:00Z","fields":{"first_name":"No Email"}}
                """)
        try record("map", "check", "--json")
        try record("sync", "--once", "--json")
        try record("status", "--json")
        try record("rejected", "list", "--json")
        try record("rejected", "list")
        try record("lead", "show", "L-2", "--json")
        try record("pull", "--json")
        _ = simulator.editContact(id: pat[0], properties: ["firstname": "Patricia"])
        try record("pull", "--json")
        try record("lead", "show", "hubspot-\(pat[0])", "--json")
        _ = simulator.editContact(id: pat[0], properties: ["firstname": "Patsy"])
        try record("verify", "--all", "--json")
        try record("lead", "show", "L-1", "--json")
        try record("rejected", "retry", "--all", "--json")
        try record("rejected", "retry", "404")
        try record("sync", "--once", "--json")
        try record("map", "set", "shoe", "shoe_size", "--force")
        try record("map", "check")
        // Where the journal is differs (a file, a tenant): the rest of the document is the same.
        let config = try cli.json("config", "show", environment: environment)
        var document = try #require(config.1 as? [String: Any])
        for location in ["db", "store", "tenant", "credentials_path"] { document[location] = nil }
        let sorted = try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys])
        outputs.append("config show: exit \(config.0.status) \(Self.masked(String(decoding: sorted, as: UTF8.self)))")
        return outputs
    }

    /// `text` with ISO 8601 times, elapsed seconds and the simulator's port masked: they differ
    /// from run to run.
    static func masked(_ text: String) -> String {
        text.replacing(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/, with: "<time>")
            .replacing(/"elapsed_seconds": ?[0-9.]+/, with: "<elapsed>")
            .replacing(/127\.0\.0\.1:\d+/, with: "<hubspot-sim>")
    }

    @Test func syncPullVerifyRejectedConfigAndMapCheckGiveTheSameOutputOnBothStores() throws {
        let sqlite = try Self.hubspotSession(LeadsyncCLI(.sqlite))
        let postgres = try Self.hubspotSession(LeadsyncCLI(.postgres))
        // The session does what it says on either store: a drain with a refusal, two pulls, a difference.
        let sync = #"["sync", "--once", "--json"]: exit 0 stdout {"delivered":2,"delivered_values":5,"rejected":1"#
        #expect(sqlite.contains { $0.hasPrefix(sync) })
        #expect(sqlite.contains { $0.contains(#"exit 0 stdout {"created": 0, "linked": 0, "updated": 1"#) })
        #expect(sqlite.contains { $0.hasPrefix(#"["verify", "--all", "--json"]: exit 1"#) && $0.contains("Patsy") })
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

    /// An ingest names its input (`--input-id`); a re-run of the same input appends only the lines
    /// after the last batch the store kept, and another input under that id is refused.
    @Test(arguments: LeadsyncCLI.Store.allCases)
    func anIngestResumesByItsInputIdOnBothStores(store: LeadsyncCLI.Store) throws {
        let cli = try LeadsyncCLI(store)
        let lines = (0..<10).map { #"{"lead":"L-\#($0)","at":\#(1_700_000_000_000 + $0),"fields":{"n":\#($0)}}"# }
        let first = try cli.json(
            "ingest", "--input-id", "feed-1", "--batch-size", "2", stdin: lines.prefix(6).joined(separator: "\n"))
        #expect(first.0.status == 0, "\(first.0.stderr)")
        #expect((first.1 as? [String: Any])?["appended"] as? Int == 6)
        let again = try cli.json(
            "ingest", "--input-id", "feed-1", "--batch-size", "2", stdin: lines.joined(separator: "\n"))
        #expect(again.0.status == 0, "\(again.0.stderr)")
        let report = try #require(again.1 as? [String: Any])
        #expect(report["appended"] as? Int == 4)
        #expect(report["resumed_after_line"] as? Int == 6)
        #expect((try cli.json("status").1 as? [String: Any])?["journal_entries"] as? Int == 10)
        let other = try cli.run("ingest", "--input-id", "feed-1", stdin: lines.reversed().joined(separator: "\n"))
        #expect(other.status != 0)
        #expect(other.stderr.contains("names another input"))
        #expect((try cli.json("status").1 as? [String: Any])?["journal_entries"] as? Int == 10)
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

    @Test func journalMaintenanceRefusesAStoreNamingTheDatabasesOwnTools() throws {
        let cli = try LeadsyncCLI(.postgres)
        for command in [
            ["journal", "check"], ["journal", "compact"], ["journal", "backup", cli.directory.path("b.db")],
        ] {
            let result = try cli.run(command)
            #expect(result.status == 2, "\(command)")
            #expect(result.stderr.contains("SQLite journal file (--db) only"), "\(command)")
            #expect(result.stderr.contains("pg_dump"), "\(command)")
        }
        let follow = try cli.run("sync", "--follow")
        #expect(follow.status == 2)
        #expect(follow.stderr.contains("leadsync serve"))
    }

    /// A tenant is drained by one process at a time (decision 0037): while a worker holds its
    /// lease, `sync --once` and `pull` exit 1 naming the worker and send nothing; once it is
    /// free they run, and give the lease back when done.
    @Test func syncAndPullLeaveATenantAWorkerHoldsAlone() async throws {
        let cli = try LeadsyncCLI(.postgres)
        let simulator = try HubSpotSimulator.started(token: StoreAcceptanceTests.hubspotToken) {
            $0.rateLimit = nil
            $0.dailyLimit = nil
        }.simulator
        defer { simulator.stop() }
        let environment = [
            "LEADSYNC_TOKEN": StoreAcceptanceTests.hubspotToken, "LEADSYNC_HUBSPOT_URL": simulator.baseURL,
        ]
        _ = try cli.run("ingest", stdin: #"{"lead":"L-1","fields":{"email":"ada@example.com"}}"#)
        let store = try await PostgresStore.open(
            try PostgresStoreAddress(parsing: cli.storeEnvironment["LEADSYNC_STORE"]!))
        let leases = store.leases(worker: "worker-7")
        let held = try #require(try await leases.acquire(tenant: "acme", for: .seconds(60)))

        for command in [["sync", "--once"], ["pull"]] {
            let refused = try cli.run(command, environment: environment)
            #expect(refused.status == 1, "\(command)")
            #expect(refused.stderr.contains("worker-7") && refused.stderr.contains("tenant acme"), "\(refused.stderr)")
        }
        #expect(simulator.counters().totalRequests == 0)
        #expect((try cli.json("status").1 as? [String: Any])?["pending_leads"] as? Int == 1)

        try await leases.release([held])
        let synced = try cli.run("sync", "--once", environment: environment)
        #expect(synced.status == 0, "\(synced.stderr)")
        #expect(simulator.contacts().count == 1)
        // The sync gave the lease back: it is free at once, not after its 15 s.
        let after = try await leases.acquire(tenant: "acme", for: .seconds(60))
        #expect(after != nil && after!.token > held.token + 1)
        await store.close()
    }
}

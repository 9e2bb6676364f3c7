import Foundation
import HubSpotSimulator
import LeadSyncJournal
import LeadSyncSupport
import LeadSyncTestKit
import LeadSyncWorkload
import Testing

/// `leadsync sync` as a user runs it: the built executable against the simulator (in this test
/// process, on a loopback port), each exit code of cli-contract.md.
@Suite(.hangGuard) struct SyncCommandTests {
    /// The CLI on its own journal, and a simulator it reaches with a static token.
    struct Fixture {
        let cli: LeadsyncCLI
        let simulator: HubSpotSimulator
        let token = "pat-na1-sync-e2e"

        init(_ configure: (inout SimulatorConfiguration) -> Void = { _ in }) throws {
            cli = try LeadsyncCLI()
            simulator = try HubSpotSimulator.started(token: token) {
                $0.rateLimit = nil
                $0.dailyLimit = nil
                configure(&$0)
            }.simulator
        }

        var environment: [String: String] {
            ["LEADSYNC_TOKEN": token, "LEADSYNC_HUBSPOT_URL": simulator.baseURL]
        }

        /// Ingests `changes` through `leadsync ingest`.
        func ingest(_ changes: [GeneratedChange]) throws {
            let lines = changes.map(\.ndjsonLine).joined(separator: "\n") + "\n"
            let result = try cli.run(["ingest"], stdin: Data(lines.utf8))
            #expect(result.status == 0, "\(result.stderr)")
        }

        func sync(_ arguments: String..., environment extra: [String: String] = [:]) throws -> ProcessResult {
            try cli.run(["sync"] + arguments, environment: environment.merging(extra) { _, new in new })
        }

        func startFollow() throws -> RunningProcess {
            try cli.executable.start(
                ["sync", "--follow"],
                environment: environment.merging(["LEADSYNC_DB": cli.db, "LEADSYNC_SYNCHRONOUS": "normal"]) { $1 })
        }
    }

    @Test func syncOnceDrainsAndPrintsItsSummary() async throws {
        let fixture = try Fixture()
        defer { fixture.simulator.stop() }
        let changes = Array(LeadSetGenerator(WorkloadSpec(leads: 200, changes: 600, seed: 8)))
        try fixture.ingest(changes)
        let result = try fixture.sync("--once", "--json")
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
        let expected = ExpectedContacts(changes, mappings: Mapping.defaultProperties)
        #expect(summary["delivered"] as? Int == expected.contacts.count)
        #expect(summary["rate_limited"] as? Int == 0)
        #expect(fixture.simulator.contacts().count == expected.contacts.count)
        let (_, status) = try fixture.cli.json("status")
        let fields = try #require(status as? [String: Any])
        #expect(fields["last_sync_at"] is String)
        #expect(fields["pending_leads"] as? Int == fields["awaiting_identity"] as? Int)
    }

    /// The summary a person reads counts in words that agree with the count ("1 record", not
    /// "1 records", which a user met).
    @Test func theHumanSummarySaysOneRecordAndOneValue() throws {
        let fixture = try Fixture()
        defer { fixture.simulator.stop() }
        let ingested = try fixture.cli.run(
            ["ingest"],
            stdin: Data(
                """
                {"lead":"L-1","at":"2026-11-28T10:00:00Z","fields":{"email":"ada@example.com","first_name":"Ada"}}
                {"lead":"L-2","at":"2026-11-28T10:00:00Z","fields":{"email":"not-an-email","first_name":"Bo"}}

                """.utf8))
        #expect(ingested.stderr.contains("appended 2 changes, 0 invalid lines"), "\(ingested.stderr)")
        let result = try fixture.sync("--once")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            result.stderr.contains("delivered 1 record (2 values), rejected 1 value, skipped 0, awaiting identity 1"),
            "\(result.stderr)")
    }

    /// What a person reads about a refusal is the property's own message, not HubSpot's JSON
    /// inside a string (which a user met); `--json` keeps HubSpot's message as it came. And a
    /// journal never synced says so in words, not JSON's null.
    @Test func aRefusalReadsAsThePropertysOwnMessageAndStatusSaysNeverForNoSync() throws {
        let fixture = try Fixture()
        defer { fixture.simulator.stop() }
        let line = #"{"lead":"L-2","at":"2026-11-28T10:00:00Z","fields":{"email":"not-an-email"}}"#
        #expect(try fixture.cli.run(["ingest"], stdin: Data((line + "\n").utf8)).status == 0)
        let before = try fixture.cli.run(["status"]).stdoutText
        #expect(before.contains("last sync at: never\n") && before.contains("last error: none\n"), "\(before)")
        #expect(try fixture.sync("--once").status == 0)
        let readable = "VALIDATION_ERROR: email: Email address not-an-email is invalid (INVALID_EMAIL)"
        let listed = try fixture.cli.run(["rejected", "list"]).stdoutText
        #expect(listed.contains("#1 L-2 [local] \(readable)  email=\"not-an-email\""), "\(listed)")
        #expect(!listed.contains("isValid"), "\(listed)")
        let shown = try fixture.cli.run(["lead", "show", "L-2"]).stdoutText
        #expect(shown.contains("rejected #1: \(readable)"), "\(shown)")
        let (_, json) = try fixture.cli.json("rejected", "list")
        let message = try #require((json as? [[String: Any]])?.first?["message"] as? String)
        #expect(message.hasPrefix("Property values were not valid: [{"), "\(message)")
    }

    @Test func withoutCredentialsItExitsThree() throws {
        let fixture = try Fixture()
        defer { fixture.simulator.stop() }
        let result = try fixture.cli.run(
            ["sync", "--once"], environment: ["LEADSYNC_HUBSPOT_URL": fixture.simulator.baseURL])
        #expect(result.status == 3)
        #expect(result.stderr.contains("leadsync connect"))
    }

    @Test func aRevokedTokenExitsThreeAndKeepsEverythingPending() throws {
        let fixture = try Fixture()
        defer { fixture.simulator.stop() }
        try fixture.ingest(Array(LeadSetGenerator(WorkloadSpec(leads: 10, changes: 10, seed: 1))))
        fixture.simulator.revokeToken(fixture.token)
        let result = try fixture.sync("--once")
        #expect(result.status == 3, "\(result.stderr)")
        let (_, status) = try fixture.cli.json("status")
        #expect((status as? [String: Any])?["pending_leads"] as? Int == 10)
    }

    @Test func theDailyLimitExitsFour() throws {
        let fixture = try Fixture { $0.dailyLimit = 1 }
        defer { fixture.simulator.stop() }
        try fixture.ingest(Array(LeadSetGenerator(WorkloadSpec(leads: 10, changes: 10, seed: 1))))
        let result = try fixture.sync("--once")
        #expect(result.status == 4, "\(result.stderr)")
        #expect(result.stderr.contains("daily"))
    }

    @Test func maxSecondsExitsFiveWithChangesLeft() throws {
        let fixture = try Fixture { $0.rateLimit = .init(max: 2, intervalMilliseconds: 10_000) }
        defer { fixture.simulator.stop() }
        try fixture.ingest(Array(LeadSetGenerator(WorkloadSpec(leads: 500, changes: 500, seed: 1))))
        let result = try fixture.sync("--once", "--max-seconds", "1", "--rate-limit", "2/10s")
        #expect(result.status == 5, "\(result.stderr)")
        #expect(fixture.simulator.counters().rateLimited == 0)
    }

    @Test func givingUpExitsOneNamingTheLastError() throws {
        let fixture = try Fixture()
        defer { fixture.simulator.stop() }
        fixture.simulator.injectFault(.status(503), onRequest: 2, persistent: true)
        try fixture.ingest(Array(LeadSetGenerator(WorkloadSpec(leads: 10, changes: 10, seed: 1))))
        let result = try fixture.sync("--once", "--give-up-after", "1s")
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("503"))
    }

    @Test func aSecondSyncExitsOneNamingTheHolder() throws {
        let fixture = try Fixture()
        defer { fixture.simulator.stop() }
        try fixture.ingest(Array(LeadSetGenerator(WorkloadSpec(leads: 10, changes: 10, seed: 1))))
        let follower = try fixture.startFollow()
        defer {
            follower.kill()
            follower.wait()
        }
        // The follower holds the lock once it has drained what is there.
        try waitUntil { fixture.simulator.contacts().count >= 9 }
        let second = try fixture.sync("--once")
        #expect(second.status == 1)
        #expect(second.stderr.contains("process \(follower.pid)"), "\(second.stderr)")
    }

    @Test func followPushesNewChangesAndStopsCleanlyOnSIGTERM() throws {
        let fixture = try Fixture()
        defer { fixture.simulator.stop() }
        let changes = Array(LeadSetGenerator(WorkloadSpec(leads: 100, changes: 300, seed: 2)))
        try fixture.ingest(Array(changes.prefix(150)))
        let follower = try fixture.startFollow()
        try waitUntil { fixture.simulator.counters().recordsReceived > 0 }
        try fixture.ingest(Array(changes.dropFirst(150)))
        let expected = ExpectedContacts(changes, mappings: Mapping.defaultProperties)
        try waitUntil {
            fixture.simulator.contacts().count == expected.contacts.count
                && (try? fixture.cli.json("status").1 as? [String: Any])?["pending_leads"] as? Int
                    == 100 - expected.contacts.count
        }
        kill(follower.pid, SIGTERM)
        #expect(follower.wait() == 0)
    }

    @Test func oauthTokensExpiringEverySecondOrTwoAreRefreshedWithoutLosingAnything() throws {
        // Two-second access tokens and an OAuth app limit of 10 per second: the drain outlives
        // several tokens.
        let fixture = try Fixture {
            $0.accessTokenLifetimeSeconds = 2
            $0.oauthRateLimit = .init(max: 10, intervalMilliseconds: 1_000)
        }
        defer { fixture.simulator.stop() }
        fixture.simulator.registerOAuthClient(id: "app-1", secret: "app-secret")
        let redirect = "http://localhost:8976/callback"
        let code = fixture.simulator.issueAuthorizationCode(clientId: "app-1", redirectURI: redirect)
        let url = ["LEADSYNC_HUBSPOT_URL": fixture.simulator.baseURL]
        let connect = try fixture.cli.run(
            [
                "connect", "--client-id", "app-1", "--client-secret", "app-secret", "--code", code, "--redirect-uri",
                redirect,
            ], environment: url)
        #expect(connect.status == 0, "\(connect.stderr)")

        let changes = Array(LeadSetGenerator(WorkloadSpec(leads: 3_000, changes: 3_000, seed: 9)))
        try fixture.ingest(changes)
        let result = try fixture.cli.run(["sync", "--once", "--rate-limit", "10/10s"], environment: url)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(fixture.simulator.counters().refreshes >= 1)
        #expect(fixture.simulator.counters().rateLimited == 0)
        let expected = ExpectedContacts(changes, mappings: Mapping.defaultProperties)
        #expect(fixture.simulator.contactsByEmail(properties: expected.properties) == expected.contacts)
    }

    @Test func followPausesWhenTheGrantIsRevokedAndResumesAfterConnect() throws {
        let fixture = try Fixture { $0.accessTokenLifetimeSeconds = 2 }
        defer { fixture.simulator.stop() }
        fixture.simulator.registerOAuthClient(id: "app-1", secret: "app-secret")
        let url = ["LEADSYNC_HUBSPOT_URL": fixture.simulator.baseURL]
        func connect() throws {
            let redirect = "http://localhost:8976/callback"
            let code = fixture.simulator.issueAuthorizationCode(clientId: "app-1", redirectURI: redirect)
            let result = try fixture.cli.run(
                [
                    "connect", "--client-id", "app-1", "--client-secret", "app-secret", "--code", code,
                    "--redirect-uri", redirect,
                ], environment: url)
            #expect(result.status == 0, "\(result.stderr)")
        }
        try connect()
        var spec = WorkloadSpec(leads: 40, changes: 40, seed: 4)
        spec.noEmailShare = 0
        let changes = Array(LeadSetGenerator(spec))
        try fixture.ingest(Array(changes.prefix(20)))
        let follower = try fixture.cli.executable.start(
            ["sync", "--follow"],
            environment: url.merging(["LEADSYNC_DB": fixture.cli.db, "LEADSYNC_TOKEN": ""]) { $1 })
        try waitUntil { fixture.simulator.contacts().count == 20 }

        // The app is uninstalled: the refresh token dies with the access tokens.
        let stored = try Data(contentsOf: URL(fileURLWithPath: fixture.cli.db + ".credentials"))
        let credentials = try JSONSerialization.jsonObject(with: stored) as? [String: Any]
        let refresh = try #require(credentials?["refresh_token"] as? String)
        fixture.simulator.revokeRefreshToken(refresh)
        fixture.simulator.expireAccessTokens()
        try fixture.ingest(Array(changes.dropFirst(20)))
        try waitUntil {
            (try? fixture.cli.json("status").1 as? [String: Any])?["connection"] as? String == "reconnection_required"
        }
        #expect(fixture.simulator.contacts().count == 20)

        // A new connect: the paused sync picks the credentials up and sends what waited.
        try connect()
        try waitUntil { fixture.simulator.contacts().count == 40 }
        kill(follower.pid, SIGTERM)
        #expect(follower.wait() == 0)
        let (_, status) = try fixture.cli.json("status")
        #expect((status as? [String: Any])?["pending_leads"] as? Int == 0)
    }

    /// The issue's fault mix in one run: 10 % 5xx, 3 % resets and 2 % hung requests, access tokens
    /// expiring every second, and one revocation with a reconnect in the middle; the final state is
    /// exact and nothing is lost. The app's limit (5 requests a second) makes each drain outlive
    /// several tokens however fast the machine is: unthrottled, a drain once ended inside one
    /// token's life and no refresh was tested.
    @Test func aFaultMixWithExpiringTokensAndARevocationEndsExact() throws {
        let fixture = try Fixture {
            $0.accessTokenLifetimeSeconds = 1
            $0.oauthRateLimit = .init(max: 5, intervalMilliseconds: 1_000)
            $0.latencyMilliseconds = 100
            $0.faults.serverErrorRate = 0.10
            $0.faults.resetRate = 0.03
            $0.faults.hangRate = 0.02
            $0.faults.hangMilliseconds = 300
            $0.seed = 17
        }
        defer { fixture.simulator.stop() }
        fixture.simulator.registerOAuthClient(id: "app-1", secret: "app-secret")
        let url = ["LEADSYNC_HUBSPOT_URL": fixture.simulator.baseURL]
        // Under the fault mix a code exchange may meet a 5xx (connect exits 1 and stores nothing);
        // the user runs it again with a new code.
        func connect() throws {
            let redirect = "http://localhost:8976/callback"
            var result: ProcessResult?
            for _ in 0..<10 where result?.status != 0 {
                let code = fixture.simulator.issueAuthorizationCode(clientId: "app-1", redirectURI: redirect)
                result = try fixture.cli.run(
                    [
                        "connect", "--client-id", "app-1", "--client-secret", "app-secret", "--code", code,
                        "--redirect-uri", redirect,
                    ], environment: url)
            }
            #expect(result?.status == 0, "\(result?.stderr ?? "")")
        }
        try connect()
        let changes = Array(LeadSetGenerator(WorkloadSpec(leads: 1_500, changes: 2_000, seed: 23)))
        try fixture.ingest(Array(changes.prefix(1_200)))
        let first = try fixture.cli.run(["sync", "--once"], environment: url)
        #expect(first.status == 0, "\(first.stderr)")

        // The grant dies between syncs: the next sync keeps everything pending and exits 3.
        let stored = try Data(contentsOf: URL(fileURLWithPath: fixture.cli.db + ".credentials"))
        let credentials = try JSONSerialization.jsonObject(with: stored) as? [String: Any]
        fixture.simulator.revokeRefreshToken(try #require(credentials?["refresh_token"] as? String))
        fixture.simulator.expireAccessTokens()
        try fixture.ingest(Array(changes.dropFirst(1_200)))
        let refused = try fixture.cli.run(["sync", "--once"], environment: url)
        #expect(refused.status == 3, "\(refused.stderr)")

        try connect()
        let last = try fixture.cli.run(["sync", "--once"], environment: url)
        #expect(last.status == 0, "\(last.stderr)")
        let counters = fixture.simulator.counters()
        #expect(counters.faultsInjected > 0)
        #expect(counters.refreshes >= 2, "each sync's drain outlives its first token")
        let expected = ExpectedContacts(changes, mappings: Mapping.defaultProperties)
        #expect(fixture.simulator.contactsByEmail(properties: expected.properties) == expected.contacts)
    }

    @Test func verifyReportsPropertiesEditedInHubSpotSinceTheyWereDelivered() throws {
        let fixture = try Fixture()
        defer { fixture.simulator.stop() }
        var spec = WorkloadSpec(leads: 50, changes: 150, seed: 6)
        spec.noEmailShare = 0
        try fixture.ingest(Array(LeadSetGenerator(spec)))
        #expect(try fixture.sync("--once").status == 0)
        let clean = try fixture.cli.run(["verify", "--all", "--json"], environment: fixture.environment)
        #expect(clean.status == 0, "\(clean.stderr)")
        let report = try JSONSerialization.jsonObject(with: clean.stdout) as? [String: Any]
        #expect(report?["checked"] as? Int == 50)
        #expect((report?["differences"] as? [Any])?.isEmpty == true)

        let edited = try #require(fixture.simulator.contacts().first)
        #expect(fixture.simulator.editContact(id: edited.id, properties: ["firstname": "Edited in HubSpot"]))
        let drifted = try fixture.cli.run(["verify", "--all", "--json"], environment: fixture.environment)
        #expect(drifted.status == 1)
        let differences = try JSONSerialization.jsonObject(with: drifted.stdout) as? [String: Any]
        let first = try #require((differences?["differences"] as? [[String: Any]])?.first)
        #expect(first["hubspot_id"] as? String == edited.id)
        #expect(first["property"] as? String == "firstname")
        #expect(first["actual"] as? String == "Edited in HubSpot")
    }

    /// Polls `condition` every 50 ms for up to 20 seconds.
    func waitUntil(_ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(20)
        while try !condition() {
            guard Date() < deadline else { throw CancellationError() }
            usleep(50_000)
        }
    }
}

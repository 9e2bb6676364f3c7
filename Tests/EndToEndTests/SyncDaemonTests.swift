import Foundation
import HubSpotSimulator
import LeadSyncJournal
import LeadSyncTestKit
import LeadSyncWorkload
import Testing

/// `sync --follow --listen`: the real binary serving /livez, /readyz, /metrics and /status on
/// loopback while it drains into the simulator over real HTTP.
@Suite(.hangGuard) struct SyncDaemonTests {
    typealias Fixture = SyncCommandTests.Fixture

    /// A following sync with `--listen 127.0.0.1:0`, and the port it logged.
    struct Daemon {
        let process: RunningProcess
        let port: Int

        init(_ fixture: Fixture, _ arguments: [String] = [], environment: [String: String] = [:]) throws {
            process = try fixture.cli.executable.start(
                ["sync", "--follow", "--listen", "127.0.0.1:0"] + arguments,
                environment: fixture.environment.merging(
                    ["LEADSYNC_DB": fixture.cli.db, "LEADSYNC_SYNCHRONOUS": "normal"].merging(environment) { $1 }
                ) { $1 })
            var port: Int?
            while port == nil, let line = process.nextErrorLine() {
                if line.contains("listening"),
                    let address = line.split(separator: " ").last(where: { $0.hasPrefix("address=") })
                {
                    port = address.split(separator: ":").last.flatMap { Int($0) }
                }
            }
            self.port = try #require(port, "the sync logged no listening address")
        }

        func get(_ path: String) throws -> LoopbackHTTPClient.Response {
            try LoopbackHTTPClient(port: port).send("GET", path)
        }

        /// The scrape, parsed: `name{labels}` → value. Every line must be a comment or a sample.
        func metrics() throws -> [String: Double] {
            let response = try get("/metrics")
            #expect(response.status == 200)
            #expect(response.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
            var samples: [String: Double] = [:]
            for line in response.text.split(separator: "\n") where !line.hasPrefix("#") {
                let parts = line.split(separator: " ")
                guard parts.count == 2, let value = Double(parts[1]) ?? (parts[1] == "+Inf" ? .infinity : nil) else {
                    Issue.record("not a Prometheus sample: \(line)")
                    continue
                }
                samples[String(parts[0])] = value
            }
            return samples
        }

        func waitUntil(_ condition: () throws -> Bool) throws { try SyncCommandTests().waitUntil(condition) }

        /// Sends SIGTERM: the exit status, or nil when the process took more than 2 s.
        func terminate() -> Int32? { SyncStopTests.stop(process, with: SIGTERM) }
    }

    static func changes(leads: Int, seed: UInt64) -> [GeneratedChange] {
        var spec = WorkloadSpec(leads: leads, changes: leads * 2, seed: seed)
        spec.noEmailShare = 0
        spec.invalidShare = 0
        spec.lateShare = 0
        return Array(LeadSetGenerator(spec))
    }

    @Test func metricsAndStatusAreServedWhileItDrains() async throws {
        try await onOwnThread {
            let fixture = try Fixture()
            defer { fixture.simulator.stop() }
            let changes = Self.changes(leads: 200, seed: 21)
            try fixture.ingest(changes)
            let daemon = try Daemon(fixture)
            defer { daemon.process.kill() }
            try daemon.waitUntil { try daemon.metrics()["leadsync_pending_leads"] == 0 }
            try daemon.waitUntil { try daemon.get("/readyz").status == 200 }

            let metrics = try daemon.metrics()
            let expected = ExpectedContacts(changes, mappings: Mapping.defaultProperties)
            #expect(fixture.simulator.contacts().count == expected.contacts.count)
            #expect(metrics["leadsync_delivered_leads_total"] == Double(expected.contacts.count))
            #expect(metrics["leadsync_rejected_values_total"] == 0)
            #expect(metrics["leadsync_ready"] == 1 && metrics["leadsync_stalled"] == 0)
            let answered = metrics.filter { $0.key.hasPrefix("leadsync_hubspot_requests_total{") }.values.reduce(0, +)
            #expect(answered == Double(fixture.simulator.counters().totalRequests))
            #expect(metrics["leadsync_hubspot_request_duration_seconds_count"] == answered)
            #expect(metrics["leadsync_hubspot_requests_total{status=\"200\"}"] ?? 0 >= 3)
            #expect(metrics["leadsync_oldest_pending_age_seconds"] == 0)
            #expect((metrics["leadsync_journal_bytes"] ?? 0) > 0)
            #expect(metrics["leadsync_paused{reason=\"reconnection\"}"] == 0)

            // /status is `status --json`.
            let served = try JSONSerialization.jsonObject(with: Data(try daemon.get("/status").body)) as? NSDictionary
            let (_, printed) = try fixture.cli.json("status", environment: fixture.environment)
            #expect(served == printed as? NSDictionary)
            #expect(served?["stalled_since"] is NSNull)

            #expect(try daemon.get("/livez").status == 200)
            #expect(try daemon.get("/nothing").status == 404)
            #expect(daemon.terminate() == 0)
        }
    }

    @Test func readyzFlipsWhenAccessIsRevokedAndBackAfterANewConnect() async throws {
        try await onOwnThread {
            let fixture = try Fixture()
            defer { fixture.simulator.stop() }
            let url = ["LEADSYNC_HUBSPOT_URL": fixture.simulator.baseURL]
            func connect(_ token: String) throws {
                let result = try fixture.cli.run(
                    ["connect", "--token", "-"], environment: url, stdin: Data(token.utf8))
                #expect(result.status == 0, "\(result.stderr)")
            }
            // Stored credentials (not LEADSYNC_TOKEN), so a new connect reaches the running sync.
            try connect(fixture.token)
            try fixture.ingest(Self.changes(leads: 20, seed: 22))
            let daemon = try Daemon(fixture, environment: ["LEADSYNC_TOKEN": ""])
            defer { daemon.process.kill() }
            try daemon.waitUntil { try daemon.get("/readyz").status == 200 }

            fixture.simulator.revokeToken(fixture.token)
            try fixture.ingest(Self.changes(leads: 5, seed: 23))
            try daemon.waitUntil {
                let readyz = try daemon.get("/readyz")
                return readyz.status == 503 && readyz.text.contains("reconnected")
            }
            #expect(try daemon.metrics()["leadsync_paused{reason=\"reconnection\"}"] == 1)
            #expect(try daemon.get("/livez").status == 200, "alive while paused: nothing to restart")

            fixture.simulator.registerToken("pat-na1-rotated")
            try connect("pat-na1-rotated")
            try daemon.waitUntil { try daemon.get("/readyz").status == 200 }
            try daemon.waitUntil { try daemon.metrics()["leadsync_pending_leads"] == 0 }
            #expect(try daemon.metrics()["leadsync_paused{reason=\"reconnection\"}"] == 0)
            #expect(daemon.terminate() == 0)
        }
    }

    @Test func readyzFlipsOnAStallAndBackWhenDeliveryResumes() async throws {
        try await onOwnThread {
            let fixture = try Fixture()
            defer { fixture.simulator.stop() }
            // The property definitions (request 1) are answered; every batch after them fails.
            fixture.simulator.injectFault(.status(503), onRequest: 2, persistent: true)
            try fixture.ingest(Self.changes(leads: 20, seed: 24))
            let daemon = try Daemon(fixture, ["--stall-after", "1s"])
            defer { daemon.process.kill() }
            try daemon.waitUntil {
                let readyz = try daemon.get("/readyz")
                return readyz.status == 503 && readyz.text.contains("stalled")
            }
            #expect(try daemon.metrics()["leadsync_stalled"] == 1)
            let (_, stalled) = try fixture.cli.json("status", environment: fixture.environment)
            #expect((stalled as? [String: Any])?["stalled_since"] is String)
            var warned = false
            while !warned, let line = daemon.process.nextErrorLine() {
                warned = line.contains("warning") && line.contains("stalled")
            }
            #expect(warned, "a warning is logged")

            fixture.simulator.clearFaults()
            try daemon.waitUntil { try daemon.get("/readyz").status == 200 }
            #expect(try daemon.metrics()["leadsync_stalled"] == 0)
            let (_, cleared) = try fixture.cli.json("status", environment: fixture.environment)
            #expect((cleared as? [String: Any])?["stalled_since"] is NSNull)
            #expect(daemon.terminate() == 0)
        }
    }

    @Test func sigtermDuringADrainExitsWithinTwoSecondsAndLosesNothing() async throws {
        try await onOwnThread {
            // 5 requests a second: 600 leads take over a second of batches, so the signal lands mid-drain.
            let fixture = try Fixture { $0.rateLimit = .init(max: 5, intervalMilliseconds: 1_000) }
            defer { fixture.simulator.stop() }
            let changes = Self.changes(leads: 600, seed: 25)
            try fixture.ingest(changes)
            let daemon = try Daemon(fixture)
            defer { daemon.process.kill() }
            try daemon.waitUntil { fixture.simulator.contacts().count >= 150 }
            #expect(daemon.terminate() == 0)
            #expect(fixture.simulator.contacts().count < 600, "stopped mid-drain")

            let again = try fixture.sync("--once")
            #expect(again.status == 0, "\(again.stderr)")
            let expected = ExpectedContacts(changes, mappings: Mapping.defaultProperties)
            #expect(fixture.simulator.contactsByEmail(properties: expected.properties) == expected.contacts)
        }
    }
}

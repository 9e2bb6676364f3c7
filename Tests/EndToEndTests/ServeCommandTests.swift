import Foundation
import HubSpotSimulator
import LeadSyncJournal
import LeadSyncPostgres
import LeadSyncTestKit
import Synchronization
import Testing

/// `leadsync serve` (issue 14, decision 0028): real worker processes leasing the tenants of a
/// PostgreSQL store and draining each into its own private app of one simulator.
@Suite(.hangGuard) struct ServeCommandTests {
    static let key = String(repeating: "5e", count: 32)

    /// A store of tenants `t1`…, each with leads of its own email domain, connected with its own
    /// private app's token (the app named after the tenant, so the simulator's request log
    /// tells whose each request was), and what HubSpot must hold for each once drained.
    final class Fleet: Sendable {
        let store: String
        let simulator: HubSpotSimulator
        let executable: BuiltExecutable
        let tenants: [String]
        let expected: [String: [String: [String: String]]]
        /// The simulator's request log (`--request-log`'s lines), with when each was written.
        let log = Mutex<[(at: ContinuousClock.Instant, line: String)]>([])

        init(tenants count: Int, leads: Int, latencyMilliseconds: Int = 0) throws {
            store = try PostgresServer.shared().createDatabase()
            executable = try BuiltExecutable.named("leadsync")
            simulator = try HubSpotSimulator.started(token: "pat-na1-unused") {
                $0.rateLimit = nil
                $0.dailyLimit = nil
                $0.latencyMilliseconds = latencyMilliseconds
            }.simulator
            tenants = (1...count).map { "t\($0)" }
            var expected: [String: [String: [String: String]]] = [:]
            for tenant in tenants {
                simulator.registerToken("pat-na1-\(tenant)", app: tenant)
                var lines: [String] = []
                for index in 0..<leads {
                    let email = "l\(index)@\(tenant).example.com"
                    lines.append(
                        #"{"lead":"L-\#(index)","at":\#(1_700_000_000_000 + index),"fields":{"email":"\#(email)","first_name":"A\#(index)"}}"#
                    )
                    var contact = ["email": email, "firstname": "A\(index)"]
                    if index % 3 == 0 {
                        lines.append(
                            #"{"lead":"L-\#(index)","at":\#(1_700_000_100_000 + index),"fields":{"first_name":"B\#(index)","company":"C-\#(tenant)"}}"#
                        )
                        contact["firstname"] = "B\(index)"
                        contact["company"] = "C-\(tenant)"
                    }
                    expected[tenant, default: [:]][email] = contact
                }
                for arguments in [
                    ["init"], ["ingest"], ["connect", "--token", "-", "--hubspot-url", simulator.baseURL],
                ] {
                    let input = arguments == ["ingest"] ? lines.joined(separator: "\n") : "pat-na1-\(tenant)\n"
                    let result = try executable.run(
                        arguments, environment: Self.environment(store: store, tenant: tenant), stdin: Data(input.utf8))
                    guard result.status == 0 else { throw SetupFailed(command: arguments, stderr: result.stderr) }
                }
            }
            self.expected = expected
            simulator.logRequests { [weak self] line in self?.log.withLock { $0.append((ContinuousClock.now, line)) } }
        }

        deinit { simulator.stop() }

        struct SetupFailed: Error {
            let command: [String]
            let stderr: String
        }

        func environment(tenant: String?) -> [String: String] { Self.environment(store: store, tenant: tenant) }

        static func environment(store: String, tenant: String?) -> [String: String] {
            var environment = [
                "LEADSYNC_STORE": store, "LEADSYNC_CREDENTIALS_KEY": ServeCommandTests.key, "LEADSYNC_TOKEN": "",
                "LEADSYNC_DB": "/nonexistent/unused.db",
            ]
            if let tenant { environment["LEADSYNC_TENANT"] = tenant }
            return environment
        }

        /// `leadsync serve` as worker `name`, with a lease of `lease`.
        func worker(_ name: String, lease: String = "3s", _ arguments: [String] = []) throws -> RunningProcess {
            try executable.start(
                ["serve", "--worker", name, "--lease", lease, "--tenants-at-once", "2"] + arguments,
                environment: environment(tenant: nil))
        }

        /// What the simulator holds for `tenant`'s contacts (its email domain).
        func contacts(of tenant: String) -> [String: [String: String]] {
            simulator.contactsByEmail(properties: ["email", "firstname", "company"])
                .filter { $0.key.hasSuffix("@\(tenant).example.com") }
        }

        var drained: Bool { tenants.allSatisfy { contacts(of: $0) == expected[$0] } }

        /// Waits until `condition` holds; false after `seconds`.
        func wait(seconds: Double, _ condition: () -> Bool) -> Bool {
            let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
            while !condition() {
                guard ContinuousClock.now < deadline else { return false }
                usleep(50_000)
            }
            return true
        }
    }

    @Test func aWorkerDrainsEveryTenantServesMetricsAndReleasesItsLeasesOnSigterm() throws {
        let fleet = try Fleet(tenants: 3, leads: 40)
        let worker = try fleet.worker("w1", lease: "15s", ["--listen", "127.0.0.1:0"])
        var port: Int?
        while port == nil, let line = worker.nextErrorLine() {
            if line.contains("listening"),
                let address = line.split(separator: " ").last(where: { $0.hasPrefix("address=") })
            {
                port = address.split(separator: ":").last.flatMap { Int($0) }
            }
        }
        let listening = try #require(port, "serve logged no listening address")
        #expect(fleet.wait(seconds: 30) { fleet.drained })
        let client = LoopbackHTTPClient(port: listening)
        #expect(try client.send("GET", "/livez").status == 200)
        #expect(try client.send("GET", "/readyz").status == 200)
        // A drain's figures are recorded once its last answer is: HubSpot may hold the contacts a moment before.
        var metrics = ""
        #expect(
            fleet.wait(seconds: 10) {
                metrics = (try? client.send("GET", "/metrics").text) ?? ""
                return metrics.contains("leadsync_serve_contacts_delivered_total 120")
            })
        for tenant in fleet.tenants {
            #expect(metrics.contains(#"leadsync_serve_tenant_contacts_delivered_total{tenant="\#(tenant)"} 40"#))
        }

        // SIGTERM: exit 0 within 2 s, every lease released: a second worker drains new work of
        // a tenant at once, not after the first one's 15 s lease.
        #expect(ServeCommandTests.stop(worker, with: SIGTERM) == 0)
        let more = #"{"lead":"L-new","at":1700000200000,"fields":{"email":"new@t1.example.com","first_name":"N"}}"#
        #expect(
            try fleet.executable.run(["ingest"], environment: fleet.environment(tenant: "t1"), stdin: Data(more.utf8))
                .status == 0)
        let next = try fleet.worker("w2", lease: "60s")
        defer { _ = ServeCommandTests.stop(next, with: SIGKILL) }
        #expect(fleet.wait(seconds: 10) { fleet.contacts(of: "t1")["new@t1.example.com"] != nil })
    }

    /// `--rate-limit` and `--daily-limit` cap every tenant's requests, as they cap `sync`'s:
    /// serve used to build each tenant's pacer from the defaults alone, and drained all 300
    /// leads here. With a daily limit of 2 the drain stops at the limit, with leads left.
    @Test func theRequestLimitsGivenCapEveryTenantsDrain() throws {
        let fleet = try Fleet(tenants: 1, leads: 300)
        let worker = try fleet.worker("w1", lease: "15s", ["--daily-limit", "2"])
        defer { _ = Self.stop(worker, with: SIGKILL) }
        var ending: String?
        while ending == nil, let line = worker.nextErrorLine() {
            if line.contains("tenant drained") || line.contains("tenant drain failed") { ending = line }
        }
        #expect(ending?.contains("ending=HubSpot daily limit reached") == true, "\(ending ?? "no drain ended")")
        #expect(fleet.log.withLock { $0.count } <= 2)
        #expect(fleet.contacts(of: "t1").count < 300)
    }

    /// Sends `signal`: the exit status, or nil when the process took more than 2 s.
    static func stop(_ process: RunningProcess, with signal: Int32) -> Int32? {
        kill(process.pid, signal)
        defer {
            process.kill()
            process.wait()
        }
        return process.wait(atMost: 2)
    }
}

extension ServeCommandTests {
    /// Issue 14's failover proof at CI size: three workers, six tenants, a worker killed with
    /// SIGKILL mid-drain. Its tenants wait for their leases to expire (nobody else writes to
    /// them meanwhile), are taken over, and every tenant ends exactly as its input says.
    @Test func aKilledWorkersTenantsAreTakenOverAfterTheirLeaseAndEveryTenantEndsExact() throws {
        // 6 × (200 + 67) = 1,602 changes; latency so that a drain lasts long enough to be cut.
        let fleet = try Fleet(tenants: 6, leads: 200, latencyMilliseconds: 150)
        let address = try PostgresStoreAddress(parsing: fleet.store)
        let store = try Blocking.run { try await PostgresStore.open(address) }
        let workers = try ["w1", "w2", "w3"].map { try fleet.worker($0, lease: "3s") }
        defer { for worker in workers.dropFirst() { _ = Self.stop(worker, with: SIGKILL) } }
        let writing = fleet.wait(seconds: 30) {
            fleet.log.withLock { $0.contains { $0.line.contains("contacts.batch") } }
        }
        #expect(writing)
        workers[0].kill()
        let killed = ContinuousClock.now
        #expect(!fleet.drained)
        // When each lease w1 held runs out, read from the lease rows (on the server's clock) just
        // after the kill: a heartbeat that came late under load makes it sooner than 3 s.
        let tenants = fleet.tenants
        let held = try Blocking.run {
            var held: [String: Double] = [:]
            for tenant in tenants {
                if let holder = try await store.leases(worker: "test").holder(of: tenant), holder.owner == "w1" {
                    held[tenant] = holder.seconds
                }
            }
            await store.close()
            return held
        }
        let leaseEnds = held.mapValues { killed + .milliseconds(Int64($0 * 1000)) }

        // The tenants w1 had leased and not finished: its log up to the kill.
        var leased: Set<String> = []
        var finished: Set<String> = []
        while let line = workers[0].nextErrorLine() {
            guard let tenant = line.split(separator: " ").first(where: { $0.hasPrefix("tenant=") })?.dropFirst(7)
            else { continue }
            if line.contains("tenant leased") { leased.insert(String(tenant)) }
            if line.contains("tenant drained") { finished.insert(String(tenant)) }
        }
        workers[0].wait()
        let cut = leased.subtracting(finished)
        #expect(!cut.isEmpty, "w1 was killed with no drain under way")

        #expect(fleet.wait(seconds: 30) { fleet.drained })
        let takeOver = ContinuousClock.now - killed
        #expect(takeOver < .seconds(30))
        print(
            "serve failover: killed w1 holding \(cut.sorted()) mid-drain; every tenant exact \(takeOver) after the kill"
        )
        // No other worker wrote to a cut tenant while w1's lease on it was current: the first of
        // its requests after the kill (and after w1's last answers, 0.5 s) comes once that lease
        // ran out (at most 3 s after the kill: w1's last heartbeat came before it).
        let lines = fleet.log.withLock { $0 }
        for tenant in cut {
            let after = lines.filter { $0.at > killed + .milliseconds(500) && $0.line.hasSuffix(" \(tenant)") }
            let first = try #require(after.first, "nobody took \(tenant) over")
            let leaseEnd = try #require(leaseEnds[tenant], "w1 held no lease on \(tenant) at the kill")
            #expect(leaseEnd - killed <= .seconds(3))
            #expect(first.at >= leaseEnd, "\(tenant) written again before w1's lease ran out")
        }
        for worker in workers.dropFirst() { #expect(Self.stop(worker, with: SIGTERM) == 0) }
    }
}

extension ServeCommandTests {
    /// serve pulls as it drains (decision 0036): a tenant that has pulled is pulled again in its
    /// turn, `--pull-every` after its last pull, so a contact edited in HubSpot reaches the
    /// tenant's lead with no `leadsync pull` run; a tenant that never pulled is not pulled.
    @Test func aContactEditedInHubSpotReachesItsTenantsLeadThroughServe() throws {
        let fleet = try Fleet(tenants: 2, leads: 6)
        let t1 = fleet.environment(tenant: "t1")
        #expect(try fleet.executable.run(["sync", "--once"], environment: t1).status == 0)
        let pulled = try fleet.executable.run(["pull", "--json"], environment: t1)
        #expect(pulled.status == 0, "\(pulled.stderr)")
        let contact = try #require(fleet.simulator.contacts().first { $0.properties["email"] == "l0@t1.example.com" })
        #expect(fleet.simulator.editContact(id: contact.id, properties: ["firstname": "Edited"]))

        let worker = try fleet.worker("w1", lease: "15s", ["--pull-every", "1s"])
        defer { _ = ServeCommandTests.stop(worker, with: SIGKILL) }
        func firstName(_ lead: String, of environment: [String: String]) -> String? {
            guard let shown = try? fleet.executable.run(["lead", "show", lead, "--json"], environment: environment),
                let lead = try? JSONSerialization.jsonObject(with: shown.stdout) as? [String: Any]
            else { return nil }
            return (lead["fields"] as? [String: Any])?["first_name"] as? String
        }
        #expect(fleet.wait(seconds: 30) { firstName("L-0", of: t1) == "Edited" })
        // t2 has work to push (t1's was pushed by the sync above): the worker drains it too.
        #expect(fleet.wait(seconds: 30) { fleet.contacts(of: "t2") == fleet.expected["t2"] })
        #expect(ServeCommandTests.stop(worker, with: SIGTERM) == 0)

        for (tenant, pulls) in [("t1", true), ("t2", false)] {
            let shown = try fleet.executable.run(
                ["config", "show", "--json"], environment: fleet.environment(tenant: tenant))
            let settings = try #require(
                (try JSONSerialization.jsonObject(with: shown.stdout) as? [String: Any])?["settings"] as? [String: Any])
            #expect((settings["last_pull_at"] != nil) == pulls, "\(tenant)")
        }
    }
}

extension ServeCommandTests {
    /// `sync --once` on a tenant a `serve` worker is draining (decision 0037): the sync exits 1
    /// at once naming the worker, and HubSpot receives each lead's record once (without the
    /// lease, both drained it: 1,200 records for 600 leads). The latency keeps the worker's drain
    /// under way for seconds after it leased the tenant, while the sync starts.
    @Test func aSyncBesideAServeWorkerNeverSendsATenantsChangesTwice() throws {
        let fleet = try Fleet(tenants: 1, leads: 600, latencyMilliseconds: 1_500)
        let worker = try fleet.worker("w1", lease: "15s")
        defer { _ = ServeCommandTests.stop(worker, with: SIGKILL) }
        while let line = worker.nextErrorLine(), !line.contains("tenant leased") {}
        let sync = try fleet.executable.run(["sync", "--once"], environment: fleet.environment(tenant: "t1"))
        #expect(sync.status == 1 && sync.stderr.contains("w1"), "\(sync.stderr)")
        #expect(fleet.wait(seconds: 60) { fleet.drained })
        #expect(fleet.simulator.counters().recordsReceived == 600)
        #expect(ServeCommandTests.stop(worker, with: SIGTERM) == 0)
    }
}

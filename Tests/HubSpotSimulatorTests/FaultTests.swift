import HubSpotSimulator
import LeadSyncHTTPServer
import LeadSyncTestKit
import Testing

@Suite("Faults and latency")
struct FaultTests {
    @Test func failTheNthRequestOnceOrFromThenOn() throws {
        let harness = try SimulatorHarness { $0.rateLimit = nil }
        defer { harness.stop() }
        harness.simulator.injectFault(.status(503), onRequest: 2)
        let client = harness.client()
        let statuses = try (0..<4).map { _ in
            try client.json("GET", ContactInputs.contacts, token: harness.token).status
        }
        #expect(statuses == [200, 503, 200, 200])

        harness.simulator.injectFault(.status(502), onRequest: 2, persistent: true, path: "contacts.batch.read")
        let reads = try (0..<4).map { _ in
            try client.json(
                "POST", ContactInputs.contacts + "/batch/read", token: harness.token,
                body: ["inputs": [[String: Any]]()]
            ).status
        }
        #expect(reads == [200, 502, 502, 502])
        #expect(try client.json("GET", ContactInputs.contacts, token: harness.token).status == 200)
        harness.simulator.clearFaults()
        #expect(
            try client.json(
                "POST", ContactInputs.contacts + "/batch/read", token: harness.token,
                body: ["inputs": [[String: Any]]()]
            ).status == 200)
        #expect(harness.simulator.counters().faultsInjected == 4)
    }

    @Test func resetAndHangDropTheConnectionWithoutAnswer() throws {
        let harness = try SimulatorHarness()
        defer { harness.stop() }
        let client = harness.client()
        harness.simulator.injectFault(.reset)
        #expect(throws: LoopbackHTTPClient.Failure.reset) {
            try client.json("GET", ContactInputs.contacts, token: harness.token)
        }
        harness.simulator.injectFault(.hang(milliseconds: 50))
        #expect(throws: LoopbackHTTPClient.Failure.closed) {
            try client.json("GET", ContactInputs.contacts, token: harness.token)
        }
        #expect(try client.json("GET", ContactInputs.contacts, token: harness.token).status == 200)
        #expect(harness.simulator.counters().count("contacts.list", status: 0) == 2)
    }

    @Test func appliedFaultsWriteBeforeFailingAndUnappliedDoNot() throws {
        let harness = try SimulatorHarness()
        defer { harness.stop() }
        let client = harness.client()
        harness.simulator.injectFault(.status(500), path: "/crm/v3/objects/contacts/batch/upsert", applied: false)
        let lost = try client.json(
            "POST", ContactInputs.contacts + "/batch/upsert", token: harness.token,
            body: ContactInputs.batch([ContactInputs.upsert("a@example.com")]))
        #expect(lost.status == 500)
        #expect(harness.simulator.contacts().isEmpty)
        harness.simulator.injectFault(.reset, path: "/crm/v3/objects/contacts/batch/upsert", applied: true)
        #expect(throws: LoopbackHTTPClient.Failure.reset) {
            try client.json(
                "POST", ContactInputs.contacts + "/batch/upsert", token: harness.token,
                body: ContactInputs.batch([ContactInputs.upsert("a@example.com")]))
        }
        #expect(harness.simulator.contacts().count == 1)
    }

    @Test func randomFaultsAreReproducibleFromTheSeed() throws {
        func run() throws -> [Int] {
            let harness = try SimulatorHarness {
                $0.rateLimit = nil
                $0.seed = 42
                $0.faults.serverErrorRate = 0.2
                $0.faults.rateLimitRate = 0.1
            }
            defer { harness.stop() }
            let client = harness.client()
            return try (0..<60).map { _ in try client.json("GET", ContactInputs.contacts, token: harness.token).status }
        }
        let first = try run()
        #expect(first == (try run()))
        #expect(first.contains { $0 >= 500 })
        #expect(first.contains(429))
        #expect(first.filter { $0 == 200 }.count > 30)
    }

    @Test func slowFaultAnswersLateButNormally() throws {
        let harness = try SimulatorHarness()
        defer { harness.stop() }
        let client = harness.client()
        harness.simulator.injectFault(.slow(milliseconds: 150), path: "contacts.batch.upsert")
        let start = ContinuousClock.now
        let answer = try client.json(
            "POST", ContactInputs.contacts + "/batch/upsert", token: harness.token,
            body: ContactInputs.batch([ContactInputs.upsert("slow@example.com")]))
        #expect(ContinuousClock.now - start >= .milliseconds(150))
        #expect(answer.status == 200)
        #expect(harness.simulator.contact(email: "slow@example.com") != nil)
    }

    @Test func gatewayErrorsAreHtmlAndLatencyDelaysAnswers() throws {
        let harness = try SimulatorHarness()
        defer { harness.stop() }
        let client = harness.client()
        harness.simulator.injectFault(.status(502))
        let gateway = try client.json("GET", ContactInputs.contacts, token: harness.token)
        #expect(gateway.header("Content-Type") == "text/html")
        #expect(gateway.text.contains("cloudflare"))
        harness.simulator.updateConfiguration {
            $0.latencyMilliseconds = 120
            $0.jitterMilliseconds = 60
        }
        let start = ContinuousClock.now
        _ = try client.json("GET", ContactInputs.contacts, token: harness.token)
        #expect(ContinuousClock.now - start >= .milliseconds(60), "the latency (120 ± 60 ms) is really slept")
    }

    /// The latency each answer is given, read from the answer itself (no clock): a seeded uniform
    /// draw in latency ± jitter that varies from answer to answer. `--latency-ms 150 --jitter-ms
    /// 50` ran at 150–200 ms while every document (and the demo's summary) said 150 ± 50 ms.
    @Test func jitterDrawsEachAnswersLatencyEitherWayWithinItsBound() throws {
        let harness = try SimulatorHarness { $0.rateLimit = nil }
        defer { harness.stop() }
        func delays(latency: Int = 120, jitter: Int) -> [Int] {
            harness.simulator.updateConfiguration {
                $0.latencyMilliseconds = latency
                $0.jitterMilliseconds = jitter
            }
            let request = HTTPServerRequest(
                method: "GET", path: ContactInputs.contacts, headers: [("Authorization", "Bearer \(harness.token)")])
            return (0..<50).map { _ in
                switch harness.simulator.handle(request).disposition {
                case .delay(let milliseconds): milliseconds
                case .respond: 0
                default: -1
                }
            }
        }
        #expect(Set(delays(jitter: 0)) == [120])
        let jittered = delays(jitter: 60)
        #expect(jittered.allSatisfy { (60...180).contains($0) }, "\(jittered)")
        #expect(jittered.contains { $0 < 120 } && jittered.contains { $0 > 120 }, "either way: \(jittered)")
        #expect(Set(jittered).count >= 10, "jitter should vary the latency: \(jittered)")
        let clamped = delays(latency: 10, jitter: 50)
        #expect(clamped.allSatisfy { (0...60).contains($0) } && clamped.contains(0), "never below 0: \(clamped)")
    }
}

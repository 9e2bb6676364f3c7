import Foundation
import HubSpotSimulator
import LeadSyncJournal
import LeadSyncSupport
import LeadSyncTestKit
import LeadSyncWorkload
import Synchronization
import Testing

/// Reliability suite, item 4: seeded fault mixes end exact without wasting requests.
///
/// Each seed runs one story through the `leadsync` executable — OAuth connect, ingest,
/// `sync --once`, the grant revoked (the next sync exits 3), more changes, reconnect,
/// `sync --once` — on one workload (2,000 changes over 2,000 leads, `LEADSYNC_FAULT_WORKLOAD`
/// chooses it), which also runs once fault-free for the baseline. The seed's mix: 5xx answers, resets and hangs, all three applied
/// server-side before the answer is lost; a burst of 429s (answered with `Retry-After: 1`, so a
/// run waits one second for it, not ten); 2-second access tokens, one of them also ended early by
/// HubSpot during the first or the last sync. The faulted run must end with HubSpot holding exactly the state
/// computed from the input; every request beyond the fault-free run's must be paid for by an
/// injected failure (2 spare), and the total stays within 1.6 times the fault-free run's requests
/// wherever the injected failures allow it. Requests are the
/// API's (contacts, properties, account, failed ones included); calls to the OAuth token
/// endpoint are counted apart, since with 2-second tokens their number follows the run's
/// duration (a refresh every second or so), not its work.
///
/// `LEADSYNC_FAULT_SEEDS` (default 50) seeds from `LEADSYNC_FAULT_FIRST_SEED` (default 1);
/// `scripts/fault-mix.sh` runs 1,000 and prints the figures.
@Suite(.hangGuard) struct FaultMixTests {
    static let environment = ProcessInfo.processInfo.environment
    static let seeds: [UInt64] = {
        let first = environment["LEADSYNC_FAULT_FIRST_SEED"].flatMap(UInt64.init) ?? 1
        let count = environment["LEADSYNC_FAULT_SEEDS"].flatMap(UInt64.init) ?? 50
        return Array(first..<(first + count))
    }()
    /// Stories run at once. Default 6: a story mostly waits (backoff, Retry-After, processes
    /// starting), so more of them than cores keep the machine busy.
    static let parallel = environment["LEADSYNC_FAULT_PARALLEL"].flatMap(Int.init) ?? 6
    static let workload = environment["LEADSYNC_FAULT_WORKLOAD"].flatMap(UInt64.init) ?? 23

    @Test func seededFaultMixesEndExact() async throws {
        // The stories block on child processes: they run on threads of their own, so this test
        // holds none of the few threads Swift's concurrency pool shares among the other tests.
        let runs: [UInt64?] = [nil] + Self.seeds
        let results = Mutex<[UInt64?: Result<FaultMixStory.Outcome, any Error>]>([:])
        let next = Mutex(0)
        let finished = DispatchGroup()
        for _ in 0..<Self.parallel {
            finished.enter()
            Thread {
                defer { finished.leave() }
                // Outer nil: no run left; inner nil: the fault-free run.
                while let run = next.withLock({ index -> UInt64?? in
                    defer { index += 1 }
                    guard index < runs.count else { return .none }
                    return .some(runs[index])
                }) {
                    let result = Result { try FaultMixStory(workload: Self.workload, faultSeed: run).run() }
                    results.withLock { $0[run] = result }
                }
            }.start()
        }
        await withCheckedContinuation { done in finished.notify(queue: .global()) { done.resume() } }

        let clean = try #require(results.withLock { $0[nil] }).get()
        for problem in clean.problems { Issue.record("fault-free: \(problem)") }
        #expect(clean.exact, "fault-free run not exact")
        var ratios: [Double] = []
        var noRoom: [UInt64] = []
        for (seed, result) in results.withLock({ $0 }).compactMap({ run, result in run.map { ($0, result) } })
            .sorted(by: { $0.0 < $1.0 })
        {
            let faulted = try result.get()
            for problem in faulted.problems { Issue.record("seed \(seed): \(problem)") }
            #expect(faulted.exact, "seed \(seed): HubSpot differs from the expected state")
            let ratio = Double(faulted.requests) / Double(clean.requests)
            ratios.append(ratio)
            // Every request beyond the fault-free run must be one an injected failure explains: each
            // costs at most one more request. A 401 is injected when it refused a token HubSpot ended
            // early (every request then in flight gets one: up to 14 at once); a 401 for a token that
            // simply expired is the client's waste (a token refreshed too late, expiring in transit).
            // The 2 spare requests are the slack of a story whose retries and reads are timed, not
            // counted (a 429 burst can save an account read).
            let injected = faulted.injectedFailures - clean.injectedFailures
            let unpaid = faulted.requests - clean.requests - injected
            #expect(unpaid <= 2, "seed \(seed): \(unpaid) requests beyond fault-free that no fault explains")
            // Issue 13's 1.6× holds wherever the injected failures allow it: when they alone exceed
            // 0.6× the fault-free requests (a token ended early under many batches in flight), no
            // client could meet it, and `unpaid` is the check. Not seen in 250 seeds under load.
            if Double(injected) <= 0.6 * Double(clean.requests) {
                #expect(ratio <= 1.6, "seed \(seed): \(faulted.requests) requests vs \(clean.requests) fault-free")
            } else {
                noRoom.append(seed)
            }
            print(
                "fault mix seed \(seed): requests \(faulted.requests) vs \(clean.requests) fault-free (×\(String(format: "%.2f", ratio))), faults \(faulted.faults), token calls \(faulted.tokenCalls) vs \(clean.tokenCalls), 401s of tokens ended early \(faulted.refusedEndedEarly) vs \(clean.refusedEndedEarly), unpaid \(unpaid), exact \(faulted.exact); failed: \(faulted.unsuccessful.joined(separator: ", ")); succeeded unlike fault-free: \(faulted.successesUnlike(clean))"
            )
        }
        ratios.sort()
        if let worst = ratios.last {
            print(
                "fault mix: workload \(Self.workload), \(clean.requests) requests fault-free; \(ratios.count) seeds from \(Self.seeds.first ?? 0), request ratio median \(String(format: "%.2f", ratios[ratios.count / 2])), p99 \(String(format: "%.2f", ratios[ratios.count * 99 / 100])), max \(String(format: "%.2f", worst)); ratio not checked (injected failures over 0.6×) in seeds \(noRoom)"
            )
        }
    }
}

/// One run of the story; see ``FaultMixTests``.
struct FaultMixStory {
    struct Outcome {
        var exact = false
        var requests = 0
        var faults = 0
        var refreshes = 0
        /// Calls to the OAuth token endpoint (code exchanges and refreshes, failed ones included).
        var tokenCalls = 0
        /// The API requests HubSpot did not answer with success, by endpoint and status (0: no answer).
        var unsuccessful: [String] = []
        /// Successful API requests by endpoint.
        var successful: [String: Int] = [:]
        /// API requests failed by an injected fault: no answer, 429, 5xx, and the 401s of tokens
        /// HubSpot ended early (not those of tokens that simply expired).
        var injectedFailures = 0
        /// Of those, the 401s of tokens HubSpot ended early.
        var refusedEndedEarly = 0

        /// The endpoints whose successful requests differ from `other`'s, with both counts.
        func successesUnlike(_ other: Outcome) -> String {
            successful.filter { $0.value != other.successful[$0.key] }.sorted { $0.key < $1.key }
                .map { "\($0.key) \($0.value) vs \(other.successful[$0.key] ?? 0)" }.joined(separator: ", ")
        }
        /// What went wrong on the way (exit codes): recorded by the caller, on the test's thread.
        var problems: [String] = []
    }

    let workload: UInt64
    /// nil: the fault-free baseline.
    let faultSeed: UInt64?
    var faults: Bool { faultSeed != nil }

    func run() throws -> Outcome {
        var outcome = Outcome()
        let seed = faultSeed ?? 0
        var random = SplitMix64(seed: seed)
        let cli = try LeadsyncCLI()
        let (simulator, _) = try HubSpotSimulator.started(token: "pat-unused") {
            $0.accessTokenLifetimeSeconds = 2
            // A 429 costs a second of waiting, not HubSpot's ten.
            $0.retryAfterSeconds = 1
            $0.seed = seed
        }
        defer { simulator.stop() }
        simulator.registerOAuthClient(id: "app-1", secret: "app-secret")
        let url = ["LEADSYNC_HUBSPOT_URL": simulator.baseURL]

        // Under faults a code exchange may fail (connect exits 1, stores nothing): run it again.
        func connect() throws {
            let redirect = "http://localhost:8976/callback"
            for _ in 0..<10 {
                let code = simulator.issueAuthorizationCode(clientId: "app-1", redirectURI: redirect)
                let result = try cli.run(
                    [
                        "connect", "--client-id", "app-1", "--client-secret", "app-secret", "--code", code,
                        "--redirect-uri", redirect,
                    ], environment: url)
                if result.status == 0 { return }
            }
            outcome.problems.append("connect failed 10 times")
        }
        func ingest(_ changes: ArraySlice<GeneratedChange>) throws {
            let lines = changes.map(\.ndjsonLine).joined(separator: "\n") + "\n"
            let result = try cli.run(["ingest"], stdin: Data(lines.utf8))
            if result.status != 0 { outcome.problems.append("ingest exited \(result.status): \(result.stderr)") }
        }
        func sync(endingATokenEarly early: Bool = false) throws -> ProcessResult {
            guard faults, early else { return try cli.run(["sync", "--once"], environment: url) }
            // HubSpot ends the token early, at a moment the seed picks.
            let done = DispatchSemaphore(value: 0)
            let after = 0.1 + Double(random.next() % 500) / 1_000
            Thread {
                if done.wait(timeout: .now() + after) == .timedOut { simulator.expireAccessTokens() }
            }.start()
            defer { done.signal() }
            return try cli.run(["sync", "--once"], environment: url)
        }

        let changes = Array(LeadSetGenerator(WorkloadSpec(leads: 2_000, changes: 2_000, seed: workload)))
        let split = 600 + Int(workload % 800)
        try connect()
        if faults {
            simulator.updateConfiguration {
                $0.faults.serverErrorRate = 0.08
                $0.faults.resetRate = 0.03
                $0.faults.hangRate = 0.03
                $0.faults.hangMilliseconds = 300
                $0.faults.applyBeforeFailing = true
            }
            let burstAt = 2 + Int(random.next() % 12)
            for offset in 0..<(2 + Int(random.next() % 3)) {
                simulator.injectFault(.rateLimit, onRequest: burstAt + offset, persistent: false)
            }
        }
        try ingest(changes[..<split])
        let earlyInFirst = random.next() % 2 == 0
        let first = try sync(endingATokenEarly: earlyInFirst)
        if first.status != 0 { outcome.problems.append("first sync exited \(first.status): \(first.stderr)") }

        // The grant dies between syncs: the next sync keeps everything pending and exits 3.
        let stored = try Data(contentsOf: URL(fileURLWithPath: cli.db + ".credentials"))
        let credentials = try JSONSerialization.jsonObject(with: stored) as? [String: Any]
        simulator.revokeRefreshToken(credentials?["refresh_token"] as? String ?? "")
        simulator.expireAccessTokens()
        try ingest(changes[split...])
        let refused = try sync()
        if refused.status != 3 {
            outcome.problems.append("revoked sync exited \(refused.status), not 3: \(refused.stderr)")
        }

        try connect()
        let last = try sync(endingATokenEarly: !earlyInFirst)
        if last.status != 0 { outcome.problems.append("last sync exited \(last.status): \(last.stderr)") }
        let expected = ExpectedContacts(changes, mappings: Mapping.defaultProperties)
        let counters = simulator.counters()
        outcome.exact = simulator.contactsByEmail(properties: expected.properties) == expected.contacts
        outcome.tokenCalls = counters.count("oauth.token")
        outcome.requests = counters.totalRequests - outcome.tokenCalls
        outcome.faults = counters.faultsInjected
        outcome.refreshes = counters.refreshes
        outcome.unsuccessful = counters.requests.filter { $0.key != "oauth.token" }.sorted { $0.key < $1.key }
            .flatMap { endpoint, statuses in
                statuses.filter { !(200..<300).contains($0.key) }.sorted { $0.key < $1.key }
                    .map { "\(endpoint) \($0.key)×\($0.value)" }
            }
        outcome.refusedEndedEarly = counters.refusedEndedEarly
        outcome.injectedFailures =
            counters.requests.filter { $0.key != "oauth.token" }.values.reduce(0) { total, statuses in
                total + statuses.filter { $0.key == 0 || $0.key == 429 || $0.key >= 500 }.values.reduce(0, +)
            } + counters.refusedEndedEarly
        outcome.successful = counters.requests.filter { $0.key != "oauth.token" }.mapValues { statuses in
            statuses.filter { (200..<300).contains($0.key) }.values.reduce(0, +)
        }
        return outcome
    }
}

import Foundation
import HubSpotAPI
import LeadSyncEngine
import LeadSyncJournal
import LeadSyncTestKit
import Synchronization
import Testing

/// The reconciler's event source, against the simulator over real HTTP: what it says happened
/// is what the journal recorded.
@Suite(.hangGuard) struct SyncEventsTests {
    static let t0: Int64 = 1_795_824_000_000

    @Test func recordedEventsAccountForEveryValueTheJournalRecorded() async throws {
        let harness = try DrainHarness()
        for index in 0..<250 {
            try await harness.record(
                "L-\(index)", ["email": .string("p\(index)@example.com"), "first_name": .string("P\(index)")],
                at: Self.t0)
        }
        let events = SyncEvents()
        let stream = events.subscribe(buffering: .unbounded)
        let report = try await harness.sync(events: events)
        events.finish()
        var delivered = Set<String>()
        var answered = 0
        for await event in stream {
            switch event {
            case .recorded(let outcomes):
                for outcome in outcomes
                where outcome.fields.contains(where: { if case .delivered = $0.result { true } else { false } }) {
                    delivered.insert(outcome.lead)
                }
            case .requestAnswered(let failure):
                #expect(failure == nil)
                answered += 1
            case .paused, .resumed, .caughtUp:
                Issue.record("unexpected \(event) in a --once drain that met no limit")
            }
        }
        #expect(report.ending == .drained)
        #expect(delivered.count == 250)
        #expect(report.summary.delivered == 250)
        #expect(answered == report.summary.requests)
    }

    @Test func aFollowingSyncReportsItsPauseForReconnectionTheResumeAndCatchingUp() async throws {
        let harness = try DrainHarness()
        let renewed = "pat-na1-renewed"
        harness.simulator.revokeToken(harness.token)
        try await harness.record("L-1", ["email": .string("ada@example.com")], at: Self.t0)
        // After the pause, the gateway reopens with the token the simulator now accepts.
        let client = harness.client(token: renewed)
        let gateway = HubSpotGateway(client: harness.client(token: harness.token)) { client }
        let events = SyncEvents()
        let stream = events.subscribe(buffering: .unbounded)
        let reconciler = harness.reconciler(events: events, gateway: gateway) {
            $0.follow = true
            $0.pollInterval = .milliseconds(20)
        }
        let seen = Mutex<[String]>([])
        async let report = reconciler.run()
        for await event in stream {
            switch event {
            case .paused(.reconnectionRequired):
                seen.withLock { $0.append("paused") }
                harness.simulator.registerToken(renewed)
            case .resumed:
                seen.withLock { $0.append("resumed") }
            case .recorded(let outcomes):
                seen.withLock { $0.append("recorded \(outcomes.map(\.lead))") }
            case .caughtUp:
                seen.withLock { $0.append("caught up") }
                reconciler.requestStop()
            case .paused(.dailyLimit), .requestAnswered:
                continue
            }
            if seen.withLock({ $0.last == "caught up" }) { break }
        }
        #expect(try await report.ending == .stopped)
        #expect(seen.withLock { $0 } == ["paused", "resumed", #"recorded ["L-1"]"#, "caught up"])
        #expect(harness.contact(email: "ada@example.com") != nil)
    }
}

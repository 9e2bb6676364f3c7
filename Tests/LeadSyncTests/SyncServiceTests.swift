import Foundation
import HubSpotSimulator
import LeadSync
import LeadSyncTestKit
import Synchronization
import Testing

/// The sync service in a `ServiceGroup`, against the simulator over real HTTP on loopback: what
/// the app recorded reaches HubSpot, the events say so, and shutdown is graceful.
@Suite(.hangGuard) struct SyncServiceTests {
    let directory: TemporaryDirectory
    let simulator: HubSpotSimulator
    let token = "pat-na1-embed"

    init() throws {
        directory = try TemporaryDirectory(prefix: "leadsync-embed")
        simulator = try HubSpotSimulator.started(token: token) {
            $0.rateLimit = nil
            $0.dailyLimit = nil
        }.simulator
    }

    func journal(_ credentials: LeadJournal.Credentials) throws -> LeadJournal {
        var configuration = LeadJournal.Configuration()
        configuration.hubSpotURL = simulator.baseURL
        configuration.pollInterval = .milliseconds(20)
        return try LeadJournal(path: directory.path("leads.db"), credentials: credentials, configuration: configuration)
    }

    /// Runs `sync` in a group beside `react`, which sees every event and returns true to end
    /// the group gracefully; returns the events seen.
    func run(_ sync: SyncService, until react: @escaping @Sendable (DeliveryEvent) async throws -> Bool) async throws
        -> [DeliveryEvent]
    {
        let events = sync.events
        let group = ServiceGroup(services: [sync], logger: Logger(label: "test"))
        return try await withThrowingTaskGroup(of: [DeliveryEvent].self) { tasks in
            tasks.addTask {
                try await group.run()
                return []
            }
            tasks.addTask {
                var seen: [DeliveryEvent] = []
                for await event in events {
                    seen.append(event)
                    if try await react(event) { await group.triggerGracefulShutdown() }
                }
                return seen
            }
            return try await tasks.reduce(into: []) { $0 += $1 }
        }
    }

    @Test func changesRecordedWhileRunningAreDeliveredAndReportedThenItStopsGracefully() async throws {
        let leads = try journal(.token(token))
        try await leads.record(lead: "L-0", fields: ["email": "l0@example.com", "first_name": "Zero"])
        let sync = leads.syncService()
        let events = try await run(sync) { event in
            if case .caughtUp = event {
                if try await leads.lead("L-1") == nil {
                    try await leads.record(lead: "L-1", fields: ["email": "l1@example.com", "phone": 5_550_100])
                    return false
                }
                return true
            }
            return false
        }
        #expect(events.contains(.delivered(lead: "L-0", fields: ["email", "first_name"])), "\(events)")
        #expect(events.contains(.delivered(lead: "L-1", fields: ["email", "phone"])), "\(events)")
        #expect(simulator.contact(email: "l1@example.com")?.properties["phone"] == "5550100")
        #expect(try await leads.status().pendingLeads == 0)
        #expect(try await leads.lead("L-0")?.remoteID == simulator.contact(email: "l0@example.com")?.id)
    }

    @Test func shutdownWhileHubSpotHangsDoesNotWaitForItsAnswerAndKeepsTheChangePending() async throws {
        // HubSpot answers after two minutes: a shutdown that waited for the answer would take that
        // long. The bound is loose because the whole suite's blocked tests can starve this one's
        // tasks for tens of seconds on 2 cores (the CLI's 2-second bound is tested on a process).
        simulator.updateConfiguration { $0.latencyMilliseconds = 120_000 }
        let leads = try journal(.token(token))
        try await leads.record(lead: "L-1", fields: ["email": "ada@example.com"])
        let group = ServiceGroup(services: [leads.syncService()], logger: Logger(label: "test"))
        let clock = ContinuousClock()
        let elapsed = try await withThrowingTaskGroup(of: Duration?.self) { tasks in
            tasks.addTask {
                try await group.run()
                return nil
            }
            // The sync's first request (HubSpot's property definitions) is out and unanswered.
            try await Task.sleep(for: .milliseconds(300))
            let asked = clock.now
            await group.triggerGracefulShutdown()
            try await tasks.next()
            return asked.duration(to: clock.now)
        }
        #expect(elapsed < .seconds(60), "\(elapsed)")
        #expect(try await leads.status().pendingLeads == 1)
    }

    @Test func aRejectedValueIsReportedWithHubSpotsCategory() async throws {
        let leads = try journal(.token(token))
        try await leads.record(lead: "L-1", fields: ["email": "not an email"])
        let events = try await run(leads.syncService()) { if case .caughtUp = $0 { true } else { false } }
        let rejected = events.compactMap { event -> String? in
            if case .rejected(let lead, let field, let category, _) = event {
                "\(lead) \(field) \(category)"
            } else {
                nil
            }
        }
        #expect(rejected == ["L-1 email VALIDATION_ERROR"], "\(events)")
    }

    @Test func aRefusedProvidedTokenPausesUntilTheProviderHasANewOne() async throws {
        let current = Mutex("pat-na1-old")
        let leads = try journal(.tokenProvider { current.withLock { $0 } })
        try await leads.record(lead: "L-1", fields: ["email": "ada@example.com"])
        let events = try await run(leads.syncService()) { event in
            switch event {
            case .paused(.reconnectionRequired):
                simulator.registerToken(token)
                current.withLock { $0 = token }
                return false
            case .caughtUp: return true
            default: return false
            }
        }
        guard events.count == 4, case .paused(.reconnectionRequired) = events[0] else {
            Issue.record("\(events)")
            return
        }
        #expect(Array(events[1...]) == [.resumed, .delivered(lead: "L-1", fields: ["email"]), .caughtUp])
        #expect(simulator.contact(email: "ada@example.com") != nil)
    }

    @Test func aSecondSyncOfTheSameJournalIsRefusedNamingTheHolder() async throws {
        let leads = try journal(.token(token))
        let first = leads.syncService()
        let events = first.events
        let group = ServiceGroup(services: [first], logger: Logger(label: "test"))
        try await withThrowingDiscardingTaskGroup { tasks in
            tasks.addTask { try await group.run() }
            for await event in events where event == .caughtUp {
                let error = await #expect(throws: SyncServiceError.self) { try await leads.syncService().run() }
                #expect(error?.message.contains("another sync is running") == true, "\(String(describing: error))")
                await group.triggerGracefulShutdown()
            }
        }
    }

    @Test func withoutStoredCredentialsItRefusesToRunNamingTheCommand() async throws {
        let leads = try journal(.stored)
        let error = await #expect(throws: SyncServiceError.self) { try await leads.syncService().run() }
        #expect(error?.message.contains("leadsync connect") == true, "\(String(describing: error))")
    }
}

import Foundation
import HubSpotAPI
import HubSpotSimulator
import LeadSyncEngine
import LeadSyncJournal
import LeadSyncSupport
import LeadSyncTestKit
import LeadSyncWorkload
import Synchronization
import Testing

/// Drains against the simulator over real HTTP, with a real journal: the final state HubSpot
/// holds is compared with the one computed from the input alone.
@Suite(.hangGuard) struct ReconcilerDrainTests {
    static let t0: Int64 = 1_795_824_000_000

    /// `LEADSYNC_DRAIN_LEADS` / `LEADSYNC_DRAIN_CHANGES` scale it up (`scripts/drain-exact.sh`
    /// runs the issue's 10,000 leads / 50,000 changes).
    @Test func drainsAGeneratedLeadSetExactly() async throws {
        let harness = try DrainHarness()
        let environment = ProcessInfo.processInfo.environment
        let leads = environment["LEADSYNC_DRAIN_LEADS"].flatMap(Int.init) ?? 300
        let count = environment["LEADSYNC_DRAIN_CHANGES"].flatMap(Int.init) ?? 2_000
        var spec = WorkloadSpec(leads: leads, changes: count, seed: 11)
        spec.lateShare = 0.05
        let changes = Array(LeadSetGenerator(spec))
        try await harness.record(changes)

        let report = try await harness.sync()
        #expect(report.ending == .drained)
        let expected = ExpectedContacts(changes, mappings: Mapping.defaultProperties)
        #expect(harness.contactsByEmail(properties: expected.properties) == expected.contacts)
        #expect(report.summary.delivered == expected.contacts.count)
        let status = try await harness.journal.leads.status()
        #expect(status.pendingLeads == status.awaitingIdentity)
        #expect(status.awaitingIdentity == Int64(leads - expected.contacts.count))
        #expect(status.lastSyncAt != nil && status.lastError == nil)

        // Nothing is sent twice: a second sync only reads the property list.
        let received = harness.simulator.counters().recordsReceived
        let again = try await harness.sync()
        #expect(again.ending == .drained)
        #expect(again.summary.requests == 1)
        #expect(harness.simulator.counters().recordsReceived == received)
    }

    @Test func neverExceedsTheRateLimitAndCausesNo429s() async throws {
        // HubSpot's 10-per-window policy on a 1-second window, so the test takes seconds.
        let harness = try DrainHarness { $0.rateLimit = .init(max: 10, intervalMilliseconds: 1_000) }
        let changes = Array(LeadSetGenerator(WorkloadSpec(leads: 2_000, changes: 2_000, seed: 5)))
        try await harness.record(changes)
        let report = try await harness.sync {
            $0.pacer.limit = 10
            $0.pacer.limitIsCap = true
        }
        #expect(report.ending == .drained)
        #expect(harness.simulator.counters().rateLimited == 0)
        #expect(report.summary.rateLimited == 0)
        #expect(report.summary.batchFill > 0.9)
        let expected = ExpectedContacts(changes, mappings: Mapping.defaultProperties)
        #expect(harness.contactsByEmail(properties: expected.properties) == expected.contacts)
    }

    @Test func aChangeRecordedDuringALongDrainGoesOutAheadOfTheBacklog() async throws {
        // 3,000 leads at 5 requests per second: the pass takes about 6 s; the last lead's change,
        // recorded once 300 contacts are written, must reach HubSpot long before the pass gets to it.
        let harness = try DrainHarness { $0.rateLimit = .init(max: 5, intervalMilliseconds: 1_000) }
        var spec = WorkloadSpec(leads: 3_000, changes: 3_000, seed: 6)
        spec.noEmailShare = 0
        spec.invalidShare = 0
        let changes = Array(LeadSetGenerator(spec))
        try await harness.record(changes)
        let last = try #require(changes.last)
        let email = try #require(last.fields.first { $0.name == "email" }?.value.wireString.lowercased())
        async let report = harness.sync {
            $0.pacer.limit = 5
            $0.pacer.limitIsCap = true
            $0.freshInterval = .milliseconds(200)
        }
        while harness.simulator.counters().recordsReceived < 300 { try await Task.sleep(for: .milliseconds(20)) }
        try await harness.journal.changeLog.record(lead: last.lead, fields: ["company": .string("Live Ltd")])
        var contactsWhenItArrived: Int?
        for _ in 0..<400 where contactsWhenItArrived == nil {
            if harness.contact(email: email)?.properties["company"] == "Live Ltd" {
                contactsWhenItArrived = harness.simulator.contacts().count
            }
            try await Task.sleep(for: .milliseconds(25))
        }
        #expect(try await report.ending == .drained)
        let arrivedWith = try #require(contactsWhenItArrived, "the live change never reached HubSpot")
        #expect(
            arrivedWith < 2_000, "it went out with \(arrivedWith) of 3,000 contacts written, not at the end of the pass"
        )
    }

    @Test func ifEmptySkipsWhereHubSpotHasAValueAndTakesItsValue() async throws {
        let harness = try DrainHarness()
        _ = harness.simulator.seedContacts([["email": "ada@example.com", "company": "Globex"]])
        _ = try await harness.journal.configuration.setMapping(
            Mapping(field: "company", property: "company", write: .ifEmpty))
        try await harness.record("L-1", ["email": .string("ada@example.com"), "company": .string("Acme")], at: Self.t0)
        try await harness.record(
            "L-2", ["email": .string("bob@example.com"), "company": .string("Initech")], at: Self.t0)
        try await harness.record("L-3", ["email": .string("cy@example.com"), "company": .null], at: Self.t0)

        let report = try await harness.sync()
        #expect(report.ending == .drained)
        #expect(harness.contact(email: "ada@example.com")?.properties["company"] == "Globex")
        #expect(harness.contact(email: "bob@example.com")?.properties["company"] == "Initech")
        #expect(report.summary.skipped == 2)
        // The lead now agrees with HubSpot.
        await #expect(try harness.journal.leads.lead("L-1")?.fields["company"] == .string("Globex"))
        #expect(try await harness.journal.leads.status().skipped == 2)
    }

    @Test func createOffUpdatesMatchesAndHoldsTheRestUnmatched() async throws {
        let harness = try DrainHarness()
        _ = harness.simulator.seedContacts([["email": "ada@example.com"]])
        _ = try await harness.journal.configuration.setPushRules(update: true, create: false)
        try await harness.record(
            "L-1", ["email": .string("ADA@example.com"), "first_name": .string("Ada")], at: Self.t0)
        try await harness.record(
            "L-2", ["email": .string("bob@example.com"), "first_name": .string("Bob")], at: Self.t0)

        let report = try await harness.sync()
        #expect(report.ending == .drained)
        #expect(harness.contact(email: "ada@example.com")?.properties["firstname"] == "Ada")
        #expect(harness.contact(email: "bob@example.com") == nil)
        let status = try await harness.journal.leads.status()
        #expect(status.unmatched == 1)
        await #expect(try harness.journal.leads.lead("L-2")?.state == .unmatched)

        // Turning create on sends the held lead.
        _ = try await harness.journal.configuration.setPushRules(update: true, create: true)
        #expect(try await harness.sync().ending == .drained)
        #expect(harness.contact(email: "bob@example.com")?.properties["firstname"] == "Bob")
        #expect(try await harness.journal.leads.status().unmatched == 0)
    }

    @Test func updateOffPushesNothing() async throws {
        let harness = try DrainHarness()
        _ = try await harness.journal.configuration.setPushRules(update: false, create: false)
        try await harness.record("L-1", ["email": .string("ada@example.com")], at: Self.t0)
        let report = try await harness.sync()
        #expect(report.ending == .drained)
        #expect(harness.simulator.counters().totalRequests == 0)
        #expect(try await harness.journal.leads.status().pendingLeads == 1)
    }

    @Test func valuesAwaitingIdentityGoOutWithTheEmail() async throws {
        let harness = try DrainHarness()
        try await harness.record("L-1", ["first_name": .string("Ada"), "company": .string("Acme")], at: Self.t0)
        #expect(try await harness.sync().summary.awaitingIdentity == 1)
        await #expect(try harness.journal.leads.lead("L-1")?.state == .awaitingIdentity)
        #expect(harness.simulator.contacts().isEmpty)

        try await harness.record("L-1", ["email": .string("ada@example.com")], at: Self.t0 + 1_000)
        #expect(try await harness.sync().ending == .drained)
        let contact = try #require(harness.contact(email: "ada@example.com"))
        #expect(contact.properties["firstname"] == "Ada")
        #expect(contact.properties["company"] == "Acme")
        await #expect(try harness.journal.leads.lead("L-1")?.state == .synced)
    }

    @Test func anInvalidEmailIsRejectedLocallyWithoutARequest() async throws {
        let harness = try DrainHarness()
        try await harness.record("L-1", ["email": .string("ada@example"), "first_name": .string("Ada")], at: Self.t0)
        let report = try await harness.sync()
        #expect(report.summary.requests == 1, "only the property list")
        let rejected = try await harness.journal.ledger.rejectedEntries()
        #expect(rejected.map(\.category) == ["VALIDATION_ERROR"])
        #expect(rejected.first?.message.contains("INVALID_EMAIL") == true)
        #expect(rejected.first?.source == .local)
        await #expect(try harness.journal.leads.lead("L-1")?.state == .awaitingIdentity)
    }

    @Test func anEmailChangeOnALinkedLeadUpdatesThatContactByID() async throws {
        let harness = try DrainHarness()
        try await harness.record(
            "L-1", ["email": .string("old@example.com"), "first_name": .string("Ada")], at: Self.t0)
        _ = try await harness.sync()
        let id = try #require(harness.contact(email: "old@example.com")?.id)

        try await harness.record("L-1", ["email": .string("new@example.com")], at: Self.t0 + 1_000)
        #expect(try await harness.sync().ending == .drained)
        #expect(harness.simulator.contacts().count == 1)
        #expect(harness.contact(email: "new@example.com")?.id == id)
        await #expect(try harness.journal.leads.lead("L-1")?.remoteID == id)
    }

    @Test func aRefusalNamingAPropertyRejectsThatValueAndDeliversTheRest() async throws {
        // HubSpot refuses moving lifecyclestage backwards: a 207 naming the property.
        let harness = try DrainHarness { $0.lifecycleStageForwardOnly = true }
        _ = harness.simulator.seedContacts([["email": "ada@example.com", "lifecyclestage": "customer"]])
        _ = try await harness.journal.configuration.setMapping(Mapping(field: "stage", property: "lifecyclestage"))
        try await harness.record(
            "L-1", ["email": .string("ada@example.com"), "stage": .string("lead"), "first_name": .string("Ada")],
            at: Self.t0)
        try await harness.record("L-2", ["email": .string("bob@example.com"), "stage": .string("lead")], at: Self.t0)

        let report = try await harness.sync()
        #expect(report.ending == .drained)
        let ada = try #require(harness.contact(email: "ada@example.com"))
        #expect(ada.properties["lifecyclestage"] == "customer")
        #expect(ada.properties["firstname"] == "Ada")
        #expect(harness.contact(email: "bob@example.com")?.properties["lifecyclestage"] == "lead")
        let rejected = try await harness.journal.ledger.rejectedEntries()
        #expect(rejected.count == 1)
        #expect(rejected.first?.lead == "L-1")
        #expect(rejected.first?.fields.keys.sorted() == ["stage"])
        #expect(rejected.first?.source == .remote)
        #expect(rejected.first?.message.contains("INVALID_LIFECYCLE_STAGE") == true)
    }

    @Test func aWholeBatchRefusalIsSplitUntilTheBadRecordsAreIsolated() async throws {
        let harness = try DrainHarness()
        for index in 0..<4 {
            try await harness.record("L-\(index)", ["email": .string("p\(index)@example.com")], at: Self.t0)
        }
        // The first upsert is refused as a whole, once: its halves go through.
        harness.simulator.injectFault(.status(400), onRequest: 1, path: "contacts.batch.upsert")
        let report = try await harness.sync()
        #expect(report.ending == .drained)
        #expect(harness.simulator.contacts().count == 4)
        #expect(harness.simulator.counters().requests["contacts.batch.upsert"]?[200] == 2)

        // Every upsert refused: split down to single records, each rejected on its own.
        for index in 4..<8 {
            try await harness.record("L-\(index)", ["email": .string("p\(index)@example.com")], at: Self.t0)
        }
        harness.simulator.injectFault(.status(400), onRequest: 1, persistent: true, path: "contacts.batch.upsert")
        let refused = try await harness.sync()
        #expect(refused.ending == .drained)
        #expect(refused.summary.requests == 1 + 1 + 2 + 4)
        await #expect(
            try harness.journal.ledger.rejectedEntries().map(\.lead).sorted() == ["L-4", "L-5", "L-6", "L-7"])
    }

    @Test func aConflictLinksTheContactHubSpotNamesAndUpdatesIt() async throws {
        let harness = try DrainHarness()
        let ids = harness.simulator.seedContacts([["email": "ada@example.com"], ["email": "taken@example.com"]])
        try await harness.record(
            "L-1", ["email": .string("ada@example.com"), "first_name": .string("Ada")], at: Self.t0)
        _ = try await harness.sync()
        await #expect(try harness.journal.leads.lead("L-1")?.remoteID == ids[0])

        // Another contact has the new email: HubSpot answers CONFLICT naming it.
        try await harness.record(
            "L-1", ["email": .string("taken@example.com"), "first_name": .string("Ada B")], at: Self.t0 + 1)
        let report = try await harness.sync()
        #expect(report.ending == .drained)
        await #expect(try harness.journal.leads.lead("L-1")?.remoteID == ids[1])
        #expect(harness.simulator.contact(id: ids[1])?.properties["firstname"] == "Ada B")
        await #expect(try harness.journal.ledger.rejectedEntries().isEmpty)
    }

    @Test func aMergedContactRelinksToItsNewID() async throws {
        let harness = try DrainHarness()
        try await harness.record("L-1", ["email": .string("ada@example.com")], at: Self.t0)
        try await harness.record("L-2", ["email": .string("ada.b@example.com")], at: Self.t0)
        _ = try await harness.sync()
        let first = try await #require(try harness.journal.leads.lead("L-1")?.remoteID)
        let second = try await #require(try harness.journal.leads.lead("L-2")?.remoteID)
        let merged = try #require(harness.simulator.mergeContacts(primary: first, secondary: second))

        try await harness.record("L-1", ["first_name": .string("Ada")], at: Self.t0 + 1)
        #expect(try await harness.sync().ending == .drained)
        await #expect(try harness.journal.leads.lead("L-1")?.remoteID == merged)
        #expect(harness.simulator.contact(id: merged)?.properties["firstname"] == "Ada")
    }

    @Test func aDeletedContactUnlinksTheLeadAndRejectsWithoutRecreating() async throws {
        let harness = try DrainHarness()
        try await harness.record("L-1", ["email": .string("ada@example.com")], at: Self.t0)
        _ = try await harness.sync()
        let id = try await #require(try harness.journal.leads.lead("L-1")?.remoteID)
        let archived = try await harness.archive(id)
        #expect(archived == 204)

        try await harness.record("L-1", ["first_name": .string("Ada")], at: Self.t0 + 1)
        #expect(try await harness.sync().ending == .drained)
        await #expect(try harness.journal.leads.lead("L-1")?.remoteID == nil)
        await #expect(try harness.journal.ledger.rejectedEntries().first?.category == "OBJECT_NOT_FOUND")
        #expect(harness.simulator.contacts().filter { !$0.archived }.isEmpty)
    }

    @Test func aFaultMixLosesNothing() async throws {
        let harness = try DrainHarness {
            $0.faults.serverErrorRate = 0.10
            $0.faults.resetRate = 0.03
            $0.faults.hangRate = 0.02
            $0.faults.hangMilliseconds = 300
            $0.seed = 99
        }
        let changes = Array(LeadSetGenerator(WorkloadSpec(leads: 1_000, changes: 2_000, seed: 21)))
        try await harness.record(changes)
        let report = try await harness.sync { $0.windowSize = 200 }
        #expect(report.ending == .drained)
        #expect(harness.simulator.counters().faultsInjected > 0)
        let expected = ExpectedContacts(changes, mappings: Mapping.defaultProperties)
        #expect(harness.contactsByEmail(properties: expected.properties) == expected.contacts)
    }

    @Test func givesUpWhenHubSpotNeverAnswers() async throws {
        let harness = try DrainHarness()
        harness.simulator.injectFault(.status(503), onRequest: 2, persistent: true)
        try await harness.record("L-1", ["email": .string("ada@example.com")], at: Self.t0)
        let report = try await harness.sync { $0.giveUpAfter = .milliseconds(500) }
        guard case .gaveUp(let lastError) = report.ending else {
            Issue.record("expected gaveUp, got \(report.ending)")
            return
        }
        #expect(lastError.contains("503"))
        #expect(try await harness.journal.leads.status().pendingLeads == 1)
        #expect(try await harness.journal.leads.status().lastError?.contains("503") == true)
    }

    @Test func aMissingScopeStopsNamingIt() async throws {
        let harness = try DrainHarness()
        harness.simulator.registerToken(
            harness.token, scopes: ["crm.objects.contacts.read", "crm.schemas.contacts.read"])
        try await harness.record("L-1", ["email": .string("ada@example.com")], at: Self.t0)
        let report = try await harness.sync()
        guard case .missingScopes(let scopes, _) = report.ending else {
            Issue.record("expected missingScopes, got \(report.ending)")
            return
        }
        #expect(scopes.contains("crm.objects.contacts.write"))
        #expect(try await harness.journal.leads.status().pendingLeads == 1)
    }

    @Test func aRevokedStaticTokenNeedsReconnectionAndKeepsEverything() async throws {
        let harness = try DrainHarness()
        harness.simulator.revokeToken(harness.token)
        try await harness.record("L-1", ["email": .string("ada@example.com")], at: Self.t0)
        let report = try await harness.sync()
        guard case .reconnectionRequired = report.ending else {
            Issue.record("expected reconnectionRequired, got \(report.ending)")
            return
        }
        #expect(try await harness.journal.leads.status().pendingLeads == 1)
    }

    @Test func theDailyLimitStops() async throws {
        let harness = try DrainHarness { $0.dailyLimit = 2 }
        for index in 0..<150 {
            try await harness.record("L-\(index)", ["email": .string("p\(index)@example.com")], at: Self.t0)
        }
        let report = try await harness.sync()
        guard case .dailyLimit = report.ending else {
            Issue.record("expected dailyLimit, got \(report.ending)")
            return
        }
        // One of the two batches in flight got in before the limit; the other stays pending.
        let written = harness.simulator.contacts().count
        #expect(written == 100 || written == 50)
        let status = try await harness.journal.leads.status()
        #expect(status.pendingLeads == Int64(150 - written), "\(status)")
    }

    @Test func maxDurationStopsIssuingAndReportsWhatIsLeft() async throws {
        let harness = try DrainHarness { $0.rateLimit = .init(max: 2, intervalMilliseconds: 10_000) }
        for index in 0..<500 {
            try await harness.record("L-\(index)", ["email": .string("p\(index)@example.com")], at: Self.t0)
        }
        let report = try await harness.sync {
            $0.pacer.limit = 2
            $0.maximumDuration = .milliseconds(300)
        }
        #expect(report.ending == .deadlineReached)
        #expect(harness.simulator.contacts().count == 100)
        #expect(harness.simulator.counters().rateLimited == 0)
    }

    /// Issue 13, decision 0039: a batch waiting for the account's budget (the journal's shared
    /// `RequestBudget`, spent here while the sync's own pacer has room) sees a stop at once: it is
    /// not sent, and the sync does not wait for it. On the budget's standing clock the window never
    /// rolls, and the stop's grace is an hour: only the stop can end the wait.
    @Test func aBatchWaitingForTheBudgetSeesAStopAtOnce() async throws {
        let harness = try DrainHarness()
        _ = try await harness.journal.changeLog.record(
            (0..<1_100).map {
                LeadChange(lead: "L-\($0)", fields: ["email": .string("b\($0)@example.com")], atMilliseconds: Self.t0)
            })
        var account = Pacer.Configuration()
        account.limit = 10
        account.limitIsCap = true
        let asked = Mutex<Reconciler?>(nil)
        let client = HubSpotClient(
            baseURL: harness.simulator.baseURL, transport: harness.transport,
            authorizer: StaticTokenAuthorizer(token: Secret(harness.token)),
            admission: try RequestBudget(
                configuration: account, ledgerPath: nil,
                clock: StandingClock { asked.withLock { $0 }?.requestStop() }))
        // The definitions and 11 upserts: the last two wait for the budget.
        let reconciler = harness.reconciler(gateway: HubSpotGateway(client: client)) { $0.stopGrace = .seconds(3_600) }
        asked.withLock { $0 = reconciler }
        let report = try #require(try await reconciler.run(orCancelAfter: .seconds(150)), "waited for the budget")
        #expect(report.ending == .interrupted)
        #expect(harness.simulator.counters().totalRequests == 10, "nothing sent after the stop")
        #expect(try await harness.journal.leads.status().pendingLeads == 200)
    }
}

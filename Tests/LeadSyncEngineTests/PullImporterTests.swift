import HubSpotAPI
import HubSpotSimulator
import LeadSyncEngine
import LeadSyncHTTP
import LeadSyncJournal
import LeadSyncSupport
import LeadSyncTestKit
import Testing

/// `PullImporter` against the simulator over loopback HTTP with the real client and a real
/// journal file; the simulator and the importer share one adjustable clock, so search pacing and
/// the 5/s search limit are checked without sleeping.
@Suite(.hangGuard) struct PullImporterTests {
    private static let mapped = ["email", "firstname", "lastname", "phone", "company", "jobtitle", "website"]

    private struct Fixture {
        let directory: TemporaryDirectory
        let harness: SimulatorHarness
        let journal: Journal

        init(_ configure: (inout SimulatorConfiguration) -> Void = { _ in }) throws {
            directory = try TemporaryDirectory()
            harness = try SimulatorHarness(configure)
            journal = try Journal(path: directory.path("journal.db"))
        }

        func importer() -> PullImporter {
            let client = HubSpotClient(
                baseURL: harness.baseURL, transport: CurlTransport(),
                authorizer: StaticTokenAuthorizer(token: Secret(harness.token)))
            return PullImporter(journal: journal, client: client, clock: harness.clock)
        }

        /// Every lead linked to a contact, by contact id, with the current values of its mapped
        /// fields that have no pending local value, as property → text (emails normalised);
        /// checks no contact is linked twice.
        func leadsByContact() async throws -> [String: (lead: String, values: [String: String], pending: Set<String>)] {
            let mappings = try await journal.configuration.mappings()
            var result: [String: (lead: String, values: [String: String], pending: Set<String>)] = [:]
            let ids = harness.simulator.contacts().map(\.id)
            for snapshot in try await journal.leads.leadSnapshots(leads: [], remoteIDs: ids) {
                let remote = try #require(snapshot.remoteID)
                #expect(result[remote] == nil, "contact \(remote) linked to two leads")
                var values: [String: String] = [:]
                let pending = Set(mappings.filter { snapshot.pendingFields.contains($0.field) }.map(\.property))
                for mapping in mappings where !pending.contains(mapping.property) {
                    var text = snapshot.fields[mapping.field]?.wireString ?? ""
                    if mapping.property == "email" { text = EmailIdentity.normalize(text) }
                    if !text.isEmpty { values[mapping.property] = text }
                }
                result[remote] = (snapshot.lead, values, pending)
            }
            return result
        }

        /// Asserts every live contact is linked to a lead holding exactly its mapped values (where
        /// the lead has no pending local value).
        func expectLeadsEqualContacts(sourceLocation: SourceLocation = #_sourceLocation) async throws {
            let leads = try await leadsByContact()
            let contacts = harness.simulator.contacts().filter { !$0.archived }
            #expect(leads.count == contacts.count, sourceLocation: sourceLocation)
            var differing = 0
            for contact in contacts {
                guard let lead = leads[contact.id] else { continue }
                let expected = contact.properties.filter {
                    mapped.contains($0.key) && !lead.pending.contains($0.key) && !$0.value.isEmpty
                }
                if lead.values != expected { differing += 1 }
            }
            #expect(differing == 0, "\(differing) leads differ from their contacts", sourceLocation: sourceLocation)
        }
    }

    private static func person(_ n: Int) -> [String: String] {
        [
            "email": "person\(n)@example.com", "firstname": "First\(n)", "lastname": "Last\(n)",
            "company": "Company \(n % 97)", "jobtitle": n % 3 == 0 ? "" : "Title \(n % 11)", "phone": "+1 555 \(n)",
        ].filter { !$0.value.isEmpty }
    }

    @Test func fullPullThenIncrementalPullLeaveLeadsEqualToContactsWithExactCounts() async throws {
        let fixture = try Fixture { $0.rateLimit = nil }
        let sim = fixture.harness.simulator
        let ids = sim.seedContacts((1...3_000).map(Self.person))
        // Two leads exist already: one by primary email, one by a secondary email.
        try await fixture.journal.changeLog.record(lead: "L-5", fields: ["email": .string("PERSON5@example.com ")])
        _ = sim.editContact(id: ids[8], properties: ["hs_additional_emails": "old9@example.com;nine@example.org"])
        try await fixture.journal.changeLog.record(lead: "L-9", fields: ["email": .string("nine@example.org")])

        fixture.harness.clock.advance(seconds: 1)
        let first = try await fixture.importer().run(full: false)
        #expect(first == PullCounts(created: 2_998, linked: 2))
        try await fixture.expectLeadsEqualContacts()
        await #expect(try fixture.journal.leads.lead("L-9")?.remoteID == ids[8])
        // L-5's email is a pending local value: it stays pending (its write rule decides at push time).
        await #expect(try fixture.journal.leads.lead("L-5")?.fields["email"] == .string("PERSON5@example.com "))

        // 1,200 HubSpot-side edits, many within one millisecond (bulk edits), some to nothing.
        fixture.harness.clock.advance(seconds: 60)
        for (n, id) in ids.prefix(1_200).enumerated() {
            if n % 50 == 0 { fixture.harness.clock.advance(milliseconds: 1) }
            let edit = n % 4 == 0 ? ["company": ""] : ["firstname": "Edited\(n)", "jobtitle": "Chief \(n)"]
            _ = sim.editContact(id: id, properties: edit)
        }
        fixture.harness.clock.advance(seconds: 1)
        let searchesBefore = sim.counters().count("contacts.search")
        let second = try await fixture.importer().run(full: false)
        #expect(second == PullCounts(updated: 1_200))
        try await fixture.expectLeadsEqualContacts()

        let counters = sim.counters()
        #expect(counters.count("contacts.search", status: 429) == 0)
        #expect(counters.rateLimited == 0)
        // 1,200 changed plus the 3,000 seeded inside the overlap window, ≈ 200 per search.
        #expect(counters.count("contacts.search") - searchesBefore <= 30)
    }

    /// product.md's conflict table, pull side: a field with a pending local value keeps it (its
    /// write rule decides at push time, whatever HubSpot now holds); the other fields take
    /// HubSpot's newer values; HubSpot's values become the base values either way.
    @Test func pendingLocalValuesSurviveAPullAndTheOtherFieldsTakeHubSpots() async throws {
        let fixture = try Fixture { $0.rateLimit = nil }
        let sim = fixture.harness.simulator
        let journal = fixture.journal
        _ = try await journal.configuration.setMapping(
            Mapping(field: "job_title", property: "jobtitle", write: .ifEmpty))
        let id = try #require(
            sim.seedContacts([["email": "ada@example.com", "firstname": "Ada", "company": "Old Co"]]).first)
        try await journal.changeLog.record(lead: "L-1", fields: ["email": .string("ada@example.com")])
        fixture.harness.clock.advance(seconds: 1)
        #expect(try await fixture.importer().run(full: false) == PullCounts(linked: 1))

        fixture.harness.clock.advance(seconds: 1)
        try await journal.changeLog.record(
            lead: "L-1", fields: ["company": .string("Local Co"), "job_title": .string("Local Title")],
            at: fixture.harness.clock.now)
        fixture.harness.clock.advance(seconds: 1)
        _ = sim.editContact(
            id: id, properties: ["company": "HubSpot Co", "jobtitle": "HubSpot Title", "firstname": "Augusta"])
        fixture.harness.clock.advance(seconds: 1)
        #expect(try await fixture.importer().run(full: false) == PullCounts(updated: 1))

        let lead = try #require(try await journal.leads.lead("L-1"))
        #expect(lead.fields["company"] == .string("Local Co"))
        #expect(lead.delivery["company"]?.state == .pending)
        #expect(lead.fields["job_title"] == .string("Local Title"))
        #expect(lead.delivery["job_title"]?.state == .pending)
        #expect(lead.fields["first_name"] == .string("Augusta"))
        #expect(lead.delivery["first_name"]?.state == .delivered)
        let base = try await journal.ledger.baseValues(lead: "L-1")
        #expect(
            base["company"] == "HubSpot Co" && base["jobtitle"] == "HubSpot Title" && base["firstname"] == "Augusta")
    }

    /// List requests count against the account's rolling window: the pull paces them by HubSpot's
    /// rate-limit headers instead of meeting 429s.
    @Test func aFullPullStaysUnderTheTenSecondLimit() async throws {
        let fixture = try Fixture { $0.rateLimit = .init(max: 8, intervalMilliseconds: 10_000) }
        _ = fixture.harness.simulator.seedContacts((1...2_000).map(Self.person))
        let start = fixture.harness.clock.now
        #expect(try await fixture.importer().run(full: true) == PullCounts(created: 2_000))
        let counters = fixture.harness.simulator.counters()
        #expect(counters.count("contacts.list") == 20)
        #expect(counters.rateLimited == 0)
        #expect(counters.maxRequestsInTenSeconds <= 8)
        // 20 requests at 8 per 10 s: at least two full windows waited, on the shared clock.
        #expect(fixture.harness.clock.now.timeIntervalSince(start) >= 20)
    }

    /// 5xx answers, resets and 429s on list and search are waited out and retried; the pull still
    /// reads every contact exactly once.
    @Test func transientFailuresAreRetriedWithoutGapsOrDuplicates() async throws {
        let fixture = try Fixture { $0.rateLimit = nil }
        let sim = fixture.harness.simulator
        let ids = sim.seedContacts((1...500).map(Self.person))
        sim.injectFault(.status(503), onRequest: 2, path: "contacts.list")
        sim.injectFault(.reset, onRequest: 4, path: "contacts.list")
        fixture.harness.clock.advance(seconds: 1)
        #expect(try await fixture.importer().run(full: false) == PullCounts(created: 500))

        fixture.harness.clock.advance(seconds: 400)
        for id in ids.prefix(450) { _ = sim.editContact(id: id, properties: ["firstname": "Again"]) }
        fixture.harness.clock.advance(seconds: 1)
        sim.injectFault(.rateLimit, onRequest: 1, path: "contacts.search")
        sim.injectFault(.status(502), onRequest: 2, path: "contacts.search")
        #expect(try await fixture.importer().run(full: false) == PullCounts(updated: 450))
        try await fixture.expectLeadsEqualContacts()
        #expect(sim.counters().faultsInjected == 4)
    }
}

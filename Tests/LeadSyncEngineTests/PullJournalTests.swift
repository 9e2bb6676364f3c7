import LeadSyncJournal
import LeadSyncSupport
import LeadSyncTestKit
import Testing

/// The journal side of a pull (`Journal+Pull.swift`): identity values, lead snapshots and the one
/// transaction that applies a page.
@Suite struct PullJournalTests {
    private func journal(_ dir: TemporaryDirectory) throws -> Journal { try Journal(path: dir.path("journal.db")) }

    @Test func snapshotsSeeLinksValuesPendingFieldsAndBaseValues() async throws {
        let dir = try TemporaryDirectory()
        let journal = try journal(dir)
        try await journal.ledger.applyPulled(
            [
                PulledUpdate(
                    lead: "hubspot-7", remoteID: "7", atMilliseconds: 5, changes: ["email": .string("g@h.io")],
                    baseValues: ["email": "g@h.io", "firstname": ""])
            ], settings: [:])
        try await journal.changeLog.record(
            lead: "L-1", fields: ["email": .string("Ada@Example.com"), "first_name": .string("Ada")])

        // Not folded yet when asked: the snapshot folds first, so L-1's values show as pending.
        let snapshots = try await journal.leads.leadSnapshots(leads: ["L-1", "nobody"], remoteIDs: ["7", "8"])
        #expect(snapshots.count == 2)
        let ada = try #require(snapshots.first { $0.lead == "L-1" })
        #expect(ada.remoteID == nil)
        #expect(ada.pendingFields == ["email", "first_name"])
        let pulled = try #require(snapshots.first { $0.lead == "hubspot-7" })
        #expect(pulled.remoteID == "7")
        #expect(pulled.fields == ["email": .string("g@h.io")])
        #expect(pulled.pendingFields.isEmpty)
        #expect(pulled.baseValues == ["email": "g@h.io", "firstname": ""])

        let identities = try await journal.leads.identityValues()
        #expect(Set(identities.map(\.lead)) == ["L-1", "hubspot-7"])
        #expect(identities.contains { $0.lead == "L-1" && $0.value == .string("Ada@Example.com") })
    }

    @Test func aPageLinksJournalsAndAdvancesSettingsTogetherWithoutMakingAnythingPending() async throws {
        let dir = try TemporaryDirectory()
        let journal = try journal(dir)
        try await journal.changeLog.record(
            lead: "L-1", fields: ["email": .string("ada@example.com"), "company": .string("Mine")])
        try await journal.changeLog.fold()
        try await journal.ledger.applyPulled(
            [
                PulledUpdate(
                    lead: "L-1", remoteID: "512", atMilliseconds: 1_000,
                    changes: ["company": .string("Theirs"), "first_name": .string("Ada")],
                    baseValues: ["company": "Theirs", "firstname": "Ada"])
            ], settings: [.pullCursor: "2026-11-29T00:00:00.000Z"])

        let lead = try #require(try await journal.leads.lead("L-1"))
        #expect(lead.remoteID == "512")
        // company had a pending local value: it stays; first_name had none: HubSpot's is taken.
        #expect(lead.fields["company"] == .string("Mine"))
        #expect(lead.delivery["company"]?.state == .pending)
        #expect(lead.fields["first_name"] == .string("Ada"))
        #expect(lead.delivery["first_name"]?.state == .delivered)
        #expect(try await journal.ledger.baseValues(lead: "L-1") == ["company": "Theirs", "firstname": "Ada"])
        #expect(try await journal.configuration.setting(.pullCursor) == "2026-11-29T00:00:00.000Z")
        let status = try await journal.leads.status()
        #expect(status.journalEntries == 2)
        #expect(status.pendingChanges == 1)
        #expect(try await journal.maintenance.check() == [])
    }

    @Test func aPageWithNothingToJournalStillLinksAndStoresBaseValues() async throws {
        let dir = try TemporaryDirectory()
        let journal = try journal(dir)
        try await journal.changeLog.record(lead: "L-1", fields: ["email": .string("ada@example.com")])
        try await journal.ledger.applyPulled(
            [
                PulledUpdate(
                    lead: "L-1", remoteID: "9", atMilliseconds: 1, changes: [:],
                    baseValues: ["email": "ada@example.com"])
            ],
            settings: [.pullCursor: nil])
        #expect(try await journal.leads.status().journalEntries == 1)
        #expect(try await journal.leads.lead(remoteID: "9") == "L-1")
        #expect(try await journal.ledger.baseValues(lead: "L-1") == ["email": "ada@example.com"])
    }
}

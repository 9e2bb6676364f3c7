import Foundation
import LeadSyncJournal
import LeadSyncPostgres
import LeadSyncSupport
import Testing

/// The delivery ledger's contract, run on SQLite and on a PostgreSQL tenant: the remote's
/// answers and the sync's marks, retrying rejections, pulled records and a new account.
@Suite struct LedgerConformanceTests {
    static let t0 = LeadStateConformanceTests.t0
    static let now = Date(timeIntervalSince1970: 1_700_000_100)

    /// On the three leads: L-1 is linked, its email delivered and its first name refused; L-3
    /// is found unmatched.
    static func answer(_ stores: StoreBackend.Stores) async throws {
        try await LeadStateConformanceTests.recordThreeLeads(stores)
        try await stores.ledger.recordSyncStep(
            outcomes: [
                LeadOutcome(
                    lead: "L-1", remoteID: .set("101"),
                    fields: [
                        .init(field: "email", seq: 1, result: .delivered(property: "email", sent: "ada@example.com")),
                        .init(
                            field: "first_name", seq: 1,
                            result: .rejected(category: "INVALID", message: "bad name", source: .remote)),
                    ])
            ], marks: ["L-3": .unmatched], at: now)
    }

    @Test(arguments: StoreBackend.allCases)
    func outcomesAndMarksChangeTheLeadsAndCounters(backend: StoreBackend) async throws {
        try await backend.withStores { stores in
            try await Self.answer(stores)
            let ada = try #require(try await stores.leads.lead("L-1"))
            #expect(ada.state == .rejected && ada.remoteID == "101" && ada.pending.isEmpty)
            #expect(ada.delivery["email"]?.state == .delivered)
            let entry = RejectedEntry(
                id: "1", lead: "L-1", fields: ["first_name": .string("Ada")], category: "INVALID", message: "bad name",
                atMilliseconds: 1_700_000_100_000, source: .remote)
            #expect(ada.rejected == [entry])
            #expect(try await stores.ledger.rejectedEntries() == [entry])
            #expect(try await stores.ledger.rejectedEntries(lead: "L-2").isEmpty)
            #expect(try await stores.leads.lead("L-3")?.state == .unmatched)
            let status = try await stores.leads.status()
            #expect(status.pendingLeads == 2 && status.pendingChanges == 2 && status.rejected == 1)
            #expect(status.unmatched == 1 && status.awaitingIdentity == 1)
            let linked = try await stores.leads.linkedLeads(limit: 10)
            #expect(linked.map(\.lead) == ["L-1"] && linked.first?.baseValues == ["email": "ada@example.com"])
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func anOutcomeForAnUnknownLeadRecordsNothing(backend: StoreBackend) async throws {
        try await backend.withStores { stores in
            try await LeadStateConformanceTests.recordThreeLeads(stores)
            await #expect(throws: JournalError(.unknownLead, "unknown lead nobody")) {
                try await stores.ledger.recordSyncStep(
                    outcomes: [
                        LeadOutcome(lead: "L-1", remoteID: .set("101"), fields: []),
                        LeadOutcome(lead: "nobody", fields: []),
                    ], marks: [:], at: Self.now)
            }
            #expect(try await stores.leads.lead("L-1")?.remoteID == nil)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aRetriedRejectionIsPendingAgain(backend: StoreBackend) async throws {
        try await backend.withStores { stores in
            try await Self.answer(stores)
            for id in ["9", "x"] {
                await #expect(throws: JournalError(.unknownRejectedEntry, "no rejected entry with id \(id)")) {
                    try await stores.ledger.retryRejected(ids: ["1", id])
                }
            }
            #expect(try await stores.ledger.retryRejected(ids: ["1"]) == 1)
            #expect(try await stores.leads.lead("L-1")?.delivery["first_name"]?.state == .pending)
            #expect(try await stores.ledger.rejectedEntries().isEmpty)
            let status = try await stores.leads.status()
            #expect(status.rejected == 0 && status.pendingLeads == 3)
            #expect(try await stores.ledger.retryRejected(ids: nil) == 0)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func pulledRecordsAreJournaledAndLinked(backend: StoreBackend) async throws {
        try await backend.withStores { stores in
            try await LeadStateConformanceTests.recordThreeLeads(stores)
            try await stores.ledger.applyPulled(
                [
                    PulledUpdate(
                        lead: "L-9", remoteID: "909", atMilliseconds: Self.t0 + 5,
                        changes: ["email": .string("nine@example.com"), "first_name": .string("Nine")],
                        baseValues: ["email": "nine@example.com", "firstname": "Nine"]),
                    // L-1's first name waits to be sent: the pulled one does not replace it.
                    PulledUpdate(
                        lead: "L-1", remoteID: "101", atMilliseconds: Self.t0 + 5,
                        changes: ["first_name": .string("Remote")], baseValues: ["firstname": "Remote"]),
                ], settings: [.pullCursor: "c-1", .lastError: nil])
            #expect(try await stores.changeLog.lastSeq() == 6)
            let nine = try #require(try await stores.leads.lead("L-9"))
            #expect(nine.state == .synced && nine.remoteID == "909")
            #expect(nine.delivery["first_name"]?.state == .delivered)
            #expect(try await stores.leads.lead("L-1")?.fields["first_name"] == .string("Ada"))
            #expect(try await stores.leads.lead("L-1")?.delivery["first_name"]?.state == .pending)
            #expect(try await stores.configuration.setting(.pullCursor) == "c-1")
            let snapshots = try await stores.leads.leadSnapshots(leads: [], remoteIDs: ["909"])
            #expect(snapshots.map(\.lead) == ["L-9"] && snapshots.first?.baseValues["firstname"] == "Nine")
            #expect(try await stores.leads.status().pendingLeads == 3)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aNewAccountForgetsTheRemoteState(backend: StoreBackend) async throws {
        try await backend.withStores { stores in
            try await Self.answer(stores)
            try await stores.ledger.forgetRemoteState()
            let ada = try #require(try await stores.leads.lead("L-1"))
            #expect(ada.remoteID == nil && ada.state == .pending)
            #expect(ada.delivery["email"]?.state == .pending && ada.delivery["first_name"]?.state == .pending)
            #expect(try await stores.ledger.rejectedEntries().isEmpty)
            #expect(try await stores.leads.linkedLeads(limit: 10).isEmpty)
            #expect(try await stores.leads.status().rejected == 0)
        }
    }
}

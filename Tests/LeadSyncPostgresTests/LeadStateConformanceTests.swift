import Foundation
import LeadSyncJournal
import LeadSyncPostgres
import LeadSyncSupport
import Testing

/// The change log's and lead store's contract, run on SQLite and on a PostgreSQL tenant: appends,
/// the fold's rules, the counters, `lead show`'s record, the drain's windows and pull's reads.
@Suite struct LeadStateConformanceTests {
    static let t0: Int64 = 1_700_000_000_000

    /// L-1 (identity, a newer first name than a later-appended one), L-2 (no identity) and L-3
    /// (identity and an unmapped field), in four changes.
    static func recordThreeLeads(_ stores: StoreBackend.Stores) async throws {
        let first = try await stores.changeLog.record(
            lead: "L-1", fields: ["email": .string("ada@example.com"), "first_name": .string("Ada")],
            at: Date(timeIntervalSince1970: 1_700_000_000))
        #expect(first == 1)
        let last = try await stores.changeLog.record([
            LeadChange(lead: "L-2", fields: ["first_name": .string("Bob")], atMilliseconds: t0 + 1),
            LeadChange(lead: "L-1", fields: ["first_name": .string("Older")], atMilliseconds: t0 - 1),
            LeadChange(
                lead: "L-3", fields: ["email": .string("cy@example.com"), "shoe_size": .number("44")],
                atMilliseconds: t0 + 2),
        ])
        #expect(last == 4)
        _ = try await stores.changeLog.fold()
    }

    @Test(arguments: StoreBackend.allCases)
    func appendsAreFoldedIntoTheCounters(backend: StoreBackend) async throws {
        try await backend.withStores { stores in
            try await Self.recordThreeLeads(stores)
            #expect(try await stores.changeLog.lastSeq() == 4)
            let status = try await stores.leads.status()
            #expect(status.journalEntries == 4 && status.unfoldedChanges == 0)
            // Seqs 1, 2 and 4 hold a pending value; 3's value is older than the one it would replace.
            #expect(status.pendingChanges == 3 && status.pendingLeads == 3 && status.awaitingIdentity == 1)
            #expect(status.unmatched == 0 && status.rejected == 0 && status.skipped == 0)
            #expect(status.lastSyncAt == nil && status.lastError == nil)
            #expect(try await stores.leads.fieldsSeen() == ["email", "first_name", "shoe_size"])
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aLeadsRecordShowsItsValuesStatesAndPendingChanges(backend: StoreBackend) async throws {
        try await backend.withStores { stores in
            try await Self.recordThreeLeads(stores)
            let ada = try #require(try await stores.leads.lead("L-1"))
            #expect(ada.state == .pending && ada.remoteID == nil && ada.rejected.isEmpty)
            #expect(ada.fields == ["email": .string("ada@example.com"), "first_name": .string("Ada")])
            #expect(
                ada.delivery["first_name"]?.state == .pending && ada.delivery["first_name"]?.property == "firstname")
            #expect(ada.delivery["first_name"]?.atMilliseconds == Self.t0)
            #expect(
                ada.pending == [
                    LeadRecord.PendingChange(
                        seq: 1, atMilliseconds: Self.t0,
                        fields: ["email": .string("ada@example.com"), "first_name": .string("Ada")])
                ])
            #expect(try await stores.leads.lead("L-2")?.state == .awaitingIdentity)
            let cy = try #require(try await stores.leads.lead("L-3"))
            let shoeSize = try #require(cy.delivery["shoe_size"])
            #expect(shoeSize.property == nil && shoeSize.state == .unmapped && shoeSize.value == .number("44"))
            #expect(shoeSize.atMilliseconds == Self.t0 + 2)
            #expect(try await stores.leads.lead("nobody") == nil)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func theDrainsWindowsAndPullsReads(backend: StoreBackend) async throws {
        try await backend.withStores { stores in
            try await Self.recordThreeLeads(stores)
            let window = try await stores.leads.pendingLeads(limit: 2)
            #expect(window.map(\.lead) == ["L-1", "L-2"])
            #expect(window.first?.identity == .string("ada@example.com"))
            #expect(window.first?.fields.map(\.property).sorted() == ["email", "firstname"])
            #expect(window.last?.mark == .awaitingIdentity)
            let next = try await stores.leads.pendingLeads(limit: 2, after: try #require(window.last).cursor)
            #expect(next.map(\.lead) == ["L-3"] && next.first?.fields.map(\.field) == ["email"])

            let changed = try await stores.leads.pendingLeads(changedAfter: 1, limit: 2)
            #expect(changed.leads.map(\.lead) == ["L-2", "L-1"] && changed.through == 3)

            #expect(
                try await stores.leads.identityValues().map { "\($0.lead)=\($0.value.wireString)" } == [
                    "L-1=ada@example.com", "L-3=cy@example.com",
                ])
            let snapshots = try await stores.leads.leadSnapshots(leads: ["L-3", "nobody"], remoteIDs: ["123"])
            #expect(
                snapshots == [
                    LeadSnapshot(
                        lead: "L-3", remoteID: nil,
                        fields: ["email": .string("cy@example.com"), "shoe_size": .number("44")],
                        pendingFields: ["email"])
                ])
            // L-2 waits for its identity, not for the sync.
            #expect(try await stores.leads.oldestPendingAt() == Self.t0)
            #expect(try await stores.leads.linkedLeads(limit: 10).isEmpty)
            #expect(try await stores.leads.linkedLeadsSample(5).isEmpty)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aMappingChangeMovesTheLeadsValues(backend: StoreBackend) async throws {
        try await backend.withStores { stores in
            try await Self.recordThreeLeads(stores)
            _ = try await stores.configuration.setMapping(Mapping(field: "shoe_size", property: "shoe_size"))
            #expect(try await stores.leads.lead("L-3")?.delivery["shoe_size"]?.state == .pending)
            #expect(try await stores.leads.status().pendingChanges == 3)

            #expect(try await stores.configuration.removeMapping(field: "first_name"))
            #expect(try await stores.leads.lead("L-1")?.delivery["first_name"]?.state == .unmapped)
            #expect(try await stores.leads.lead("L-2")?.state == .synced)
            let status = try await stores.leads.status()
            #expect(status.pendingLeads == 2 && status.pendingChanges == 2 && status.awaitingIdentity == 0)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aChangeWithoutALeadIsRefusedAndNothingIsAppended(backend: StoreBackend) async throws {
        try await backend.withStores { stores async throws in
            await #expect(throws: JournalError(.invalidChange, "a change needs a non-empty lead id")) {
                try await stores.changeLog.record([
                    LeadChange(lead: "L-1", fields: [:], atMilliseconds: Self.t0),
                    LeadChange(lead: "", fields: ["email": .string("x@example.com")], atMilliseconds: Self.t0),
                ])
            }
            #expect(try await stores.changeLog.record([]) == nil)
            #expect(try await stores.changeLog.lastSeq() == 0)
            #expect(try await stores.leads.status().journalEntries == 0)
        }
    }
}

/// Tenants of one PostgreSQL store never see each other's changes or leads.
@Suite struct LeadStateIsolationTests {
    @Test func aTenantSeesOnlyItsOwnLeads() async throws {
        try await StoreBackend.withPostgresStore { store in
            let acme = try await store.tenant("acme")
            let globex = try await store.tenant("globex")
            try await LeadStateConformanceTests.recordThreeLeads(StoreBackend.Stores(acme))
            #expect(try await globex.changeLog.lastSeq() == 0)
            #expect(try await globex.leads.status().pendingLeads == 0)
            #expect(try await globex.leads.lead("L-1") == nil)
            #expect(try await globex.leads.fieldsSeen().isEmpty)
            #expect(try await globex.leads.pendingLeads(limit: 10).isEmpty)
            #expect(try await globex.changeLog.record(lead: "L-1", fields: ["email": .string("g@example.com")]) == 1)
            #expect(try await globex.leads.lead("L-1")?.fields["email"] == .string("g@example.com"))
            #expect(try await acme.leads.lead("L-1")?.fields["email"] == .string("ada@example.com"))
            // A mapping change of one tenant leaves the other's values alone.
            #expect(try await acme.configuration.removeMapping(field: "first_name"))
            #expect(try await acme.leads.lead("L-1")?.delivery["first_name"]?.state == .unmapped)
            #expect(try await acme.leads.status().pendingLeads == 2)
            #expect(try await globex.leads.status().pendingLeads == 1)
        }
    }
}

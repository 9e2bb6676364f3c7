import Foundation
import LeadSyncJournal
import LeadSyncPostgres
import LeadSyncSupport
import Testing

/// Leases and fencing (decision 0028): a lease is held by one worker at a time, and a tenant
/// opened with a lease refuses every write once the lease expired or was taken over.
@Suite struct TenantLeaseTests {
    /// Expects `write` to be refused for a lost lease.
    static func expectLeaseLost(_ write: () async throws -> Void) async {
        let error = await #expect(throws: PostgresStoreError.self) { try await write() }
        #expect(error?.code == .leaseLost)
    }

    static let linkL1 = LeadOutcome(lead: "L-1", remoteID: .set("101"), fields: [])

    @Test func aWorkerTakesOnlyFreeLeasesAndAHeartbeatKeepsOnlyItsOwn() async throws {
        try await StoreBackend.withPostgresStore { store in
            for id in ["a", "b", "c"] { _ = try await store.tenant(id) }
            let one = store.leases(worker: "one")
            let two = store.leases(worker: "two")
            let first = try await one.acquire(limit: 2, for: .seconds(60))
            #expect(first.map(\.tenant) == ["a", "b"])
            #expect(try await two.acquire(limit: 5, for: .seconds(60)).map(\.tenant) == ["c"])
            #expect(try await two.acquire(limit: 5, for: .seconds(60)).isEmpty)
            #expect(try await one.heartbeat(first, for: .seconds(60)) == Set(first))

            try await one.release([first[0]])
            let again = try #require(try await two.acquire(limit: 5, for: .seconds(60)).only)
            #expect(again.tenant == "a" && again.token > first[0].token)
            // The lease given back is not the first worker's any more: a heartbeat keeps only b.
            #expect(try await one.heartbeat(first, for: .seconds(60)) == [first[1]])
        }
    }

    @Test func anExpiredLeaseCannotRecordOutcomesAndItsSuccessorCan() async throws {
        try await StoreBackend.withPostgresStore { store in
            let acme = try await store.tenant("acme")
            _ = try await acme.changeLog.record(lead: "L-1", fields: ["email": .string("ada@example.com")])
            _ = try await acme.conversations.record([
                ConversationEntry(
                    lead: "L-1", conversation: "C", atMilliseconds: 1, message: .init(id: "m1", from: "v", text: "hi"))
            ])
            // A lease that expires as it is given: the worker that holds it was too slow.
            let expired = try #require(try await store.leases(worker: "slow").acquire(limit: 1, for: .zero).only)
            let late = store.tenant(expired)
            await Self.expectLeaseLost { try await late.ledger.recordSyncStep(outcomes: [Self.linkL1], marks: [:]) }
            await Self.expectLeaseLost {
                try await late.conversations.apply([.noted(conversation: "C", part: 1, noteId: "9", digest: nil)])
            }
            await Self.expectLeaseLost { try await late.configuration.setSetting(.lastError, "late") }
            #expect(try await acme.leads.lead("L-1")?.remoteID == nil)
            #expect(try await acme.conversations.transcript(of: "C").1.isEmpty)
            #expect(try await acme.configuration.setting(.lastError) == nil)

            // Another worker takes the tenant over: its writes go through, the slow one's stay refused.
            let taken = try #require(try await store.leases(worker: "next").acquire(limit: 1, for: .seconds(60)).only)
            #expect(taken.token > expired.token)
            try await store.tenant(taken).ledger.recordSyncStep(outcomes: [Self.linkL1], marks: [:])
            #expect(try await acme.leads.lead("L-1")?.remoteID == "101")
            await Self.expectLeaseLost { try await late.ledger.recordSyncStep(outcomes: [Self.linkL1], marks: [:]) }
        }
    }
}

extension Collection {
    /// The one element, or nil when there are none or several.
    var only: Element? { count == 1 ? first : nil }
}

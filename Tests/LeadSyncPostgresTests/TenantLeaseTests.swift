import Foundation
import LeadSyncJournal
import LeadSyncPostgres
import LeadSyncSupport
import LeadSyncTestKit
import Logging
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

    @Test func aKilledWorkersTenantIsTakenBeforeOlderFreeOnes() async throws {
        try await StoreBackend.withPostgresStore { store in
            for id in ["a", "b", "c"] { _ = try await store.tenant(id) }
            let one = store.leases(worker: "one")
            try await one.release(try await one.acquire(limit: 2, for: .seconds(60)))
            // c's holder stops renewing without a release: its lease expires after a's and b's.
            _ = try await store.leases(worker: "killed").acquire(limit: 1, for: .zero)
            let next = try await store.leases(worker: "two").acquire(limit: 1, for: .seconds(60))
            #expect(next.map(\.tenant) == ["c"])
            #expect(
                try await store.leases(worker: "two").acquire(limit: 2, for: .seconds(60)).map(\.tenant) == ["a", "b"])
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

    /// `sync --store` and `pull --store` take their tenant's lease by name (decision 0037): held
    /// by a worker, it is not theirs; theirs, no worker takes it.
    @Test func aCommandTakesItsTenantsLeaseOnlyWhenNoWorkerHoldsIt() async throws {
        try await StoreBackend.withPostgresStore { store in
            for id in ["acme", "globex"] { _ = try await store.tenant(id) }
            let worker = store.leases(worker: "w1")
            let command = store.leases(worker: "leadsync sync")
            let held = try await worker.acquire(limit: 1, for: .seconds(60))
            #expect(held.map(\.tenant) == ["acme"])
            #expect(try await command.acquire(tenant: "acme", for: .seconds(15)) == nil)
            let holder = try #require(try await command.holder(of: "acme"))
            #expect(holder.owner == "w1" && holder.seconds > 50 && holder.seconds <= 60)

            let globex = try #require(try await command.acquire(tenant: "globex", for: .seconds(15)))
            #expect(globex.token > held[0].token)
            #expect(try await worker.acquire(limit: 5, for: .seconds(60)).isEmpty)
            #expect(try await command.acquire(tenant: "globex", for: .seconds(15)) == nil)

            // Given back, the tenant is free at once: for a worker and for the next command.
            try await command.release([globex])
            #expect(try await command.holder(of: "globex") == nil)
            #expect(try await worker.acquire(limit: 5, for: .seconds(60)).map(\.tenant) == ["globex"])
            #expect(try await command.acquire(tenant: "nobody", for: .seconds(15)) == nil)
        }
    }

    /// The heartbeat loop of a worker and of a command: it extends what is held, and reports a
    /// lease taken over. (The adjustable clock's sleeps return at once: heartbeats back to back.)
    @Test func keepingLeasesExtendsThemAndReportsOneTakenOver() async throws {
        try await StoreBackend.withPostgresStore { store in
            _ = try await store.tenant("acme")
            let leases = store.leases(worker: "w1")
            let lease = try #require(try await leases.acquire(tenant: "acme", for: .seconds(5)))
            let lost = AsyncStream.makeStream(of: TenantLease.self)
            let keeping = Task {
                await leases.keep(
                    { [lease] }, every: .seconds(1), for: .seconds(60), clock: AdjustableClock(),
                    logger: Logger(label: "test")
                ) { lost.continuation.yield($0) }
            }
            let deadline = ContinuousClock.now + .seconds(10)
            var left = 0.0
            while left < 50, ContinuousClock.now < deadline {
                left = try await leases.holder(of: "acme")?.seconds ?? 0
            }
            #expect(left > 50)
            // Released and taken by another: a heartbeat reports it lost.
            try await leases.release([lease])
            let taken = try #require(try await store.leases(worker: "w2").acquire(tenant: "acme", for: .seconds(60)))
            var reported = lost.stream.makeAsyncIterator()
            #expect(await reported.next() == lease)
            keeping.cancel()
            await keeping.value
            #expect(try await store.leases(worker: "w2").heartbeat([taken], for: .seconds(60)) == [taken])
        }
    }
}

extension Collection {
    /// The one element, or nil when there are none or several.
    var only: Element? { count == 1 ? first : nil }
}

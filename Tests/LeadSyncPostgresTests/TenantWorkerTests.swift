import Foundation
import HubSpotAPI
import HubSpotSimulator
import LeadSyncEngine
import LeadSyncHTTP
import LeadSyncJournal
import LeadSyncServe
import LeadSyncSupport
import LeadSyncTestKit
import LeadSyncWorkload
import Synchronization
import Testing

@testable import LeadSyncPostgres

/// Workers of `leadsync serve` (decision 0028), in-process, each on its own connection: they
/// lease the store's tenants, drain each with the engine against its own HubSpot account, and
/// give every lease back when stopped.
@Suite(.hangGuard) struct TenantWorkerTests {
    static func token(_ tenant: String) -> String { "pat-na1-tenant-\(tenant)" }

    @Test func twoWorkersDrainEveryTenantAndAStopReleasesTheirLeases() async throws {
        try await StoreBackend.withPostgresStore { store in
            let tenants = ["t1", "t2", "t3", "t4", "t5"]
            var accounts: [String: HubSpotSimulator] = [:]
            var expected: [String: ExpectedContacts] = [:]
            for (index, id) in tenants.enumerated() {
                let changes = Array(LeadSetGenerator(WorkloadSpec(leads: 80, changes: 200, seed: UInt64(index + 1))))
                _ = try await store.tenant(id).changeLog.record(
                    changes.map {
                        LeadChange(lead: $0.lead, fields: $0.fieldDictionary, atMilliseconds: $0.atMilliseconds)
                    })
                expected[id] = ExpectedContacts(changes, mappings: Mapping.defaultProperties)
                accounts[id] = try HubSpotSimulator.started(token: Self.token(id)) {
                    $0.rateLimit = nil
                    $0.dailyLimit = nil
                }.simulator
            }
            defer { for account in accounts.values { account.stop() } }
            let known = accounts
            let access: TenantWorker.Access = { tenant in
                try await HubSpotAccess.open(
                    configuration: tenant.configuration, credentials: .token(Secret(Self.token(tenant.id))),
                    apiURL: known[tenant.id]!.baseURL, transport: CurlTransport())
            }
            var workers: [(TenantWorker, PostgresStore)] = []
            for name in ["w1", "w2"] {
                var configuration = TenantWorker.Configuration(worker: name)
                configuration.tenantsAtOnce = 2
                configuration.idlePoll = .milliseconds(50)
                configuration.heartbeatInterval = .seconds(1)
                configuration.sync.seed = 7
                configuration.sync.pacer.limit = 10_000
                configuration.sync.pacer.limitIsCap = true
                let own = try await PostgresStore.open(store.address)
                workers.append((TenantWorker(store: own, configuration: configuration, access: access), own))
            }
            let runs = workers.map { worker, _ in Task { await worker.run() } }

            // Both workers take tenants; every tenant ends with nothing sendable (leads without an
            // email wait for one).
            let deadline = ContinuousClock.now + .seconds(60)
            var sendable = Int64.max
            while sendable > 0 && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
                sendable = 0
                for id in tenants {
                    let status = try await store.tenant(id).leads.status()
                    sendable += status.pendingLeads - status.awaitingIdentity
                }
            }
            #expect(sendable == 0)
            for id in tenants {
                let expectation = try #require(expected[id])
                #expect(accounts[id]!.contactsByEmail(properties: expectation.properties) == expectation.contacts)
            }

            // A stop releases every lease within the drains' stop grace.
            let stopping = ContinuousClock.now
            for (worker, _) in workers { worker.stop() }
            for run in runs { await run.value }
            // Every tenant had work, so each was drained (by whichever worker took it first); a
            // drain is counted once its run returns, after its last record: so after the runs.
            #expect(workers.map(\.0.metrics.drains).reduce(0, +) >= tenants.count)
            #expect(ContinuousClock.now - stopping < .seconds(2))
            let free = try await store.leases(worker: "check").acquire(limit: 10, for: .seconds(60))
            #expect(free.map(\.tenant) == tenants)
            for (_, own) in workers { await own.close() }
        }
    }

    /// Makes a tenant's lease run out, the first time it is asked, before returning.
    final class LeaseExpiry: Sendable {
        let store: PostgresStore
        let tenant: String
        private let done = Mutex(false)

        init(store: PostgresStore, tenant: String) {
            self.store = store
            self.tenant = tenant
        }

        var happened: Bool { done.withLock { $0 } }

        /// Blocks the caller (a simulator's connection thread, holding back its answer) until the
        /// lease's expiry is in the past.
        func expireOnce() {
            guard
                done.withLock({ done in
                    defer { done = true }
                    return !done
                })
            else { return }
            let expired = DispatchSemaphore(value: 0)
            Task {
                _ = try? await store.database.transaction { connection in
                    try await connection.query(
                        "UPDATE lease SET expires_at = clock_timestamp() - interval '1 second' WHERE tenant = \(tenant)",
                        logger: store.database.logger
                    ).collect()
                }
                expired.signal()
            }
            expired.wait()
        }
    }

    /// A drain cut short because the worker's lease ran out (a stall past it, a heartbeat late)
    /// leaves the tenant to be taken again at once, by this worker too: the lease was lost, not
    /// the tenant's credentials or HubSpot. The worker used to leave such a tenant alone for
    /// `retryFailedAfter` (here an hour), as it does one whose drain failed.
    @Test func aTenantWhoseLeaseRanOutMidDrainIsTakenAgainAtOnce() async throws {
        try await StoreBackend.withPostgresStore { store in
            let changes = Array(LeadSetGenerator(WorkloadSpec(leads: 300, changes: 300, seed: 3)))
            _ = try await store.tenant("t1").changeLog.record(
                changes.map { LeadChange(lead: $0.lead, fields: $0.fieldDictionary, atMilliseconds: $0.atMilliseconds) }
            )
            let expected = ExpectedContacts(changes, mappings: Mapping.defaultProperties)
            let account = try HubSpotSimulator.started(token: Self.token("t1")) {
                $0.rateLimit = nil
                $0.dailyLimit = nil
            }.simulator
            defer { account.stop() }
            // The first batch write is answered only once the lease has run out.
            let expiry = LeaseExpiry(store: store, tenant: "t1")
            account.logRequests { line in if line.contains("contacts.batch") { expiry.expireOnce() } }
            var configuration = TenantWorker.Configuration(worker: "w1")
            configuration.idlePoll = .milliseconds(50)
            configuration.heartbeatInterval = .seconds(3600)
            configuration.retryFailedAfter = .seconds(3600)
            configuration.sync.seed = 7
            configuration.sync.pacer.limit = 10_000
            configuration.sync.pacer.limitIsCap = true
            let own = try await PostgresStore.open(store.address)
            let worker = TenantWorker(
                store: own, configuration: configuration,
                access: { tenant in
                    try await HubSpotAccess.open(
                        configuration: tenant.configuration, credentials: .token(Secret(Self.token("t1"))),
                        apiURL: account.baseURL, transport: CurlTransport())
                })
            let run = Task { await worker.run() }

            let deadline = ContinuousClock.now + .seconds(30)
            var sendable = Int64.max
            while sendable > 0 && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
                let status = try await store.tenant("t1").leads.status()
                sendable = status.pendingLeads - status.awaitingIdentity
            }
            worker.stop()
            await run.value
            await own.close()
            #expect(expiry.happened, "the lease never ran out")
            #expect(sendable == 0)
            #expect(account.contactsByEmail(properties: expected.properties) == expected.contacts)
        }
    }

    /// A worker with nothing to drain takes the free tenant once per `idlePoll`, not in a loop:
    /// its idle wait raced an `AsyncStream` of wakes against the sleep, and the first sleep that
    /// won cancelled the stream's `next()`, which finished the stream; every later wait returned
    /// at once and the worker spun, handing out a lease token per pass.
    @Test func anIdleWorkerWaitsItsPollBetweenPasses() async throws {
        try await StoreBackend.withPostgresStore { store in
            // A lead without an email waits for one: nothing to send.
            _ = try await store.tenant("idle").changeLog.record([
                LeadChange(lead: "L-1", fields: ["first_name": .string("Ann")], atMilliseconds: 1)
            ])
            var configuration = TenantWorker.Configuration(worker: "w1")
            configuration.idlePoll = .milliseconds(200)
            let own = try await PostgresStore.open(store.address)
            let worker = TenantWorker(
                store: own, configuration: configuration, access: { _ in throw CancellationError() })
            let run = Task { await worker.run() }
            func tokens() async throws -> Int64 {
                try await store.database.transaction { connection in
                    try await connection.query("SELECT last_value FROM lease_token", logger: store.database.logger)
                        .collect()[0].decode(Int64.self)
                }
            }
            // Past the first wait (the one that ended the stream), then two seconds: about ten passes.
            try await Task.sleep(for: .milliseconds(500))
            let before = try await tokens()
            try await Task.sleep(for: .seconds(2))
            let passes = try await tokens() - before
            worker.stop()
            await run.value
            await own.close()
            #expect(passes >= 1 && passes <= 15, "\(passes) passes in 2 s with a 200 ms poll")
        }
    }
}

import Foundation
import HubSpotAPI
import HubSpotSimulator
import LeadSyncEngine
import LeadSyncHTTP
import LeadSyncJournal
import LeadSyncPostgres
import LeadSyncServe
import LeadSyncSupport
import LeadSyncTestKit
import LeadSyncWorkload
import Testing

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
}

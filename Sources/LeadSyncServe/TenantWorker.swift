internal import Foundation
package import LeadSyncEngine
package import LeadSyncPostgres
package import LeadSyncSupport
package import Logging
internal import Synchronization

/// One `leadsync serve` worker (decision 0028): it leases tenants of a PostgreSQL store, drains
/// each leased tenant with the same `Reconciler` (contacts, then notes) a single journal uses,
/// and releases it when the drain ends or it had nothing to do. Any number of workers may serve
/// one store: a tenant is drained by one worker at a time, since every write of a leased tenant
/// checks the lease's fencing token (`PostgresStoreError` `.leaseLost` once it is gone).
///
/// Heartbeats extend the leases held every `heartbeatInterval`; a lease the heartbeat finds
/// lost (expired or taken over) has its drain stopped. A killed worker's tenants are free once
/// their leases expire (`leaseDuration`), and another worker takes them on its next pass.
package final class TenantWorker: Sendable {
    package struct Configuration: Sendable {
        /// The name in the lease rows (host and process id, say).
        package var worker: String
        /// How long a lease lasts without a heartbeat: the longest a killed worker's tenants wait.
        package var leaseDuration: Duration = .seconds(15)
        /// How often held leases are extended; well under `leaseDuration`.
        package var heartbeatInterval: Duration = .seconds(5)
        /// Tenants drained at once.
        package var tenantsAtOnce = 4
        /// How long to wait after a pass that found no tenant with work (or none free).
        package var idlePoll: Duration = .seconds(1)
        /// How each tenant is drained (once, not following).
        package var sync = SyncOptions()
        /// How long this worker leaves a tenant alone after its drain failed or ended short of
        /// drained (refused credentials, HubSpot unreachable): other tenants are not held up by
        /// one that cannot be drained now.
        package var retryFailedAfter: Duration = .seconds(30)

        package init(worker: String) { self.worker = worker }
    }

    /// A tenant's HubSpot gateway, from its own credentials.
    package typealias Access = @Sendable (PostgresTenant) async throws -> any ContactsGateway

    private struct State {
        var stopping = false
        /// Held leases, with the drain's reconciler once it exists.
        var held: [TenantLease: Reconciler?] = [:]
        /// Tenants whose last drain here failed, with when they may be drained again.
        var failedUntil: [String: Date] = [:]
    }

    let store: PostgresStore
    let configuration: Configuration
    let access: Access
    let clock: any WallClock
    let logger: Logger
    package let metrics: ServeMetrics
    private let state = Mutex(State())
    /// A drain ended or a stop was asked: the idle wait ends early (the latest wake is kept).
    private let wakes = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))

    package init(
        store: PostgresStore, configuration: Configuration, access: @escaping Access,
        clock: any WallClock = SystemWallClock(), logger: Logger = Logger(label: "leadsync.serve")
    ) {
        self.store = store
        self.configuration = configuration
        self.access = access
        self.clock = clock
        self.logger = logger
        metrics = ServeMetrics()
    }

    /// Leases and drains tenants until ``stop()``; on the way out, every lease still held is
    /// released.
    package func run() async {
        let leases = store.leases(worker: configuration.worker)
        let heartbeat = Task { await self.heartbeats(leases) }
        await withTaskGroup(of: Void.self) { group in
            while !isStopping {
                let free = configuration.tenantsAtOnce - state.withLock { $0.held.count }
                var taken: [TenantLease] = []
                do {
                    taken = try await leases.acquire(limit: free, for: configuration.leaseDuration)
                } catch {
                    logger.error("cannot take tenant leases", metadata: ["error": "\(error)"])
                }
                var started = 0
                for lease in taken {
                    guard await hasWork(lease) else {
                        try? await leases.release([lease])
                        continue
                    }
                    state.withLock { $0.held[lease] = .some(nil) }
                    metrics.leased(lease.tenant)
                    started += 1
                    group.addTask { await self.drain(lease, leases) }
                }
                if started == 0 { await idle() }
            }
            // The drains end within their stop grace, each releasing its lease.
            await group.waitForAll()
        }
        heartbeat.cancel()
        let left = state.withLock { Array($0.held.keys) }
        try? await leases.release(left)
    }

    /// Stops taking tenants, asks every drain to stop (each records what it has and releases
    /// its lease) and ends ``run()``.
    package func stop() {
        let reconcilers = state.withLock { state -> [Reconciler] in
            state.stopping = true
            return state.held.values.compactMap { $0 }
        }
        for reconciler in reconcilers { reconciler.requestStop() }
        wakes.continuation.yield()
    }

    /// The tenants this worker holds now.
    package var heldTenants: [String] { state.withLock { $0.held.keys.map(\.tenant).sorted() } }

    private var isStopping: Bool { state.withLock { $0.stopping } }

    /// Whether the tenant has something sendable: a pending lead with an identity that is not
    /// waiting for a match, or a pending conversation whose lead has a contact. A tenant without
    /// is released at once, sparing HubSpot a drain's opening requests; what waits (no email
    /// yet, create turned off) waits for a change, as it does in `sync --once`.
    private func hasWork(_ lease: TenantLease) async -> Bool {
        let now = clock.now
        let resting = state.withLock { state in
            state.failedUntil = state.failedUntil.filter { $0.value > now }
            return state.failedUntil[lease.tenant] != nil
        }
        if resting { return false }
        let tenant = store.tenant(lease)
        do {
            let status = try await tenant.leads.status()
            if status.pendingLeads - status.awaitingIdentity - status.unmatched > 0 { return true }
            var after: String?
            while true {
                let page = try await tenant.conversations.pending(after: after, limit: 500)
                if page.contains(where: { $0.contactId != nil }) { return true }
                guard page.count == 500, let last = page.last else { return false }
                after = last.conversation
            }
        } catch {
            logger.error("cannot read tenant", metadata: ["tenant": "\(lease.tenant)", "error": "\(error)"])
            return false
        }
    }

    private func drain(_ lease: TenantLease, _ leases: TenantLeases) async {
        var logger = self.logger
        logger[metadataKey: "tenant"] = "\(lease.tenant)"
        let tenant = store.tenant(lease)
        logger.info("tenant leased", metadata: ["token": "\(lease.token)"])
        do {
            let reconciler = Reconciler(
                journal: tenant, gateway: try await access(tenant), options: configuration.sync, clock: clock,
                logger: logger)
            let stopNow = state.withLock { state -> Bool in
                guard state.held[lease] != nil else { return true }
                state.held[lease] = .some(reconciler)
                return state.stopping
            }
            if stopNow { reconciler.requestStop() }
            let report = try await reconciler.run()
            metrics.drained(lease.tenant, report.summary)
            logger.info("tenant drained", metadata: ["ending": "\(report.ending)"])
            switch report.ending {
            case .drained, .stopped, .interrupted: break
            default: rest(lease.tenant)
            }
        } catch {
            metrics.failed(lease.tenant)
            logger.error("tenant drain failed", metadata: ["error": "\(error)"])
            rest(lease.tenant)
        }
        let pending = try? await tenant.leads.status().pendingLeads
        metrics.pending(lease.tenant, pending)
        state.withLock { $0.held[lease] = nil }
        metrics.released(lease.tenant)
        try? await leases.release([lease])
        wakes.continuation.yield()
    }

    /// Leaves `tenant` alone for `retryFailedAfter`.
    private func rest(_ tenant: String) {
        let pause = configuration.retryFailedAfter.components
        let until = clock.now.addingTimeInterval(Double(pause.seconds) + Double(pause.attoseconds) / 1e18)
        state.withLock { $0.failedUntil[tenant] = until }
    }

    /// Extends the held leases every `heartbeatInterval` until cancelled; stops the drains of
    /// leases found lost.
    private func heartbeats(_ leases: TenantLeases) async {
        while !Task.isCancelled {
            do { try await clock.sleep(for: configuration.heartbeatInterval) } catch { return }
            let held = state.withLock { Array($0.held.keys) }
            guard !held.isEmpty else { continue }
            let kept: Set<TenantLease>
            do {
                kept = try await leases.heartbeat(held, for: configuration.leaseDuration)
            } catch {
                // The store is unreachable: the leases run out on their own; writes stay fenced.
                logger.error("cannot extend tenant leases", metadata: ["error": "\(error)"])
                continue
            }
            for lease in held where !kept.contains(lease) {
                logger.warning("tenant lease lost", metadata: ["tenant": "\(lease.tenant)"])
                metrics.lost(lease.tenant)
                let reconciler = state.withLock { $0.held[lease] ?? nil }
                reconciler?.requestStop()
            }
        }
    }

    /// Waits `idlePoll`, or less when a drain ends or a stop is asked.
    private func idle() async {
        let wakes = self.wakes.stream
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await self.clock.sleep(for: self.configuration.idlePoll) }
            group.addTask {
                var woken = wakes.makeAsyncIterator()
                _ = await woken.next()
            }
            await group.next()
            group.cancelAll()
        }
    }
}

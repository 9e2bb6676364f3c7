internal import Foundation
internal import HubSpotAPI
package import LeadSyncEngine
package import LeadSyncPostgres
package import LeadSyncSupport
package import Logging
internal import Synchronization

/// One `leadsync serve` worker (decision 0028): it leases tenants of a PostgreSQL store, pulls
/// each leased tenant that pulls when its pull is due (`PullImporter`, decision 0036), drains it
/// with the same `Reconciler` (contacts, then notes) a single journal uses, and releases it when
/// that is done or it had nothing to do. Any number of workers may serve
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
        /// How each tenant is drained (once, not following); its pacer paces pulls' lists too.
        package var sync = SyncOptions()
        /// How often a tenant that pulls (it has pull rules, or has pulled before) is pulled: its
        /// incremental pull is due this long after its last pull ended (decision 0036). Nil:
        /// never.
        package var pullInterval: Duration? = .seconds(300)
        /// How long this worker leaves a tenant alone after its drain failed or ended short of
        /// drained (refused credentials, HubSpot unreachable): other tenants are not held up by
        /// one that cannot be drained now.
        package var retryFailedAfter: Duration = .seconds(30)

        package init(worker: String) { self.worker = worker }
    }

    /// A tenant's HubSpot client and gateway, from its own credentials.
    package typealias Access = @Sendable (PostgresTenant) async throws -> HubSpotAccess

    /// What a leased tenant is doing, for a stop or a lost lease to interrupt it.
    private enum Activity {
        case starting
        /// A pull is resumable: cancelled, it keeps every page it committed.
        case pulling(Task<PullCounts, any Error>)
        case draining(Reconciler)

        func interrupt() {
            switch self {
            case .starting: break
            case .pulling(let pull): pull.cancel()
            case .draining(let reconciler): reconciler.requestStop()
            }
        }
    }

    /// What a leased tenant has to do.
    private struct Work {
        var pull = false
        var drain = false
    }

    private struct State {
        var stopping = false
        /// Held leases, with what each tenant is doing.
        var held: [TenantLease: Activity] = [:]
        /// Tenants whose last drain here failed, with when they may be drained again.
        var failedUntil: [String: Date] = [:]
        /// The idle wait under way, which a wake cancels.
        var idling: Task<Void, Never>?
        /// A wake came while no idle wait was under way: the next one ends at once.
        var woken = false
    }

    let store: PostgresStore
    let configuration: Configuration
    let access: Access
    let clock: any WallClock
    let logger: Logger
    package let metrics: ServeMetrics
    private let state = Mutex(State())

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
        // Discarding: a tenant's turn is freed when it ends, where a plain group would keep every
        // finished turn for as long as the worker runs.
        await withDiscardingTaskGroup { group in
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
                    let work = await work(lease)
                    guard work.pull || work.drain else {
                        try? await leases.release([lease])
                        continue
                    }
                    state.withLock { $0.held[lease] = .starting }
                    metrics.leased(lease.tenant)
                    started += 1
                    group.addTask { await self.serve(lease, work, leases) }
                }
                if started == 0 { await idle() }
            }
            // The group waits for the drains, which end within their stop grace, each releasing
            // its lease.
        }
        heartbeat.cancel()
        let left = state.withLock { Array($0.held.keys) }
        try? await leases.release(left)
    }

    /// Stops taking tenants, asks every drain to stop (each records what it has and releases
    /// its lease) and ends ``run()``.
    package func stop() {
        let activities = state.withLock { state in
            state.stopping = true
            return Array(state.held.values)
        }
        for activity in activities { activity.interrupt() }
        wake()
    }

    /// The tenants this worker holds now.
    package var heldTenants: [String] { state.withLock { $0.held.keys.map(\.tenant).sorted() } }

    private var isStopping: Bool { state.withLock { $0.stopping } }

    /// What the tenant has to do. A pull when one is due. A drain when it has something
    /// sendable: a pending lead with an identity that is not waiting for a match, or a pending
    /// conversation whose lead has a contact. A tenant with neither is released at once, sparing
    /// HubSpot a drain's opening requests; what waits (no email yet, create turned off) waits for
    /// a change, as it does in `sync --once`.
    private func work(_ lease: TenantLease) async -> Work {
        let now = clock.now
        let resting = state.withLock { state in
            state.failedUntil = state.failedUntil.filter { $0.value > now }
            return state.failedUntil[lease.tenant] != nil
        }
        if resting { return Work() }
        let tenant = store.tenant(lease)
        do {
            var work = Work(pull: try await pullDue(tenant))
            let status = try await tenant.leads.status()
            if status.pendingLeads - status.awaitingIdentity - status.unmatched > 0 {
                work.drain = true
                return work
            }
            var after: String?
            while true {
                let page = try await tenant.conversations.pending(after: after, limit: 500)
                if page.contains(where: { $0.contactId != nil }) {
                    work.drain = true
                    return work
                }
                guard page.count == 500, let last = page.last else { return work }
                after = last.conversation
            }
        } catch {
            logger.error("cannot read tenant", metadata: ["tenant": "\(lease.tenant)", "error": "\(error)"])
            return Work()
        }
    }

    /// Whether the tenant pulls (it has pull rules, or has pulled before) and its last pull
    /// ended `pullInterval` ago or more (or it never ended one).
    private func pullDue(_ tenant: PostgresTenant) async throws -> Bool {
        guard let interval = configuration.pullInterval else { return false }
        let settings = try await tenant.configuration.settings()
        let pulled = settings[.pullCursor] != nil || settings[.fullPullCheckpoint] != nil
        if !pulled, try await tenant.configuration.pullRules().isEmpty { return false }
        guard let last = settings[.lastPullAt].flatMap(Timestamp.parse) else { return true }
        let (seconds, attoseconds) = interval.components
        return Timestamp.epochMilliseconds(clock.now) - last >= seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    private func serve(_ lease: TenantLease, _ work: Work, _ leases: TenantLeases) async {
        var logger = self.logger
        logger[metadataKey: "tenant"] = "\(lease.tenant)"
        let tenant = store.tenant(lease)
        logger.info("tenant leased", metadata: ["token": "\(lease.token)"])
        do {
            let access = try await access(tenant)
            // The worker's limits, with the daily one reset at the tenant's account midnight.
            var options = configuration.sync
            try await options.pacer.adoptAccountTimeZone(of: tenant)
            if work.pull { await pull(tenant, lease, client: access.client, pacer: options.pacer, logger: logger) }
            if work.drain {
                try await drain(tenant, lease, gateway: access.gateway(), options: options, logger: logger)
            }
        } catch let error as PostgresStoreError where error.code == .leaseLost {
            // This worker's lease ran out (a stall, a heartbeat late behind the drain's writes), not
            // the tenant: any worker may take it again at once, this one included. Resting it here
            // would have every worker that lost it leave it alone for `retryFailedAfter`.
            metrics.lost(lease.tenant)
            logger.warning("tenant drain ended: lease lost", metadata: ["error": "\(error)"])
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
        wake()
    }

    /// Runs the tenant's pull (incremental; a full one resumed or, for a tenant with pull rules
    /// that never pulled, begun). A failed pull is logged and leaves the tenant alone for
    /// `retryFailedAfter` after its drain, so it is not retried at every pass.
    private func pull(
        _ tenant: PostgresTenant, _ lease: TenantLease, client: HubSpotClient, pacer: Pacer.Configuration,
        logger: Logger
    ) async {
        var pullConfiguration = PullImporter.Configuration()
        pullConfiguration.pacer = pacer
        let importer = PullImporter(
            journal: tenant, client: client, clock: clock, configuration: pullConfiguration, logger: logger)
        let pull = Task { try await importer.run(full: false) }
        guard start(.pulling(pull), for: lease) else {
            pull.cancel()
            _ = await pull.result
            return
        }
        do {
            let counts = try await pull.value
            metrics.pulled(lease.tenant, counts)
            logger.info("tenant pulled", metadata: ["pull.counts": "\(counts.json)"])
        } catch {
            metrics.pullFailed(lease.tenant)
            logger.error("tenant pull failed", metadata: ["error": "\(error)"])
            rest(lease.tenant)
        }
    }

    private func drain(
        _ tenant: PostgresTenant, _ lease: TenantLease, gateway: any ContactsGateway, options: SyncOptions,
        logger: Logger
    ) async throws {
        let reconciler = Reconciler(journal: tenant, gateway: gateway, options: options, clock: clock, logger: logger)
        if !start(.draining(reconciler), for: lease) { reconciler.requestStop() }
        let report = try await reconciler.run()
        metrics.drained(lease.tenant, report.summary)
        logger.info("tenant drained", metadata: ["ending": "\(report.ending)"])
        switch report.ending {
        case .drained, .stopped, .interrupted: break
        default: rest(lease.tenant)
        }
    }

    /// Records what the leased tenant does now; false when it must stop at once (the worker is
    /// stopping, or the lease was found lost).
    private func start(_ activity: Activity, for lease: TenantLease) -> Bool {
        state.withLock { state in
            guard state.held[lease] != nil, !state.stopping else { return false }
            state.held[lease] = activity
            return true
        }
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
        let held: @Sendable () -> [TenantLease] = { self.state.withLock { Array($0.held.keys) } }
        await leases.keep(
            held, every: configuration.heartbeatInterval, for: configuration.leaseDuration, clock: clock,
            logger: logger
        ) { lease in
            self.logger.warning("tenant lease lost", metadata: ["tenant": "\(lease.tenant)"])
            self.metrics.lost(lease.tenant)
            self.state.withLock { $0.held[lease] }?.interrupt()
        }
    }

    /// Waits `idlePoll`, or less when a drain ends or a stop is asked (``wake()``).
    ///
    /// Not an `AsyncStream` of wakes raced against the sleep: cancelling the losing `next()`
    /// finishes such a stream for good, and every later wait returned at once: the worker spun
    /// through passes (a lease query each while a slot was free) on all the CPU it could get.
    private func idle() async {
        let clock = self.clock
        let pause = configuration.idlePoll
        let wait = Task { _ = try? await clock.sleep(for: pause) }
        let woken = state.withLock { state in
            guard !state.woken else {
                state.woken = false
                return true
            }
            state.idling = wait
            return false
        }
        if woken { wait.cancel() }
        await wait.value
        state.withLock { $0.idling = nil }
    }

    /// A drain ended or a stop was asked: ends the idle wait under way, or the next one.
    private func wake() {
        let idling = state.withLock { state in
            if state.idling == nil { state.woken = true }
            return state.idling
        }
        idling?.cancel()
    }
}

import Foundation
import LeadSyncEngine
import LeadSyncJournal
import LeadSyncSupport
import Logging

/// What runs beside the reconciler in `sync --follow`: the health watch (readiness, the stall
/// watchdog), retention, and with `--listen` the metrics and the HTTP endpoint.
struct FollowDaemon: Sendable {
    let health: SyncHealth
    let retention: JournalRetention
    let metrics: SyncMetrics?
    let endpoint: HealthEndpoint?

    /// Subscribes to `events` (before the sync starts, so nothing is missed) and binds `--listen`.
    init(sync: SyncCommand, journal: Journal, events: SyncEvents, logger: Logger) throws {
        // With --listen, the metrics backend is bootstrapped before SyncHealth records its first gauges.
        if sync.listen != nil { _ = HealthEndpoint.registry }
        health = SyncHealth(
            journal: journal, events: events, stallAfter: .milliseconds(Int64(sync.stallAfter.seconds * 1000)),
            logger: logger)
        retention = JournalRetention(
            journal: journal, policy: .init(keep: .milliseconds(Int64(sync.retain.seconds * 1000))), logger: logger)
        guard let address = sync.listen else {
            metrics = nil
            endpoint = nil
            return
        }
        let metrics = SyncMetrics(journal: journal, events: events)
        let global = sync.global
        let endpoint = HealthEndpoint(
            journal: journal, health: health, metrics: metrics,
            status: { journal in .object(try await StatusDocument.entries(global: global, journal: journal)) })
        try endpoint.start(address, logger: logger)
        self.metrics = metrics
        self.endpoint = endpoint
    }

    /// Runs until the task is cancelled.
    func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await health.run() }
            group.addTask { await retention.run() }
            if let metrics { group.addTask { await metrics.run() } }
        }
    }

    /// The sync has ended: not ready any more, stop the background work and the endpoint.
    func stop(_ background: Task<Void, Never>?) async {
        health.stopping()
        background?.cancel()
        await background?.value
        endpoint?.stop()
    }
}

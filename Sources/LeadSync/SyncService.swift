import Foundation
import HubSpotAPI
import LeadSyncEngine
import LeadSyncHTTP
import LeadSyncJournal
import Logging
public import ServiceLifecycle

/// Drains a ``LeadJournal`` into HubSpot and follows it: every change recorded goes out in
/// HubSpot's batch APIs within about ``LeadJournal/Configuration/pollInterval`` once the backlog
/// is sent, paced under the account's limits, retried through outages, and paused (not ended)
/// while HubSpot needs reconnecting or the daily limit is spent. Beside it run what a months-long
/// run needs: retention (``LeadJournal/Configuration/retention``), the stall watchdog
/// (``LeadJournal/Configuration/stallAfter``), and swift-metrics recording (exported only if the
/// app bootstrapped a metrics backend).
///
/// A swift-service-lifecycle `Service`: run it in the app's `ServiceGroup`, which owns signals
/// and shutdown. On graceful shutdown (or cancellation) it starts no new request, gives the
/// requests in flight a second to be answered and recorded, and returns; whatever was not
/// answered stays pending for the next run. It never bootstraps logging nor handles signals.
///
/// ```swift
/// let sync = leads.syncService(logger: logger)
/// let events = sync.events                  // subscribe before running, to miss nothing
/// let group = ServiceGroup(services: [sync], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
/// try await withThrowingDiscardingTaskGroup { tasks in
///     tasks.addTask { try await group.run() }
///     tasks.addTask { for await event in events { print(event) } }   // ends when the sync does
/// }
/// ```
///
/// One sync runs per journal file at a time (a lock beside the journal, shared with
/// `leadsync sync`): a second one throws ``SyncServiceError`` at once. A service runs once; make
/// another with ``LeadJournal/syncService(logger:)`` to sync again.
public final class SyncService: Service, Sendable {
    private let leads: LeadJournal
    private let logger: Logger
    private let source = SyncEvents()

    init(leads: LeadJournal, logger: Logger) {
        self.leads = leads
        self.logger = logger
    }

    /// What the sync does from now on, until ``run()`` returns; see ``DeliveryEvents``.
    public var events: DeliveryEvents {
        DeliveryEvents(source: source.subscribe())
    }

    /// Syncs until graceful shutdown or cancellation (then returns normally), or until the sync
    /// cannot go on: throws ``SyncServiceError`` when the journal is already syncing elsewhere,
    /// there are no credentials, or HubSpot refuses a scope the sync needs.
    public func run() async throws {
        defer { source.finish() }
        let journal = leads.journal
        let lock: SyncLock
        do {
            lock = try SyncLock(journalPath: leads.path)
        } catch let error as SyncError {
            throw SyncServiceError(error.message)
        }
        defer { lock.release() }

        let configuration = leads.configuration
        var pacer = Pacer.Configuration()
        if let limit = configuration.rateLimit {
            pacer.limit = limit
            pacer.limitIsCap = true
        }
        if let daily = configuration.dailyLimit {
            pacer.dailyLimit = daily
            pacer.dailyLimitIsCap = true
        }
        try await pacer.adoptAccountTimeZone(of: journal)
        let access: HubSpotAccess
        do {
            access = try await HubSpotAccess.open(
                journal: journal, credentials: leads.credentials.source(journalPath: leads.path),
                apiURL: configuration.hubSpotURL, transport: CurlTransport(),
                admission: try RequestBudget(
                    configuration: pacer, ledgerPath: RequestBudget.ledgerPath(journalPath: leads.path)),
                logger: logger)
        } catch let error as ConnectionError {
            throw SyncServiceError(error.message)
        }
        var options = SyncOptions()
        options.follow = true
        options.pacer = pacer
        options.pollInterval = configuration.pollInterval
        let reconciler = Reconciler(
            journal: journal, gateway: access.gateway(), options: options, logger: logger, events: source)
        // Beside the sync, on its events: the stall watchdog, swift-metrics (recorded only; the
        // app's backend, if it bootstrapped one, exports them) and retention.
        let health = SyncHealth(journal: journal, events: source, stallAfter: configuration.stallAfter, logger: logger)
        let metrics = SyncMetrics(journal: journal, events: source)
        let retention = configuration.retention.map {
            JournalRetention(journal: journal, policy: .init(keep: $0), logger: logger)
        }
        let report = try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await health.run() }
            group.addTask { await metrics.run() }
            if let retention { group.addTask { await retention.run() } }
            defer {
                health.stopping()
                source.finish()
                group.cancelAll()
            }
            return try await withTaskCancellationOrGracefulShutdownHandler {
                try await reconciler.run()
            } onCancelOrGracefulShutdown: {
                reconciler.requestStop()
            }
        }
        switch report.ending {
        case .drained, .stopped, .interrupted, .deadlineReached: return
        case .reconnectionRequired(let message):
            throw SyncServiceError("HubSpot access must be reconnected: \(message)")
        case .dailyLimit(let resetAt):
            throw SyncServiceError("HubSpot's daily limit is spent until \(resetAt)")
        case .gaveUp(let lastError): throw SyncServiceError("the sync gave up: \(lastError)")
        case .missingScopes(let scopes, let message):
            throw SyncServiceError(
                "HubSpot refused: missing scope \(scopes.joined(separator: ", ")) (\(message))")
        case .untrusted: throw SyncServiceError("\(report.ending)")
        }
    }
}

/// Why a ``SyncService`` could not run or had to stop, in words naming the cause.
public struct SyncServiceError: Error, Sendable, Hashable, CustomStringConvertible {
    public let message: String

    init(_ message: String) { self.message = message }

    public var description: String { message }
}

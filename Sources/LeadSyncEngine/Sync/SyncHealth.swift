package import Foundation
package import LeadSyncJournal
package import LeadSyncSupport
package import Logging
import Metrics
import Synchronization

/// Whether a following sync is doing its job, for a readiness probe and the operator: built on
/// the sync's ``SyncEvents`` and the journal's pending counts, with a ``StallWatchdog``.
///
/// Not ready while starting (until HubSpot first answers), while access must be reconnected,
/// while stalled, and once stopping. A stall is also written to the journal
/// (``SettingKey/stalledSince``, which `status` shows), logged as a warning, and recorded as the
/// `leadsync_stalled` gauge (`leadsync_ready` for readiness); both clear when delivery resumes.
///
/// ```swift
/// let events = SyncEvents()
/// let health = SyncHealth(journal: journal, events: events, stallAfter: .seconds(900))
/// async let watching: Void = health.run()        // until cancelled
/// if !health.readiness.isReady { print(health.readiness.reason) }
/// ```
package final class SyncHealth: Sendable {
    /// What a readiness probe answers.
    package enum Readiness: Sendable, Hashable {
        case starting
        case ready
        case reconnectionRequired
        case stalled(since: Date)
        case stopping

        package var isReady: Bool { self == .ready }

        /// One line for the probe's body.
        package var reason: String {
            switch self {
            case .starting: "starting: HubSpot has not answered yet"
            case .ready: "ready"
            case .reconnectionRequired: "HubSpot access must be reconnected (leadsync connect)"
            case .stalled(let since): "stalled: work pending and nothing recorded since \(Timestamp.format(since))"
            case .stopping: "shutting down"
            }
        }
    }

    private struct State {
        var answered = false
        var reconnecting = false
        var stopping = false
        var watchdog: StallWatchdog
    }

    package let journal: any JournalStores
    let checkInterval: Duration
    let clock: any WallClock
    let logger: Logger
    private let state: Mutex<State>
    private let stream: AsyncStream<SyncEvent>

    /// - Parameters:
    ///   - stallAfter: how long sendable work may wait with nothing recorded before it is a stall.
    ///   - checkInterval: how often the journal's pending counts are read (default: a tenth of
    ///     `stallAfter`, between 1 and 30 seconds).
    package init(
        journal: any JournalStores, events: SyncEvents, stallAfter: Duration, checkInterval: Duration? = nil,
        clock: any WallClock = SystemWallClock(), logger: Logger = Logger(label: "leadsync.health")
    ) {
        self.journal = journal
        self.checkInterval =
            checkInterval ?? .interval(min(30, max(1, stallAfter.timeInterval / 10)))
        self.clock = clock
        self.logger = logger
        self.state = Mutex(State(watchdog: StallWatchdog(threshold: stallAfter, now: clock.now)))
        // Subscribed now, so nothing the sync emits before run() is missed.
        self.stream = events.subscribe(buffering: .unbounded)
        Gauge(label: "leadsync_ready").record(0)
        Gauge(label: "leadsync_stalled").record(0)
    }

    package var readiness: Readiness {
        state.withLock { state in
            if state.stopping { return .stopping }
            if state.reconnecting { return .reconnectionRequired }
            if !state.answered { return .starting }
            if let since = state.watchdog.stalledSince { return .stalled(since: since) }
            return .ready
        }
    }

    /// The sync is shutting down: not ready from now on.
    package func stopping() {
        state.withLock { $0.stopping = true }
        Gauge(label: "leadsync_ready").record(0)
    }

    /// Follows the sync's events and checks the journal every `checkInterval` until cancelled;
    /// then forgets a stall it had recorded (a stopped sync is not stalled).
    package func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await event in self.stream { await self.observe(event) }
            }
            group.addTask {
                while !Task.isCancelled {
                    await self.check()
                    do { try await self.clock.sleep(for: self.checkInterval) } catch { return }
                }
            }
            await group.waitForAll()
        }
        if state.withLock({ $0.watchdog.stalledSince != nil }) {
            try? await journal.configuration.setSettings([.stalledSince: nil])
        }
    }

    func observe(_ event: SyncEvent) async {
        let now = clock.now
        let transition = state.withLock { state -> StallWatchdog.Transition? in
            switch event {
            case .requestAnswered(failure: nil), .recorded, .caughtUp: state.answered = true
            case .paused(.reconnectionRequired): state.reconnecting = true
            case .resumed: state.reconnecting = false
            case .requestAnswered, .paused: break
            }
            return state.watchdog.observe(event, now: now)
        }
        await apply(transition)
    }

    /// Reads the journal's pending counts and lets the watchdog judge.
    func check() async {
        do {
            let status = try await journal.leads.status()
            let sendable = status.pendingLeads - status.awaitingIdentity - status.unmatched
            let now = clock.now
            await apply(state.withLock { $0.watchdog.check(sendablePending: sendable, now: now) })
        } catch {
            logger.debug("health check could not read the journal", metadata: ["error": "\(error)"])
        }
    }

    private func apply(_ transition: StallWatchdog.Transition?) async {
        Gauge(label: "leadsync_ready").record(readiness.isReady ? 1 : 0)
        guard let transition else { return }
        switch transition {
        case .stalled(let since):
            logger.warning(
                "sync stalled: sendable changes are pending and nothing was recorded",
                metadata: ["since": "\(Timestamp.format(since))"])
            Gauge(label: "leadsync_stalled").record(1)
            try? await journal.configuration.setSettings([.stalledSince: Timestamp.format(since)])
        case .cleared:
            logger.info("sync no longer stalled")
            Gauge(label: "leadsync_stalled").record(0)
            try? await journal.configuration.setSettings([.stalledSince: nil])
        }
    }
}

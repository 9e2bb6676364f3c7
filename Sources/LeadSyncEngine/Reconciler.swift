import Foundation
import HubSpotAPI
package import LeadSyncJournal
package import LeadSyncSupport
package import Logging
import Synchronization

/// The reconciliation loop: drains the journal's pending changes into HubSpot.
///
/// Its decisions live in ``StateMachine`` (pure, tested without I/O); this shell performs the
/// actions the machine returns: it fetches HubSpot's property definitions and sends batches as
/// child tasks (the machine's pacer decides how many and when), queues outcomes on a
/// ``JournalLane`` that records them in order while the requests already in flight go on, reads
/// the journal in bounded windows on that lane (after the outcomes queued before, while the loop
/// goes on), and runs timers for backoff and pacing, so a stalled queue never waits for a new
/// local write to wake up.
///
/// Crash safety: outcomes are recorded only after HubSpot answered, in one transaction per
/// answer (or per answers queued together while the lane was busy, none of which a send waited
/// for), and a batch goes on the wire only once every answer received before it is recorded.
/// So the batches HubSpot may have applied without a surviving record are at most those in
/// flight: a kill at any moment re-sends no more (batch upsert and update by id are idempotent),
/// and the journal only marks the exact value sent.
///
/// ```swift
/// let reconciler = Reconciler(journal: journal, gateway: gateway, options: options)
/// let report = try await reconciler.run { summary in print(summary.delivered) }
/// ```
package final class Reconciler: Sendable {
    package let journal: any JournalStores
    package let gateway: any ContactsGateway
    package let options: SyncOptions
    /// What the sync does, as it happens (outcomes recorded, pauses, answers): subscribe before
    /// ``run(progress:)`` to miss nothing.
    package let events: SyncEvents
    let clock: any WallClock
    let logger: Logger
    /// The notes lane, when the gateway also writes notes: conversations go out after the
    /// contacts they depend on, under the same pacer.
    let notes: NotesSync?
    /// What the notes lane did in this run (added to the report).
    private let notesSummary = Mutex(DrainSummary())
    /// Where the running loop listens; nil outside ``run(progress:)``.
    private let loopEvents: Mutex<AsyncStream<Event>.Continuation?> = Mutex(nil)
    /// Asked for by ``requestStop()``: the notes lane's waits, and the budget's for this sync's
    /// requests, end on it at once.
    let stop = StopSignal()

    package init(
        journal: any JournalStores, gateway: any ContactsGateway, options: SyncOptions = SyncOptions(),
        clock: any WallClock = SystemWallClock(), logger: Logger = Logger(label: "leadsync.sync"),
        events: SyncEvents = SyncEvents()
    ) {
        self.journal = journal
        self.gateway = gateway
        self.options = options
        self.events = events
        self.clock = clock
        self.logger = logger
        self.notes = (gateway as? any NotesGateway).map {
            NotesSync(journal: journal, gateway: $0, options: options, clock: clock, logger: logger)
        }
    }

    /// Asks a running sync to stop: no new request starts; requests in flight get
    /// ``SyncOptions/stopGrace`` to be answered (and recorded), then are abandoned, still pending.
    package func requestStop() {
        stop.request()
        _ = loopEvents.withLock { $0?.yield(.stop) }
    }

    /// What happened, delivered to the loop one at a time.
    enum Event: Sendable {
        case definitions(GatewayAnswer<[PropertyDefinition]>, RoundTrip)
        case answered(Int, GatewayAnswer<BatchAnswer>, RoundTrip)
        /// The window a `.loadWindow` asked for, read on the journal lane.
        case windowRead(Result<WindowRead, any Error>)
        /// A batch was not sent because recording an earlier answer failed.
        case recordFailed
        case wake
        case deadline
        case stop
        /// The requests still in flight after a stop had their grace.
        case abandon
        /// Time to look for changes recorded since the drain began.
        case fresh
        case poll
        case probe
    }

    /// A window of pending leads, read after the outcomes recorded before it was asked for.
    struct WindowRead: Sendable {
        var leads: [PendingLead]
        /// The journal's size when a new pass began (follow mode).
        var journalEntries: Int64?
        /// When the loop asked for it, the lane reached it, and it was read (the trace's times).
        var asked: Date
        var drained: Date
        var read: Date
    }

    /// Why the loop stops issuing.
    enum StopCause {
        /// `--max-seconds`.
        case deadline
        /// ``requestStop()`` (SIGINT, SIGTERM).
        case request
        /// The machine ended the drain (gave up, missing scope, a pause `--once` cannot wait out).
        case ending
    }

    /// Runs the sync until it drains (`--once`), is stopped, or cannot go on. `progress` is
    /// called after every answer with the running totals.
    package func run(progress: (@Sendable (DrainSummary) -> Void)? = nil) async throws -> SyncReport {
        let started = clock.now
        // The budget's admission sees the stop too (StopSignal.current).
        var report = try await StopSignal.$current.withValue(stop) { try await drain(progress: progress) }
        report.summary.absorb(notesSummary.withLock { $0 })
        report.summary.elapsedSeconds = clock.now.timeIntervalSince(started)
        let summary = report.summary
        logger.debug(
            "sync ended",
            metadata: [
                "sync.ending": "\(report.ending)", "sync.delivered": "\(summary.delivered)",
                "sync.rejected": "\(summary.rejected)", "sync.skipped": "\(summary.skipped)",
                "sync.requests": "\(summary.requests)", "sync.rate_limited": "\(summary.rateLimited)",
            ])
        switch report.ending {
        case .drained, .stopped:
            try await journal.configuration.setSettings([.lastSyncAt: Timestamp.format(clock.now), .lastError: nil])
        case .interrupted:
            break
        default:
            try await journal.configuration.setSettings([.lastError: report.ending.description])
        }
        return report
    }

    private func drain(progress: (@Sendable (DrainSummary) -> Void)?) async throws -> SyncReport {
        let (stream, continuation) = AsyncStream<Event>.makeStream()
        loopEvents.withLock { $0 = continuation }
        defer {
            loopEvents.withLock { $0 = nil }
            continuation.finish()
        }
        // Changes recorded from now on go ahead of the backlog.
        let backlogThrough = try await journal.changeLog.lastSeq()
        _ = try await journal.changeLog.fold()
        let pushRules = try await journal.configuration.pushRules()
        guard pushRules.update else { return SyncReport(ending: .drained, summary: DrainSummary()) }
        var configuration = Reconciler.StateMachine<SplitMix64>.Configuration(pushRules: pushRules)
        configuration.pacer = options.pacer
        configuration.backoff = options.backoff
        configuration.giveUpAfter = options.follow ? nil : options.giveUpAfter
        // The machine queues more while the pacer has free slots (`refillTarget`).
        configuration.refillBelow = options.windowSize * 4 / 5
        var machine = Reconciler.StateMachine(
            configuration: configuration, random: SplitMix64(seed: options.seed), now: clock.now)

        let lane = JournalLane(journal: journal, events: events, logger: logger, clock: clock)
        // Discarding: each request's task is freed when it ends. A plain task group keeps every
        // finished child until it is awaited, and answers come through `stream`, so a long drain
        // held every request's task frames to its end (270 MB at 10^6 leads, docs/benchmarks.md).
        return try await withThrowingDiscardingTaskGroup(returning: SyncReport.self) { group in
            group.addTask { await lane.run() }
            defer {
                lane.finish()
                group.cancelAll()
            }
            var loop = Loop(reconciler: self, continuation: continuation, lane: lane)
            if let limit = options.maximumDuration {
                loop.schedule(.deadline, after: limit, in: &group)
            }
            loop.freshSeq = backlogThrough
            loop.schedule(.fresh, after: options.freshInterval, in: &group)
            var actions = machine.start(now: clock.now)
            if stop.isRequested { continuation.yield(.stop) }
            var iterator = stream.makeAsyncIterator()
            // Once the sync must end, answers still in flight are recorded first, so the journal
            // knows what HubSpot took; those that take longer than the grace are abandoned.
            var ending: SyncReport.Ending?
            while true {
                if let reached = try await loop.perform(actions, on: &machine, in: &group), ending == nil {
                    ending = reached
                    loop.beginStop(.ending, in: &group)
                    _ = machine.stopIssuing(now: clock.now)
                }
                if let ending, machine.requestsInFlight == 0 {
                    try await lane.drain()
                    return SyncReport(ending: ending, summary: machine.summary)
                }
                guard let event = await iterator.next() else {
                    try await lane.drain()
                    return SyncReport(ending: ending ?? .stopped, summary: machine.summary)
                }
                let now = clock.now
                switch event {
                case .definitions(let answer, let roundTrip):
                    loop.note(answer.result.map { _ in () }, of: "the property definitions request")
                    events.emit(.requestAnswered(failure: answer.result.failure))
                    actions = machine.definitionsReceived(
                        answer.result, rateLimit: answer.rateLimit, now: now, roundTrip: roundTrip)
                case .answered(let id, let answer, let roundTrip):
                    logger.trace(
                        "answer handled",
                        metadata: [
                            "request.id": "\(id)", "trace.handled_ms": "\(Timestamp.epochMilliseconds(now))",
                            "trace.answered_ms": "\(Timestamp.epochMilliseconds(roundTrip.answered))",
                        ])
                    loop.note(answer.result.map { _ in () }, of: "request \(id)")
                    events.emit(.requestAnswered(failure: answer.result.failure))
                    switch answer.result {
                    case .success(let response):
                        CrashPoint.afterApply.hit()
                        actions = machine.responseReceived(
                            id, response, rateLimit: answer.rateLimit, now: now, roundTrip: roundTrip)
                    case .failure(let failure):
                        actions = machine.requestFailed(
                            id, failure, rateLimit: answer.rateLimit, now: now, roundTrip: roundTrip)
                    }
                    progress?(machine.summary)
                case .windowRead(let read):
                    actions = try loop.windowRead(read.get(), into: &machine)
                case .recordFailed:
                    try await lane.drain()
                case .wake:
                    loop.timerDue = nil
                    actions = machine.wake(now: now)
                case .deadline, .stop:
                    if loop.waitingForChanges {
                        try await lane.drain()
                        return SyncReport(ending: .stopped, summary: machine.summary)
                    }
                    if case .deadline = event {
                        loop.beginStop(.deadline, in: &group)
                    } else {
                        loop.beginStop(.request, in: &group)
                    }
                    actions = machine.stopIssuing(now: now)
                case .abandon:
                    // Still in flight after the grace: left pending, sent again by the next sync.
                    try await lane.drain()
                    return SyncReport(
                        ending: ending ?? loop.stoppedEnding(sendableLeft: true), summary: machine.summary)
                case .fresh:
                    actions = try await loop.loadFreshLeads(&machine, in: &group)
                case .poll:
                    actions = try await loop.pollForChanges(&machine, in: &group)
                case .probe:
                    actions = await loop.probe(&machine, in: &group)
                }
            }
        }
    }

    /// The loop's own state: timers, the journal cursor, follow-mode bookkeeping.
    struct Loop {
        let reconciler: Reconciler
        let continuation: AsyncStream<Event>.Continuation
        let lane: JournalLane
        var cursor: Int64 = 0
        var timerDue: Date?
        /// Set once the loop stops issuing, with the first reason.
        var stopCause: StopCause?
        var stopping: Bool { stopCause != nil }
        /// Requests have been failing since the last success (logged once, then at debug).
        var failing = false
        /// The last change looked at for fresh leads.
        var freshSeq: Int64 = 0
        var lastRecheck: Date
        var waitingForChanges = false
        /// Paused until new credentials are stored (`reconnection_required`).
        var awaitingReconnection = false
        /// The journal's size when the last pass began, to notice appends.
        var journalEntries: Int64?
        /// The conversation counts after the last notes drain, to notice new messages.
        var conversations: ConversationCounts?
        /// When `--max-seconds` runs out.
        let deadline: Date?

        init(reconciler: Reconciler, continuation: AsyncStream<Event>.Continuation, lane: JournalLane) {
            self.reconciler = reconciler
            self.continuation = continuation
            self.lane = lane
            self.lastRecheck = reconciler.clock.now
            self.deadline = reconciler.options.maximumDuration.map {
                reconciler.clock.now.addingTimeInterval($0.timeInterval)
            }
        }

        var options: SyncOptions { reconciler.options }
        var journal: any JournalStores { reconciler.journal }
        var clock: any WallClock { reconciler.clock }
        var logger: Logger { reconciler.logger }

        /// Stops issuing for `cause` (the first one counts), and abandons what is still in
        /// flight after the grace.
        mutating func beginStop(_ cause: StopCause, in group: inout ThrowingDiscardingTaskGroup<any Error>) {
            guard stopCause == nil else { return }
            stopCause = cause
            schedule(.abandon, after: options.stopGrace, in: &group)
        }

        /// How a stop by ``beginStop(_:in:)`` ends the sync when the machine has finished.
        func stoppedEnding(sendableLeft: Bool) -> SyncReport.Ending {
            switch stopCause {
            case .deadline: sendableLeft ? .deadlineReached : .drained
            case .request?: options.follow ? .stopped : sendableLeft ? .interrupted : .drained
            case .ending?, nil: sendableLeft ? .interrupted : .drained
            }
        }

        /// Logs a failure (a warning when failures begin, then at debug) and a recovery.
        mutating func note(_ result: Result<Void, RequestFailure>, of request: String) {
            switch result {
            case .success:
                if failing { logger.info("HubSpot answers again") }
                failing = false
            case .failure(.refused), .failure(.reconnectionRequired), .failure(.missingScopes), .failure(.untrusted):
                // Recorded or reported where it is handled: HubSpot answered, or no retry cures it.
                break
            case .failure(let failure):
                let metadata: Logger.Metadata = ["request": "\(request)", "failure": "\(failure)"]
                // After a stop, requests waiting for the budget are refused (cancelled): not news.
                if failing || stopping {
                    logger.debug("request failed; retrying", metadata: metadata)
                } else {
                    logger.warning("HubSpot request failed; retrying", metadata: metadata)
                }
                failing = true
            }
        }

        /// Performs `actions` (and those they lead to) in order; returns an ending when the sync
        /// must return.
        mutating func perform(
            _ actions: [Reconciler.StateMachine<SplitMix64>.Action],
            on machine: inout Reconciler.StateMachine<SplitMix64>,
            in group: inout ThrowingDiscardingTaskGroup<any Error>
        ) async throws -> SyncReport.Ending? {
            var queue = actions[...]
            while let action = queue.popFirst() {
                switch action {
                case .loadWindow(let newPass):
                    readWindow(newPass: newPass)
                case .fetchDefinitions:
                    let (gateway, continuation, clock) = (reconciler.gateway, continuation, clock)
                    group.addTask {
                        let sent = clock.now
                        let answer = await gateway.propertyDefinitions()
                        continuation.yield(.definitions(answer, RoundTrip(sent: sent, answered: clock.now)))
                    }
                case .send(let request):
                    let (gateway, continuation, clock, lane, logger) = (
                        reconciler.gateway, continuation, clock, lane, logger
                    )
                    group.addTask {
                        let issued = clock.now
                        // The answers received before this batch are recorded first (see the type's
                        // crash safety); the requests already in flight hide the wait.
                        do {
                            try await lane.drain()
                        } catch {
                            continuation.yield(.recordFailed)
                            return
                        }
                        CrashPoint.beforeSend.hit()
                        // Timed here, not when issued or handled: the pacer's latency and counts.
                        let sent = clock.now
                        let answer = await gateway.send(request)
                        let roundTrip = RoundTrip(sent: sent, answered: clock.now)
                        logger.trace(
                            "request answered",
                            metadata: [
                                "request.id": "\(request.id)", "request.kind": "\(request.kind)",
                                "request.inputs": "\(request.inputs.count)",
                                "trace.issued_ms": "\(Timestamp.epochMilliseconds(issued))",
                                "trace.sent_ms": "\(Timestamp.epochMilliseconds(sent))",
                                "trace.answered_ms": "\(Timestamp.epochMilliseconds(roundTrip.answered))",
                            ])
                        continuation.yield(.answered(request.id, answer, roundTrip))
                    }
                case .record(let outcomes, let marks):
                    try lane.record(outcomes, marks: marks, at: clock.now)
                case .wake(let at):
                    if let due = timerDue, due <= at { continue }
                    timerDue = at
                    schedule(.wake, after: .interval(max(0, at.timeIntervalSince(clock.now))), in: &group)
                case .pause(.reconnectionRequired(let message)):
                    reconciler.logger.warning("HubSpot access must be reconnected", metadata: ["reason": "\(message)"])
                    guard options.follow, !stopping else { return .reconnectionRequired(message) }
                    try await journal.configuration.setSettings([
                        .lastError: SyncReport.Ending.reconnectionRequired(message).description
                    ])
                    awaitingReconnection = true
                    reconciler.events.emit(.paused(.reconnectionRequired(message)))
                    // Looking for new credentials is local and cheap: look often.
                    schedule(.probe, after: options.pollInterval, in: &group)
                case .pause(.dailyLimit(let resetAt)):
                    guard options.follow, !stopping else { return .dailyLimit(resetAt: resetAt) }
                    try await journal.configuration.setSettings([
                        .lastError: SyncReport.Ending.dailyLimit(resetAt: resetAt).description
                    ])
                    reconciler.events.emit(.paused(.dailyLimit(resetAt: resetAt)))
                    let untilReset = Duration.interval(max(0, resetAt.timeIntervalSince(clock.now)))
                    schedule(.probe, after: min(untilReset, options.probeInterval), in: &group)
                case .stop(.gaveUp(let lastError)):
                    return .gaveUp(lastError: lastError)
                case .stop(.missingScopes(let scopes, let message)):
                    return .missingScopes(scopes, message: message)
                case .stop(.untrusted(let message)):
                    return .untrusted(message)
                case .finished(let sendableLeft):
                    if !stopping, let ending = try await pushNotes(&machine) {
                        guard options.follow, ending != .stopped, ending != .deadlineReached else { return ending }
                        // Follow mode pauses instead: the next poll tries the notes again.
                        reconciler.logger.warning("conversation notes paused", metadata: ["reason": "\(ending)"])
                        conversations = nil
                    }
                    if stopping { return stoppedEnding(sendableLeft: sendableLeft) }
                    guard options.follow else { return .drained }
                    try await lane.drain()
                    try await journal.configuration.setSettings([
                        .lastSyncAt: Timestamp.format(clock.now), .lastError: nil,
                    ])
                    waitingForChanges = true
                    reconciler.events.emit(.caughtUp)
                    schedule(.poll, after: options.pollInterval, in: &group)
                }
            }
            return nil
        }

        /// Reads the next window on the journal lane, after the outcomes queued so far (the window
        /// must see them), while the loop handles answers; it comes back as `.windowRead`. Waiting
        /// for it here held the loop idle for about half of an unthrottled drain.
        mutating func readWindow(newPass: Bool) {
            if newPass { cursor = 0 }
            let (journal, continuation, clock, cursor) = (journal, continuation, clock, cursor)
            let (limit, follow, asked) = (options.windowSize, options.follow, clock.now)
            lane.afterWrites { written in
                do {
                    try written.get()
                    let drained = clock.now
                    var entries: Int64?
                    if newPass {
                        _ = try await journal.changeLog.fold()
                        if follow { entries = try await journal.leads.status().journalEntries }
                    }
                    let leads = try await journal.leads.pendingLeads(limit: limit, after: cursor)
                    continuation.yield(
                        .windowRead(
                            .success(
                                WindowRead(
                                    leads: leads, journalEntries: entries, asked: asked, drained: drained,
                                    read: clock.now))))
                } catch {
                    continuation.yield(.windowRead(.failure(error)))
                }
            }
        }

        /// Hands the machine a window ``readWindow(newPass:)`` read.
        mutating func windowRead(
            _ window: WindowRead, into machine: inout Reconciler.StateMachine<SplitMix64>
        ) -> [Reconciler.StateMachine<SplitMix64>.Action] {
            cursor = window.leads.last?.cursor ?? cursor
            if let entries = window.journalEntries { journalEntries = entries }
            logger.trace(
                "window read",
                metadata: [
                    "trace.asked_ms": "\(Timestamp.epochMilliseconds(window.asked))",
                    "trace.drained_ms": "\(Timestamp.epochMilliseconds(window.drained))",
                    "trace.read_ms": "\(Timestamp.epochMilliseconds(window.read))",
                    "window.leads": "\(window.leads.count)",
                ])
            return machine.windowLoaded(
                window.leads, endOfPass: window.leads.count < options.windowSize, now: clock.now)
        }

        /// While draining, every ``SyncOptions/freshInterval``: hands the machine the leads that
        /// changes recorded since the last look made pending, to send first.
        mutating func loadFreshLeads(
            _ machine: inout Reconciler.StateMachine<SplitMix64>, in group: inout ThrowingDiscardingTaskGroup<any Error>
        ) async throws -> [Reconciler.StateMachine<SplitMix64>.Action] {
            guard !stopping else { return [] }
            schedule(.fresh, after: options.freshInterval, in: &group)
            // Waiting for changes, the poll finds them; a pass about to start reads them anyway.
            guard !waitingForChanges, try await journal.changeLog.lastSeq() > freshSeq else { return [] }
            // The leads must show every outcome recorded so far, or a delivered value looks pending.
            try await lane.drain()
            _ = try await journal.changeLog.fold()
            let (leads, through) = try await journal.leads.pendingLeads(
                changedAfter: freshSeq, limit: options.windowSize)
            // A lead whose batch is on the wire cannot take its change until that batch is answered:
            // these changes are looked at again next time, or the change would wait for the next pass.
            if !leads.contains(where: { machine.isOnTheWire($0.lead) }) { freshSeq = through }
            return leads.isEmpty ? [] : machine.freshLeadsLoaded(leads, now: clock.now)
        }

        /// Contacts are drained: conversations whose leads have contacts now go out as notes,
        /// under the machine's pacer, which takes back what the notes spent.
        mutating func pushNotes(_ machine: inout Reconciler.StateMachine<SplitMix64>) async throws -> SyncReport.Ending?
        {
            guard let notes = reconciler.notes else { return nil }
            try await lane.drain()
            let report = try await notes.drain(pacer: machine.pacer, deadline: deadline, stop: reconciler.stop)
            machine.adoptPacer(report.pacer)
            reconciler.notesSummary.withLock { $0.absorb(report.summary) }
            conversations = try await journal.conversations.counts()
            // A stop asked for while notes were being written leaves them pending, like changes.
            return report.ending == .stopped && !options.follow ? .interrupted : report.ending
        }

        /// Follow mode, drained: starts a new pass when changes or messages arrived (or
        /// unmatched leads are due for a re-check), else looks again later.
        mutating func pollForChanges(
            _ machine: inout Reconciler.StateMachine<SplitMix64>, in group: inout ThrowingDiscardingTaskGroup<any Error>
        ) async throws -> [Reconciler.StateMachine<SplitMix64>.Action] {
            guard waitingForChanges, !stopping else { return [] }
            // Another process may have folded the new changes already (`status` does), so the
            // journal's size tells whether anything arrived.
            _ = try await journal.changeLog.fold()
            let entries = try await journal.leads.status().journalEntries
            let counts = try await journal.conversations.counts()
            let now = clock.now
            let recheck = now.timeIntervalSince(lastRecheck) >= options.recheckWaitingInterval.timeInterval
            guard entries != journalEntries || counts != conversations || recheck else {
                schedule(.poll, after: options.pollInterval, in: &group)
                return []
            }
            if recheck { lastRecheck = now }
            journalEntries = entries
            waitingForChanges = false
            return machine.start(now: now, recheckWaiting: recheck)
        }

        /// Follow mode, paused: try again after a new `connect`, or at the daily reset.
        mutating func probe(
            _ machine: inout Reconciler.StateMachine<SplitMix64>, in group: inout ThrowingDiscardingTaskGroup<any Error>
        ) async -> [Reconciler.StateMachine<SplitMix64>.Action] {
            guard !stopping else { return machine.stopIssuing(now: clock.now) }
            guard awaitingReconnection else {
                reconciler.events.emit(.resumed)
                return machine.resume(now: clock.now)
            }
            guard await reconciler.gateway.reconnect() else {
                schedule(.probe, after: options.pollInterval, in: &group)
                return []
            }
            awaitingReconnection = false
            reconciler.events.emit(.resumed)
            return machine.connectionRestored(now: clock.now)
        }

        func schedule(_ event: Event, after delay: Duration, in group: inout ThrowingDiscardingTaskGroup<any Error>) {
            let clock = clock
            let continuation = continuation
            group.addTask {
                try? await clock.sleep(for: delay)
                continuation.yield(event)
            }
        }
    }
}

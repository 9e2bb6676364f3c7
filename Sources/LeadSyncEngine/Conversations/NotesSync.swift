package import Foundation
import HubSpotAPI
package import LeadSyncJournal
package import LeadSyncSupport
package import Logging

/// The notes lane of `sync`: pushes pending conversations to their contacts' notes, paced by the
/// sync's one ``Pacer`` (docs/conversations.md; decision 0016 for the no-duplicate design).
///
/// A pass reads pending conversations in windows; each window renders every conversation once,
/// settles uncertain parts (look-up mode), records the create intents, then sends batch creates
/// and batch updates (≤ 100 inputs) concurrently as the pacer allows, recording each answer's
/// outcomes in one transaction. Failed requests are not retried inside a pass: the next pass
/// plans again from the journal, after backoff, so an uncertain create is never sent blindly.
///
/// Logs name conversations by id and notes by HubSpot id; never a message text or a body.
package struct NotesSync: Sendable {
    package let journal: any JournalStores
    package let gateway: any NotesGateway
    package let options: SyncOptions
    let clock: any WallClock
    let logger: Logger

    /// The unique-value note property of unique-key mode.
    package static let keyProperty = "leadsync_conversation_key"

    package init(
        journal: any JournalStores, gateway: any NotesGateway, options: SyncOptions = SyncOptions(),
        clock: any WallClock = SystemWallClock(), logger: Logger = Logger(label: "leadsync.notes")
    ) {
        self.journal = journal
        self.gateway = gateway
        self.options = options
        self.clock = clock
        self.logger = logger
    }

    /// What a drain of the notes lane did.
    package struct Report: Sendable {
        /// nil when every sendable conversation was delivered or refused.
        package var ending: SyncReport.Ending?
        package var summary = DrainSummary()
        /// The pacer as the drain left it, for whatever the sync sends next.
        package var pacer: Pacer
    }

    /// Drains pending conversations: passes until one sends nothing (everything sendable is in
    /// HubSpot, refused, or waits for a contact), or an ending (`--max-seconds`, reconnection, the
    /// daily limit, missing scopes, giving up). Once `stop` is asked for (or `deadline` passes)
    /// nothing new is sent, wherever the lane waits, and requests in flight get
    /// ``SyncOptions/stopGrace`` to be answered and recorded before they are abandoned, still
    /// pending (decision 0010).
    package func drain(pacer: Pacer, deadline: Date? = nil, stop: StopSignal = StopSignal()) async throws -> Report {
        let gate = PacerGate(pacer: pacer, clock: clock, stop: stop, deadline: deadline)
        let tally = Tally()
        var random = SplitMix64(seed: options.seed)
        var attempt = 0
        var lastSuccess = clock.now
        func report(_ ending: SyncReport.Ending?) async -> Report {
            Report(ending: ending, summary: await tally.summary, pacer: await gate.pacer)
        }
        let mode: NoteKeyMode
        switch try await keyMode(gate: gate, tally: tally) {
        case .mode(let found): mode = found
        case .ended(let ending): return await report(ending)
        }
        while true {
            var pass = Pass(sync: self, mode: mode, gate: gate, tally: tally)
            let outcome = try await pass.run()
            if let ending = outcome.ending { return await report(ending) }
            if outcome.succeeded {
                lastSuccess = clock.now
                // Back off from the first retry again: a pass that wrote something is progress,
                // and under a steady error rate nearly every pass also fails something.
                attempt = 0
            }
            if !outcome.failed {
                attempt = 0
                if !outcome.sent { return await report(nil) }
                continue
            }
            if let giveUp = options.giveUpAfter, !options.follow,
                clock.now.timeIntervalSince(lastSuccess) >= giveUp.timeInterval
            {
                return await report(.gaveUp(lastError: outcome.lastError ?? "notes could not be written"))
            }
            let delay = options.backoff.delay(attempt: attempt, using: &random)
            attempt += 1
            if let deadline, clock.now.addingTimeInterval(delay.timeInterval) >= deadline {
                return await report(.deadlineReached)
            }
            try await stop.sleep(for: delay, on: clock)
            if let ending = gate.stopping() { return await report(ending) }
        }
    }

    private enum KeyModeProbe {
        case mode(NoteKeyMode)
        case ended(SyncReport.Ending)
    }

    /// The journal's key mode, probed once per journal by creating the key property.
    private func keyMode(gate: PacerGate, tally: Tally) async throws -> KeyModeProbe {
        if let stored = try await journal.configuration.setting(.noteKeyMode).flatMap(NoteKeyMode.init(rawValue:)) {
            return .mode(stored)
        }
        guard try await !journal.conversations.pending(after: nil, limit: 1).isEmpty else { return .mode(.lookup) }
        var random = SplitMix64(seed: options.seed)
        for attempt in 0..<5 {
            switch try await gate.admit() {
            case .go: break
            case .daily(let reset): return .ended(.dailyLimit(resetAt: reset))
            case .stopped(let ending): return .ended(ending)
            }
            let answer = await gateway.createNoteKeyProperty(name: Self.keyProperty)
            await gate.completed(answer.rateLimit, failure: answer.result.failure)
            await tally.request(answer.result.failure)
            switch answer.result {
            case .success(let unique):
                let mode: NoteKeyMode = unique ? .uniqueKey : .lookup
                try await journal.configuration.setSettings([.noteKeyMode: mode.rawValue])
                logger.info("conversation notes keyed", metadata: ["notes.key_mode": "\(mode.rawValue)"])
                return .mode(mode)
            case .failure(let failure):
                if let ending = Self.ending(of: failure, pacer: await gate.pacer) { return .ended(ending) }
                try await gate.stop.sleep(for: options.backoff.delay(attempt: attempt, using: &random), on: clock)
            }
        }
        // HubSpot keeps failing the probe: look-up mode is safe everywhere; try again next sync.
        return .mode(.lookup)
    }

    /// Failures that end the drain (the rest are retried by the next pass).
    static func ending(of failure: RequestFailure, pacer: Pacer) -> SyncReport.Ending? {
        switch failure {
        case .reconnectionRequired(let message): .reconnectionRequired(message)
        case .missingScopes(let scopes, let message): .missingScopes(scopes, message: message)
        case .untrusted(let message): .untrusted(message)
        case .rateLimited(daily: true, _): .dailyLimit(resetAt: pacer.dailyResetAt)
        case .rateLimited, .transient, .refused: nil
        }
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let failure) = self { return failure }
        return nil
    }
}

/// The running totals of a notes drain, shared by its concurrent requests.
actor Tally {
    var summary = DrainSummary()

    func request(_ failure: RequestFailure?) {
        summary.requests += 1
        if case .rateLimited? = failure { summary.rateLimited += 1 }
    }

    func wrote(created: Int, updated: Int, inputs: Int) {
        summary.notesCreated += created
        summary.notesUpdated += updated
        summary.writeRequests += 1
        summary.writeInputs += inputs
    }
}

/// The sync's pacer, shared by the notes lane's concurrent requests. A wait for the pacer ends
/// as soon as the sync is stopped (a signal, `--max-seconds`): with the budget spent it may
/// otherwise last a whole window (issue 13: a stop within 2 s in every state).
actor PacerGate {
    enum Admission {
        case go
        case daily(Date)
        /// The sync was stopped before the request could go.
        case stopped(SyncReport.Ending)
    }

    private(set) var pacer: Pacer
    let clock: any WallClock
    let stop: StopSignal
    /// `--max-seconds` runs out.
    let deadline: Date?

    init(pacer: Pacer, clock: any WallClock, stop: StopSignal, deadline: Date?) {
        self.pacer = pacer
        self.clock = clock
        self.stop = stop
        self.deadline = deadline
    }

    /// Why the sync stops, if it does: nothing new may be sent.
    nonisolated func stopping() -> SyncReport.Ending? {
        if let deadline, clock.now >= deadline { return .deadlineReached }
        return stop.isRequested ? .stopped : nil
    }

    /// Waits until the pacer lets a request go, and counts it as sent; or until the sync is
    /// stopped. Throws when the task is cancelled while waiting.
    func admit() async throws -> Admission {
        while true {
            if let ending = stopping() { return .stopped(ending) }
            switch pacer.decide(now: clock.now) {
            case .now:
                pacer.recordSend(now: clock.now)
                return .go
            case .at(let date):
                let wake = min(date, deadline ?? date)
                try await stop.sleep(for: .interval(max(0.001, wake.timeIntervalSince(clock.now))), on: clock)
            case .dailyLimitReached(let reset):
                return .daily(reset)
            }
        }
    }

    /// A request admitted earlier was answered (or failed).
    func completed(_ rateLimit: RateLimitInfo?, failure: RequestFailure?) {
        let now = clock.now
        pacer.recordCompletion(now: now)
        if let rateLimit { pacer.observe(rateLimit, now: now) }
        switch failure {
        case .rateLimited(daily: true, _)?: pacer.dailyLimitReached(now: now)
        case .rateLimited(daily: false, let retryAfter)?: pacer.rateLimited(retryAfter: retryAfter, now: now)
        default: break
        }
    }

    /// How many requests to keep in flight.
    func concurrency() -> Int { pacer.concurrency }
}

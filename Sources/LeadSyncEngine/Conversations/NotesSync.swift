package import Foundation
package import HubSpotAPI
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
    /// daily limit, missing scopes, giving up).
    package func drain(pacer: Pacer, deadline: Date? = nil, isStopping: @escaping @Sendable () -> Bool = { false })
        async throws -> Report
    {
        let gate = PacerGate(pacer: pacer, clock: clock)
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
            let outcome = try await pass.run(deadline: deadline, isStopping: isStopping)
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
            if isStopping() { return await report(.stopped) }
            try await clock.sleep(for: delay)
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
            if case .daily(let reset) = try await gate.admit() { return .ended(.dailyLimit(resetAt: reset)) }
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
                try await clock.sleep(for: options.backoff.delay(attempt: attempt, using: &random))
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

/// The sync's pacer, shared by the notes lane's concurrent requests.
actor PacerGate {
    enum Admission {
        case go
        case daily(Date)
    }

    private(set) var pacer: Pacer
    let clock: any WallClock

    init(pacer: Pacer, clock: any WallClock) {
        self.pacer = pacer
        self.clock = clock
    }

    /// Waits until the pacer lets a request go, and counts it as sent. Throws when the task is
    /// cancelled while waiting.
    func admit() async throws -> Admission {
        while true {
            switch pacer.decide(now: clock.now) {
            case .now:
                pacer.recordSend(now: clock.now)
                return .go
            case .at(let date):
                try await clock.sleep(for: .interval(max(0.001, date.timeIntervalSince(clock.now))))
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

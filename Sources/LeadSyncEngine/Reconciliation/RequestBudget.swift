package import Foundation
package import HubSpotAPI
package import LeadSyncSupport
import Synchronization

/// The account's rolling-window budget, shared by every request `HubSpotClient` sends for one
/// journal: the sync's batches and property definitions, pull's lists and searches, verify's
/// reads, account details, notes — and, through a ledger file beside the journal
/// (`<journal>.requests`, under `flock`), by every process working on that journal, so a `sync`
/// beside a `pull` or `verify` still never makes HubSpot count more than the limit in a window.
///
/// It is the client's ``RequestAdmission``: each request waits in ``admit(_:)`` until the
/// ``Pacer``'s rule lets it go against the ledger (requests in flight, and those HubSpot counted
/// less than a window and a margin ago), then counts; ``completed(_:rateLimit:)`` records its answer
/// and learns HubSpot's headers (`Max`, `Interval-Milliseconds`, other apps' use through
/// `Remaining`). The limit learned goes into the ledger too, so every process of the journal paces
/// from it from its first request (decision 0024). The reconciler's state machine paces its own
/// requests with a pacer of its own on top (how many in flight, when); this budget is what every
/// requester of the account agrees on.
///
/// ```swift
/// let budget = try RequestBudget(configuration: pacer, ledgerPath: journalPath + ".requests")
/// let client = HubSpotClient(baseURL: url, transport: CurlTransport(), authorizer: authorizer, admission: budget)
/// ```
package final class RequestBudget: RequestAdmission {
    private let pacer: Mutex<Pacer>
    /// This journal's share of an account other journals' processes use too (a fleet).
    private let share: Mutex<FleetShare>
    private let ledger: RequestLedger
    private let clock: any WallClock
    private let pid = getpid()
    /// When the latest limit this process paces from was learned (by it or another process), in
    /// milliseconds since 1970; only read and written under the ledger's lock.
    private let adoptedMilliseconds = Atomic<Int64>(.min)

    /// `ledgerPath` nil: this process only. `share`: how this journal shares the account with
    /// processes of other journals (``FleetShare``).
    package init(
        configuration: Pacer.Configuration, ledgerPath: String?, share: FleetShare.Configuration = .init(),
        clock: any WallClock = SystemWallClock()
    ) throws {
        self.pacer = Mutex(Pacer(configuration: configuration, now: clock.now))
        self.share = Mutex(FleetShare(configuration: share, now: clock.now))
        self.ledger = try RequestLedger(path: ledgerPath)
        self.clock = clock
    }

    /// The ledger beside the journal at `journalPath`.
    package static func ledgerPath(journalPath: String) -> String { journalPath + ".requests" }

    /// Waits until the request may go, and counts it. A request of a stopped sync
    /// (``StopSignal/current``) is refused with `CancellationError` instead, at once even while
    /// it waits for the window to roll (issue 13: a stop within 2 s in every state).
    package func admit(_ operation: String) async throws -> AdmissionTicket {
        let stop = StopSignal.current
        while true {
            if stop?.isRequested == true { throw CancellationError() }
            let now = clock.now
            let decision = decide(now: now)
            switch decision {
            case .admitted(let ticket):
                return ticket
            case .wait(let until):
                // At least a millisecond: a slot freed by another process is seen on the next look.
                let wait = Duration.milliseconds(max(1, Int64((until.timeIntervalSince(now) * 1000).rounded(.up))))
                if let stop {
                    try await stop.sleep(for: wait, on: clock)
                } else {
                    try await clock.sleep(for: wait)
                }
            }
        }
    }

    package func completed(_ ticket: AdmissionTicket, rateLimit: RateLimitInfo?) {
        let now = clock.now
        let nowMilliseconds = Self.milliseconds(now)
        let serial = UInt32(truncatingIfNeeded: ticket.id)
        let ours = ledger.update(nowMilliseconds: nowMilliseconds, spanMilliseconds: spanMilliseconds) { contents in
            // The journal's requests HubSpot had counted when it counted this one: those sent no
            // later. Not those sent since: counting them too would make others' share look smaller
            // by what this journal has on the wire, and each process of a fleet overfill the window.
            var ours = contents.entries.count
            if let index = contents.entries.firstIndex(where: { $0.pid == pid && $0.serial == serial }) {
                let sentMilliseconds = contents.entries[index].sentMilliseconds
                let sent = Date(timeIntervalSince1970: Double(sentMilliseconds) / 1000)
                let counted = pacer.withLock { $0.countedBy(sentAt: sent, answeredAt: now) }
                contents.entries[index].countedMilliseconds = Self.milliseconds(counted) + 1
                ours = contents.entries.count(where: { $0.sentMilliseconds <= sentMilliseconds })
            }
            if let rateLimit {
                pacer.withLock { $0.observe(rateLimit, now: now, ours: ours) }
                // Learned under the lock with the pacer, so the journal's other processes pace from it
                // from their next request, and never from an older figure than this one.
                if let max = rateLimit.max, max > 0 {
                    contents.learned = RequestLedger.LearnedLimit(
                        max: UInt32(clamping: max), intervalMilliseconds: Int64(rateLimit.intervalMilliseconds ?? 0),
                        learnedMilliseconds: nowMilliseconds)
                    adoptedMilliseconds.store(nowMilliseconds, ordering: .relaxed)
                }
            }
            return ours
        }
        guard let rateLimit else { return }
        share.withLock { $0.observe(rateLimit, ours: ours, now: now) }
    }

    private enum Decision {
        case admitted(AdmissionTicket)
        case wait(Date)
    }

    private var spanMilliseconds: Int64 { Int64((pacer.withLock { $0.span } * 1000).rounded(.up)) }

    private func decide(now: Date) -> Decision {
        let nowMilliseconds = Self.milliseconds(now)
        let serial = ledger.nextSerial()
        return ledger.update(nowMilliseconds: nowMilliseconds, spanMilliseconds: spanMilliseconds) { contents in
            adopt(contents.learned, now: now)
            let (limit, span, others) = pacer.withLock { ($0.limit, $0.span, $0.others(now: now)) }
            let own = share.withLock { $0.ownLimit(of: limit, holds: contents.entries.count) }
            let counted = contents.entries.filter { $0.countedMilliseconds >= 0 }.map {
                Date(timeIntervalSince1970: Double($0.countedMilliseconds) / 1000)
            }
            let inFlight = contents.entries.count - counted.count
            let account = Pacer.admission(
                now: now, limit: limit, span: span, inFlight: inFlight, counted: counted + others)
            // The fleet share caps this journal's own requests in the window, not the account's.
            let mine = Pacer.admission(now: now, limit: own, span: span, inFlight: inFlight, counted: counted)
            switch Self.later(account, mine) {
            case .now, .dailyLimitReached:
                contents.entries.append(
                    RequestLedger.Entry(
                        pid: pid, serial: serial, sentMilliseconds: nowMilliseconds, countedMilliseconds: -1))
                return .admitted(AdmissionTicket(id: UInt64(serial)))
            case .at(let date):
                // Requests in flight leave sooner than the fallback: look again soon.
                return .wait(min(date, now.addingTimeInterval(inFlight > 0 ? 0.02 : span)))
            }
        }
    }

    /// Paces from the limit another process of the journal learned from HubSpot more recently than
    /// this one did: a process starting beside a running one knows the limit from its first
    /// request instead of guessing until its own first answer.
    private func adopt(_ learned: RequestLedger.LearnedLimit?, now: Date) {
        guard let learned, learned.learnedMilliseconds > adoptedMilliseconds.load(ordering: .relaxed) else { return }
        adoptedMilliseconds.store(learned.learnedMilliseconds, ordering: .relaxed)
        let headers = RateLimitInfo(
            max: Int(learned.max),
            intervalMilliseconds: learned.intervalMilliseconds > 0 ? Int(learned.intervalMilliseconds) : nil)
        pacer.withLock { $0.observe(headers, now: now) }
    }

    /// The stricter of two admissions.
    private static func later(_ a: Pacer.Decision, _ b: Pacer.Decision) -> Pacer.Decision {
        switch (a, b) {
        case (.at(let x), .at(let y)): .at(max(x, y))
        case (.at, _): a
        case (_, .at): b
        default: a
        }
    }

    private static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }
}

package import Foundation
package import HubSpotAPI

/// Keeps requests under the account's rolling 10-second limit and its daily limit, and says how
/// many requests may be in flight.
///
/// The window is rolling and counted from the far end of each request: HubSpot counts a request
/// when it arrives, which is some time between sending it and its answer. A request stays in the
/// pacer's window from its send until `window + margin` after the latest moment HubSpot can have
/// counted it: its answer, less a credit for the answer's own way back sized from measured
/// latency (half the shortest recent round trip, ``arrivalCredit``). A new request may go when
/// fewer than `limit` are in that window, so HubSpot never sees more than `limit` in one window.
/// HubSpot's headers steer it: `Max`/`Interval` replace the defaults
/// (an explicit limit stays a cap), `Remaining` reveals requests of other apps of the account,
/// `Daily-Remaining` the account's day. Pure: time comes in as `now`.
///
/// ```swift
/// switch pacer.decide(now: clock.now) {
/// case .now: pacer.recordSend(now: clock.now); send()
/// case .at(let date): sleep(until: date)
/// case .dailyLimitReached(let reset): pause(until: reset)
/// }
/// ```
package struct Pacer: Sendable {
    /// The limits the pacer starts from.
    package struct Configuration: Sendable, Hashable {
        /// Default 100: the smallest private-app burst limit (`--rate-limit 100/10s`).
        package var limit = 100
        /// Default 10 s: HubSpot's rolling window.
        package var window: Duration = .seconds(10)
        /// True when the operator gave `--rate-limit`: headers may lower the limit, never raise it.
        package var limitIsCap = false
        /// Default 250,000: the Free/Starter daily limit (`--daily-limit`).
        package var dailyLimit = 250_000
        /// True when the operator gave `--daily-limit`.
        package var dailyLimitIsCap = false
        /// Default 20 ms: added to the window for clock granularity (HubSpot's and ours count in
        /// milliseconds); costs 0.2% of a 10 s budget.
        package var margin: Duration = .milliseconds(20)
        /// The account's time zone: the daily count resets at its midnight. Default UTC (`.gmt`,
        /// whose midnight is computed without loading ICU's zone data: ``Pacer/nextMidnight(after:in:)``).
        package var timeZone = TimeZone.gmt
        /// Default 64: requests in flight at most. The window, not this, paces a drain; this bounds
        /// connections and memory. It is large so that a window's free budget goes out at once
        /// rather than trickling over a latency per few requests: the last, partial window of a
        /// drain reuses the first window's slots, so a slow start is paid again at the end.
        package var maximumConcurrency = 64

        package init() {}
    }

    /// Whether a request may go.
    package enum Decision: Sendable, Hashable {
        case now
        /// Not before this time.
        case at(Date)
        /// The day's budget is spent; it resets at this time.
        case dailyLimitReached(resetAt: Date)
    }

    package private(set) var configuration: Configuration
    /// Requests allowed per window, as currently known (after header corrections and 429s).
    package private(set) var limit: Int
    package private(set) var window: Duration
    package private(set) var dailyLimit: Int
    /// Requests counted against today's budget (ours, and others' when HubSpot's header says so).
    package private(set) var dailyUsed = 0
    /// When today's count resets.
    package private(set) var dailyResetAt: Date
    /// The latest moment HubSpot can have counted each of our recent answered (or failed)
    /// requests, oldest first.
    private var counted: [Date] = []
    /// The most recent round trips, in seconds (at most ``roundTripSamples``).
    private var roundTrips: [TimeInterval] = []
    private static let roundTripSamples = 32
    /// Our requests sent and not yet answered: inside the window whatever their age.
    private var inFlight = 0
    /// Requests of other apps that `Remaining` revealed, counted as if made when we learned of them.
    private var others: [Date] = []
    private var blockedUntil: Date?
    /// Until HubSpot's headers or the operator told us the limit, one request at a time.
    private var limitKnown: Bool

    package init(configuration: Configuration = Configuration(), now: Date) {
        self.configuration = configuration
        self.limit = max(1, configuration.limit)
        self.window = configuration.window
        self.dailyLimit = configuration.dailyLimit
        self.limitKnown = configuration.limitIsCap
        self.dailyResetAt = Pacer.nextMidnight(after: now, in: configuration.timeZone)
    }

    /// Whether a request may be sent at `now`, and if not, when.
    package mutating func decide(now: Date) -> Decision {
        rollDay(now: now)
        if dailyUsed >= dailyLimit { return .dailyLimitReached(resetAt: dailyResetAt) }
        if let blockedUntil, blockedUntil > now { return .at(blockedUntil) }
        blockedUntil = nil
        let horizon = now.addingTimeInterval(-span)
        counted.removeAll { $0 <= horizon }
        others.removeAll { $0 <= horizon }
        return Self.admission(now: now, limit: limit, span: span, inFlight: inFlight, counted: counted + others)
    }

    /// How long a request occupies the window after HubSpot counted it, in seconds: the window
    /// plus the margin.
    package var span: TimeInterval { (window + configuration.margin).timeInterval }

    /// Requests of other apps that `Remaining` revealed, still in the window at `now`.
    package func others(now: Date) -> [Date] {
        let horizon = now.addingTimeInterval(-span)
        return others.filter { $0 > horizon }
    }

    /// The rolling-window rule: a request may go at `now` when fewer than `limit` requests are in
    /// flight or were counted by HubSpot less than `span` seconds ago; else when enough of those leave.
    package static func admission(now: Date, limit: Int, span: TimeInterval, inFlight: Int, counted: [Date]) -> Decision
    {
        let horizon = now.addingTimeInterval(-span)
        let leaving = counted.filter { $0 > horizon }.sorted()
        let used = inFlight + leaving.count
        if used < limit { return .now }
        // The (used - limit + 1)th oldest counted request must leave the window first; when
        // requests in flight fill it, their answers come sooner than this fallback.
        let mustLeave = used - limit + 1
        guard mustLeave <= leaving.count else { return .at(now.addingTimeInterval(span)) }
        return .at(leaving[mustLeave - 1].addingTimeInterval(span))
    }

    /// Counts a request sent at `now`.
    package mutating func recordSend(now: Date) {
        inFlight += 1
        dailyUsed += 1
    }

    /// A request sent earlier was answered (or failed) at `now`: HubSpot counted it by then, or
    /// by ``countedBy(sentAt:answeredAt:)`` when the caller says when it was sent.
    package mutating func recordCompletion(now: Date, sentAt: Date? = nil) {
        inFlight = Swift.max(0, inFlight - 1)
        counted.append(sentAt.map { countedBy(sentAt: $0, answeredAt: now) } ?? now)
    }

    /// The latest moment HubSpot can have counted a request sent at `sentAt` and answered at
    /// `answeredAt`, less what the margin already covers: the answer less ``arrivalCredit``.
    /// Learns the round trip.
    package mutating func countedBy(sentAt: Date, answeredAt: Date) -> Date {
        let roundTrip = answeredAt.timeIntervalSince(sentAt)
        if roundTrip >= 0 {
            if roundTrips.count == Self.roundTripSamples { roundTrips.removeFirst() }
            roundTrips.append(roundTrip)
        }
        return Swift.max(sentAt, answeredAt.addingTimeInterval(-arrivalCredit))
    }

    /// How much of the margin the answer's own way back already covers, in seconds: half the
    /// shortest of the recent round trips, never more than the margin, so a request always stays
    /// in the window until at least a window after its answer (HubSpot counted it by then). A
    /// credit beyond the margin would rest on how latency splits between the two directions, and
    /// a starved server thread (its delay on the way in) broke that in a test: a 429.
    package var arrivalCredit: TimeInterval {
        Swift.min((roundTrips.min() ?? 0) / 2, configuration.margin.timeInterval)
    }

    /// Learns from HubSpot's rate-limit headers on a response received at `now`. `ours`: the
    /// requests of this account's budget HubSpot may have counted (in flight, or answered within
    /// the window), when the caller knows better than this pacer (requests of other processes
    /// sharing the budget); the rest of HubSpot's count belongs to other apps.
    package mutating func observe(_ headers: RateLimitInfo, now: Date, ours known: Int? = nil) {
        if let max = headers.max, max > 0 {
            let interval = headers.intervalMilliseconds.flatMap { $0 > 0 ? Duration.milliseconds($0) : nil } ?? window
            if configuration.limitIsCap {
                // A cap is a rate: `10/10s` must not become 10 a second because HubSpot's window is one
                // second. Both limits are expressed over the shorter window (rounded down), which keeps
                // every window of either length within its limit.
                let shorter = Swift.min(configuration.window, interval)
                func scaled(_ count: Int, over span: Duration) -> Int {
                    Swift.max(1, Int(Double(count) * (shorter / span)))
                }
                limit = Swift.min(scaled(configuration.limit, over: configuration.window), scaled(max, over: interval))
                window = shorter
            } else {
                limit = max
                window = interval
            }
            limitKnown = true
        } else if let interval = headers.intervalMilliseconds, interval > 0, !configuration.limitIsCap {
            window = .milliseconds(interval)
        }
        if let remaining = headers.remaining, let max = headers.max {
            // HubSpot counts every app of the account; what it counted beyond our own requests
            // belongs to others. Our count includes requests not yet arrived, so this errs low.
            let horizon = now.addingTimeInterval(-span)
            let ours = known ?? inFlight + counted.filter { $0 > horizon }.count
            let othersNow = Swift.max(0, max - remaining - ours)
            others = Array(repeating: now, count: othersNow)
        }
        if let daily = headers.daily, daily > 0 {
            dailyLimit = configuration.dailyLimitIsCap ? min(configuration.dailyLimit, daily) : daily
        }
        if let dailyRemaining = headers.dailyRemaining {
            let usedByAccount = Swift.max(0, (headers.daily ?? dailyLimit) - dailyRemaining)
            dailyUsed = Swift.max(dailyUsed, usedByAccount)
        }
    }

    /// A 429 on the rolling window: wait out the window (or HubSpot's `Retry-After`) and slow
    /// down by a tenth, since someone else is spending the budget.
    package mutating func rateLimited(retryAfter: Duration?, now: Date) {
        let wait = retryAfter ?? window
        blockedUntil = now.addingTimeInterval(wait.timeInterval)
        limit = Swift.max(1, limit - Swift.max(1, limit / 10))
    }

    /// A 429 naming the daily policy: nothing more until the reset.
    package mutating func dailyLimitReached(now: Date) {
        rollDay(now: now)
        dailyUsed = Swift.max(dailyUsed, dailyLimit)
    }

    /// Requests to keep in flight: one until the limit is known, then as many as the window and
    /// ``Configuration/maximumConcurrency`` allow — ``decide(now:)`` paces them.
    package var concurrency: Int {
        guard limitKnown else { return 1 }
        return Swift.max(1, Swift.min(configuration.maximumConcurrency, limit))
    }

    private mutating func rollDay(now: Date) {
        guard now >= dailyResetAt else { return }
        dailyUsed = 0
        dailyResetAt = Pacer.nextMidnight(after: now, in: configuration.timeZone)
    }

    /// The first midnight in `timeZone` strictly after `date`.
    ///
    /// UTC's is whole days since the epoch: Foundation's calendar would load ICU's zone and
    /// calendar data, 1.8 MB of a sync's resident memory (docs/benchmarks.md, issue 10).
    package static func nextMidnight(after date: Date, in timeZone: TimeZone) -> Date {
        if timeZone == .gmt {
            let day: TimeInterval = 86_400
            return Date(timeIntervalSince1970: ((date.timeIntervalSince1970 / day).rounded(.down) + 1) * day)
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let today = calendar.startOfDay(for: date)
        return calendar.date(byAdding: .day, value: 1, to: today) ?? date.addingTimeInterval(86_400)
    }
}

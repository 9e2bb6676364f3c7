public import Foundation
public import HubSpotAPI

/// Keeps requests under the account's rolling 10-second limit and its daily limit, and says how
/// many requests may be in flight to hide latency at that rate.
///
/// The window is rolling: a request may go when fewer than `limit` were sent in the last
/// `window + margin`. The margin absorbs latency jitter, so requests never *arrive* closer together
/// than HubSpot counts them. HubSpot's headers steer it: `Max`/`Interval` replace the defaults
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
public struct Pacer: Sendable {
    /// The limits the pacer starts from.
    public struct Configuration: Sendable, Hashable {
        /// Default 100: the smallest private-app burst limit (`--rate-limit 100/10s`).
        public var limit = 100
        /// Default 10 s: HubSpot's rolling window.
        public var window: Duration = .seconds(10)
        /// True when the operator gave `--rate-limit`: headers may lower the limit, never raise it.
        public var limitIsCap = false
        /// Default 250,000: the Free/Starter daily limit (`--daily-limit`).
        public var dailyLimit = 250_000
        /// True when the operator gave `--daily-limit`.
        public var dailyLimitIsCap = false
        /// Default 150 ms: added to the window so jitter between sending and HubSpot counting a
        /// request never puts N+1 in its window; costs 1.5% of a 10 s budget.
        public var margin: Duration = .milliseconds(150)
        /// The account's time zone: the daily count resets at its midnight. Default UTC.
        public var timeZone = TimeZone(identifier: "UTC")!
        /// Default 16: enough to cover 150 ms of latency at 100 requests/s.
        public var maximumConcurrency = 16

        public init() {}
    }

    /// Whether a request may go.
    public enum Decision: Sendable, Hashable {
        case now
        /// Not before this time.
        case at(Date)
        /// The day's budget is spent; it resets at this time.
        case dailyLimitReached(resetAt: Date)
    }

    public private(set) var configuration: Configuration
    /// Requests allowed per window, as currently known (after header corrections and 429s).
    public private(set) var limit: Int
    public private(set) var window: Duration
    public private(set) var dailyLimit: Int
    /// Requests counted against today's budget (ours, and others' when HubSpot's header says so).
    public private(set) var dailyUsed = 0
    /// When today's count resets.
    public private(set) var dailyResetAt: Date
    /// Our requests in the current window, oldest first.
    private var sent: [Date] = []
    /// Requests of other apps that `Remaining` revealed, counted as if made when we learned of them.
    private var others: [Date] = []
    private var blockedUntil: Date?
    /// Until HubSpot's headers or the operator told us the limit, one request at a time.
    private var limitKnown: Bool

    public init(configuration: Configuration = Configuration(), now: Date) {
        self.configuration = configuration
        self.limit = max(1, configuration.limit)
        self.window = configuration.window
        self.dailyLimit = configuration.dailyLimit
        self.limitKnown = configuration.limitIsCap
        self.dailyResetAt = Pacer.nextMidnight(after: now, in: configuration.timeZone)
    }

    /// Whether a request may be sent at `now`, and if not, when.
    public mutating func decide(now: Date) -> Decision {
        rollDay(now: now)
        if dailyUsed >= dailyLimit { return .dailyLimitReached(resetAt: dailyResetAt) }
        if let blockedUntil, blockedUntil > now { return .at(blockedUntil) }
        blockedUntil = nil
        let span = (window + configuration.margin).timeInterval
        let horizon = now.addingTimeInterval(-span)
        sent.removeAll { $0 <= horizon }
        others.removeAll { $0 <= horizon }
        let used = sent.count + others.count
        if used < limit { return .now }
        // The (used - limit + 1)th oldest request must leave the window first.
        let times = (sent + others).sorted()
        return .at(times[used - limit].addingTimeInterval(span))
    }

    /// Counts a request sent at `now`.
    public mutating func recordSend(now: Date) {
        sent.append(now)
        dailyUsed += 1
    }

    /// Learns from HubSpot's rate-limit headers on a response received at `now`.
    public mutating func observe(_ headers: RateLimitInfo, now: Date) {
        if let max = headers.max, max > 0 {
            limit = configuration.limitIsCap ? min(configuration.limit, max) : max
            limitKnown = true
        }
        if let interval = headers.intervalMilliseconds, interval > 0 {
            window = .milliseconds(interval)
        }
        if let remaining = headers.remaining, let max = headers.max {
            // HubSpot counts every app of the account; what it counted beyond our own requests
            // belongs to others. Our count includes requests not yet arrived, so this errs low.
            let horizon = now.addingTimeInterval(-(window + configuration.margin).timeInterval)
            let ours = sent.filter { $0 > horizon }.count
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
    public mutating func rateLimited(retryAfter: Duration?, now: Date) {
        let wait = retryAfter ?? window
        blockedUntil = now.addingTimeInterval(wait.timeInterval)
        limit = Swift.max(1, limit - Swift.max(1, limit / 10))
    }

    /// A 429 naming the daily policy: nothing more until the reset.
    public mutating func dailyLimitReached(now: Date) {
        rollDay(now: now)
        dailyUsed = Swift.max(dailyUsed, dailyLimit)
    }

    /// Requests to keep in flight at the current rate when each takes `latency`:
    /// rate × latency, with half again for jitter, plus one so the pipe never drains.
    public func concurrency(latency: Duration) -> Int {
        guard limitKnown else { return 1 }
        let perSecond = Double(limit) / window.timeInterval
        let needed = Int((perSecond * latency.timeInterval * 1.5).rounded(.up)) + 1
        return Swift.min(Swift.max(1, needed), configuration.maximumConcurrency, limit)
    }

    private mutating func rollDay(now: Date) {
        guard now >= dailyResetAt else { return }
        dailyUsed = 0
        dailyResetAt = Pacer.nextMidnight(after: now, in: configuration.timeZone)
    }

    /// The first midnight in `timeZone` strictly after `date`.
    public static func nextMidnight(after date: Date, in timeZone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let today = calendar.startOfDay(for: date)
        return calendar.date(byAdding: .day, value: 1, to: today) ?? date.addingTimeInterval(86_400)
    }
}

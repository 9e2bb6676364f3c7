import Foundation
import HubSpotAPI
import LeadSyncSupport
import Testing

@testable import LeadSyncEngine

@Suite struct PacerTests {
    let start = Date(timeIntervalSince1970: 1_764_000_000)

    func configuration(limit: Int = 10, daily: Int = 1_000, margin: Duration = .zero) -> Pacer.Configuration {
        var configuration = Pacer.Configuration()
        configuration.limit = limit
        configuration.limitIsCap = true
        configuration.dailyLimit = daily
        configuration.margin = margin
        return configuration
    }

    /// Sends as fast as the pacer allows for `seconds` and returns the send times.
    func drive(_ pacer: inout Pacer, seconds: Double, step: Double = 0.01) -> [Date] {
        var sends: [Date] = []
        var now = start
        while now < start.addingTimeInterval(seconds) {
            if pacer.decide(now: now) == .now {
                pacer.recordSend(now: now)
                pacer.recordCompletion(now: now)
                sends.append(now)
            } else {
                now = now.addingTimeInterval(step)
            }
        }
        return sends
    }

    @Test func neverMoreThanTheLimitInAnyWindow() {
        var pacer = Pacer(configuration: configuration(limit: 10), now: start)
        let sends = drive(&pacer, seconds: 60)
        for (i, send) in sends.enumerated() {
            let inWindow = sends[i...].prefix { $0 < send.addingTimeInterval(10) }.count
            #expect(inWindow <= 10, "window starting at send \(i)")
        }
        // And it uses the budget: 6 windows of 10.
        #expect(sends.count >= 59)
    }

    @Test func saysWhenTheNextRequestMayGo() {
        var pacer = Pacer(configuration: configuration(limit: 2, margin: .milliseconds(250)), now: start)
        pacer.recordSend(now: start)
        pacer.recordCompletion(now: start.addingTimeInterval(0.5))
        pacer.recordSend(now: start.addingTimeInterval(1))
        pacer.recordCompletion(now: start.addingTimeInterval(1.2))
        // The first request may have arrived as late as its answer: it leaves the window 10 s
        // (plus the margin) after that.
        #expect(pacer.decide(now: start.addingTimeInterval(2)) == .at(start.addingTimeInterval(10.75)))
    }

    @Test func theMarginShrinksByHalfTheShortestRoundTripButNeverBelowTheAnswer() {
        var pacer = Pacer(configuration: configuration(limit: 1, margin: .milliseconds(20)), now: start)
        // Without a send time, no credit: the answer is the latest HubSpot can have counted it.
        pacer.recordSend(now: start)
        pacer.recordCompletion(now: start.addingTimeInterval(0.3))
        #expect(pacer.arrivalCredit == 0)
        #expect(leaves(&pacer, at: 1) == 10.32)

        // Round trips of 300 ms then 100 ms: half the shortest (50 ms) comes off each answer after
        // it, but never more than the 20 ms margin: a request leaves no sooner than a window after its answer.
        pacer = Pacer(configuration: configuration(limit: 1, margin: .milliseconds(20)), now: start)
        pacer.recordSend(now: start)
        pacer.recordCompletion(now: start.addingTimeInterval(0.3), sentAt: start)
        #expect(abs(pacer.arrivalCredit - 0.02) < 1e-6)
        let sent = start.addingTimeInterval(20)
        pacer.recordSend(now: sent)
        pacer.recordCompletion(now: sent.addingTimeInterval(0.1), sentAt: sent)
        #expect(abs(pacer.arrivalCredit - 0.02) < 1e-6)
        #expect(leaves(&pacer, at: 21) == 30.1, "sent at 20 s, answered at 20.1 s")
        var tight = Pacer(configuration: configuration(limit: 1, margin: .milliseconds(20)), now: start)
        tight.recordSend(now: start)
        tight.recordCompletion(now: start.addingTimeInterval(0.01), sentAt: start)
        #expect(abs(tight.arrivalCredit - 0.005) < 1e-6, "a 10 ms round trip covers 5 ms of the margin")
    }

    /// When the pacer's full window lets the next request go, in seconds from `start`, to the millisecond.
    func leaves(_ pacer: inout Pacer, at second: Double) -> Double? {
        guard case .at(let date) = pacer.decide(now: start.addingTimeInterval(second)) else { return nil }
        return (date.timeIntervalSince(start) * 1000).rounded() / 1000
    }

    @Test func theCreditNeverPutsACountBeforeItsSend() {
        var pacer = Pacer(configuration: configuration(limit: 1, margin: .seconds(1)), now: start)
        // A refused connection answers at once: its round trip is the shortest and the credit shrinks.
        #expect(pacer.countedBy(sentAt: start, answeredAt: start.addingTimeInterval(0.2)) > start)
        #expect(pacer.countedBy(sentAt: start, answeredAt: start.addingTimeInterval(0.001)) >= start)
        #expect(pacer.arrivalCredit < 0.001)
    }

    @Test func requestsInFlightFillTheWindowUntilAnswered() {
        var pacer = Pacer(configuration: configuration(limit: 2), now: start)
        pacer.recordSend(now: start)
        pacer.recordSend(now: start)
        guard case .at = pacer.decide(now: start.addingTimeInterval(30)) else {
            Issue.record("two requests in flight must fill a window of two, however long ago they were sent")
            return
        }
        pacer.recordCompletion(now: start.addingTimeInterval(30))
        #expect(pacer.decide(now: start.addingTimeInterval(40)) == .now)
    }

    @Test func headersSetTheLimitUnlessAnExplicitCapIsLower() {
        var open = Pacer.Configuration()
        open.limit = 100
        var pacer = Pacer(configuration: open, now: start)
        #expect(pacer.concurrency == 1, "one request until the limit is known")
        pacer.observe(RateLimitInfo(max: 190, intervalMilliseconds: 10_000, remaining: 189), now: start)
        #expect(pacer.limit == 190)
        // A window's free budget goes out at once, up to the in-flight bound.
        #expect(pacer.concurrency == 64)

        var capped = Pacer(configuration: configuration(limit: 10), now: start)
        capped.observe(RateLimitInfo(max: 190, intervalMilliseconds: 10_000, remaining: 189), now: start)
        #expect(capped.limit == 10)
        capped.observe(RateLimitInfo(max: 5, intervalMilliseconds: 10_000, remaining: 4), now: start)
        #expect(capped.limit == 5)
    }

    @Test func aCapStaysARateWhenHubSpotsWindowIsShorter() {
        // `--rate-limit 10/10s` against an OAuth app's 10 per second: before, the pacer took HubSpot's
        // one-second window with the cap's count and sent 10 a second (a 429 seen in SyncCommandTests).
        var capped = Pacer(configuration: configuration(limit: 10), now: start)
        capped.observe(RateLimitInfo(max: 10, intervalMilliseconds: 1_000, remaining: 9), now: start)
        #expect(capped.window == .seconds(1))
        #expect(capped.limit == 1)
        #expect(drive(&capped, seconds: 10).count <= 10)

        // A cap looser than HubSpot's short window: HubSpot's 15 a second wins within the second.
        var loose = Pacer(configuration: configuration(limit: 1_000), now: start)
        loose.observe(RateLimitInfo(max: 15, intervalMilliseconds: 1_000, remaining: 14), now: start)
        #expect(loose.limit == 15)
        #expect(loose.window == .seconds(1))
    }

    @Test func remainingRevealsOtherAppsUsingTheBudget() {
        var pacer = Pacer(configuration: configuration(limit: 10), now: start)
        pacer.recordSend(now: start)
        // HubSpot counted 6 requests in the window; one was ours.
        pacer.observe(RateLimitInfo(max: 10, intervalMilliseconds: 10_000, remaining: 4), now: start)
        var granted = 0
        while pacer.decide(now: start) == .now {
            pacer.recordSend(now: start)
            granted += 1
        }
        #expect(granted == 4)
    }

    @Test func aRateLimitWaitsOutTheWindowAndSlowsDown() {
        var pacer = Pacer(configuration: configuration(limit: 10), now: start)
        pacer.rateLimited(retryAfter: nil, now: start)
        #expect(pacer.decide(now: start.addingTimeInterval(5)) == .at(start.addingTimeInterval(10)))
        #expect(pacer.decide(now: start.addingTimeInterval(10)) == .now)
        #expect(pacer.limit == 9)
    }

    @Test func theDailyLimitStopsUntilMidnightInTheAccountsTimeZone() throws {
        var config = configuration(limit: 100, daily: 3)
        config.timeZone = try #require(TimeZone(identifier: "America/New_York"))
        // 2026-11-29T03:00:00Z is 22:00 on the 28th in New York: the reset is at 05:00Z.
        let now = try #require(Timestamp.parse("2026-11-29T03:00:00Z")).seconds
        var pacer = Pacer(configuration: config, now: now)
        for _ in 0..<3 { pacer.recordSend(now: now) }
        let reset = try #require(Timestamp.parse("2026-11-29T05:00:00Z")).seconds
        #expect(pacer.decide(now: now) == .dailyLimitReached(resetAt: reset))
        #expect(pacer.decide(now: reset) == .now)
    }

    @Test(arguments: [
        "2026-11-29T03:00:00Z", "2026-11-29T00:00:00Z", "2026-11-28T23:59:59.999Z", "1969-12-31T12:00:00Z",
    ])
    func utcsMidnightIsTheCalendarsWithoutIt(_ text: String) throws {
        let date = try #require(Timestamp.parse(text)).seconds
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
        let expected = try #require(calendar.date(byAdding: .day, value: 1, to: calendar.startOfDay(for: date)))
        #expect(Pacer.nextMidnight(after: date, in: .gmt) == expected)
    }

    @Test func dailyRemainingCountsTheWholeAccount() {
        var pacer = Pacer(configuration: configuration(limit: 100, daily: 1_000), now: start)
        pacer.observe(RateLimitInfo(daily: 1_000, dailyRemaining: 0), now: start)
        guard case .dailyLimitReached = pacer.decide(now: start) else {
            Issue.record("expected the daily limit")
            return
        }
    }
}

extension Int64 {
    /// Epoch milliseconds as a `Date`.
    fileprivate var seconds: Date { Date(timeIntervalSince1970: Double(self) / 1000) }
}

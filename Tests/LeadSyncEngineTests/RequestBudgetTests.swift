import Foundation
import HubSpotAPI
import LeadSyncEngine
import LeadSyncSupport
import LeadSyncTestKit
import Testing

/// Two budgets on one ledger file stand for two processes of one journal (each opens the file
/// itself, so `flock` sets them apart as it does processes); the clock moves only when a budget
/// waits.
@Suite struct RequestBudgetTests {
    /// HubSpot's headers at 10 per 10 s with `remaining` left.
    static func tenPerTenSeconds(remaining: Int) -> RateLimitInfo {
        RateLimitInfo(max: 10, intervalMilliseconds: 10_000, remaining: remaining)
    }

    /// The most of `times` in any `window` seconds.
    static func mostInAnyWindow(_ times: [Date], window: TimeInterval) -> Int {
        let sorted = times.sorted()
        return sorted.indices.map { start in
            sorted[start...].prefix { $0.timeIntervalSince(sorted[start]) < window }.count
        }.max() ?? 0
    }

    /// Admits `count` requests one after another, answering each without rate-limit headers (so
    /// the budget learns nothing by itself); when each was admitted.
    static func send(_ count: Int, through budget: RequestBudget, clock: AdjustableClock) async throws -> [Date] {
        var times: [Date] = []
        for _ in 0..<count {
            let ticket = try await budget.admit("contacts.batch.read")
            times.append(clock.now)
            budget.completed(ticket, rateLimit: nil)
        }
        return times
    }

    @Test func aProcessStartingBesideARunningOnePacesFromTheLimitTheOtherLearned() async throws {
        let directory = try TemporaryDirectory()
        let path = RequestBudget.ledgerPath(journalPath: directory.path("journal.db"))
        let clock = AdjustableClock()
        // The running process learned 10 per 10 s from HubSpot and spent the window.
        let running = try RequestBudget(configuration: .init(), ledgerPath: path, clock: clock)
        var times: [Date] = []
        for sent in 1...10 {
            let ticket = try await running.admit("contacts.batch.upsert")
            times.append(clock.now)
            running.completed(ticket, rateLimit: Self.tenPerTenSeconds(remaining: 10 - sent))
        }
        #expect(times.allSatisfy { $0 == times[0] })
        // A fresh process (default guess: 100 per 10 s) has had no answer of its own.
        let fresh = try RequestBudget(configuration: .init(), ledgerPath: path, clock: clock)
        let freshTimes = try await Self.send(10, through: fresh, clock: clock)
        #expect(freshTimes[0].timeIntervalSince(times[0]) >= 10, "waited for the running process's window to roll")
        #expect(Self.mostInAnyWindow(times + freshTimes, window: 10) <= 10)
    }

    @Test func theLearnedLimitIsNotARequest() async throws {
        let directory = try TemporaryDirectory()
        let path = RequestBudget.ledgerPath(journalPath: directory.path("journal.db"))
        let clock = AdjustableClock()
        let running = try RequestBudget(configuration: .init(), ledgerPath: path, clock: clock)
        running.completed(try await running.admit("crm.properties"), rateLimit: Self.tenPerTenSeconds(remaining: 9))
        clock.advance(seconds: 60)
        // The window is empty: the whole limit at once, and not one more.
        let fresh = try RequestBudget(configuration: .init(), ledgerPath: path, clock: clock)
        let start = clock.now
        let times = try await Self.send(11, through: fresh, clock: clock)
        #expect(times.prefix(10).allSatisfy { $0 == start })
        #expect(times[10].timeIntervalSince(start) >= 10)
    }

    /// Issue 13: a stopped sync's request waiting for the window to roll is refused as soon as the
    /// stop is asked (here the moment it starts waiting), not admitted when the window rolls 10 s
    /// later.
    @Test func aStopEndsAWaitForTheBudgetAtOnce() async throws {
        let stop = StopSignal()
        var configuration = Pacer.Configuration()
        configuration.limit = 10
        configuration.limitIsCap = true
        let budget = try RequestBudget(
            configuration: configuration, ledgerPath: nil, clock: StandingClock { stop.request() })
        for _ in 0..<10 { budget.completed(try await budget.admit("contacts.batch.upsert"), rateLimit: nil) }
        await #expect(throws: CancellationError.self) {
            try await StopSignal.$current.withValue(stop) { try await budget.admit("contacts.batch.upsert") }
        }
        #expect(stop.isRequested, "the request waited for the window")
    }
}

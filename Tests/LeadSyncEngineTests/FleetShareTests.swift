import Foundation
import HubSpotAPI
import LeadSyncEngine
import Testing

@Suite struct FleetShareTests {
    let t0 = Date(timeIntervalSince1970: 1_795_824_000)

    func headers(remaining: Int) -> RateLimitInfo {
        RateLimitInfo(max: 200, intervalMilliseconds: 10_000, remaining: remaining)
    }

    /// The AIMD alone, without the slow start.
    static let noSlowStart: FleetShare.Configuration = {
        var configuration = FleetShare.Configuration()
        configuration.initial = 1
        return configuration
    }()

    /// `processes` start together on an account of `limit` per 10 s, in round trips of 0.2 s, all
    /// inside one window: each sends at once what its allowance leaves (in the first round one
    /// request, the property definitions, as the reconciler does before it knows the limit);
    /// HubSpot counts the arrivals in turn across processes and answers 429 past the limit; each
    /// process learns from its own answers. The requests HubSpot counted, and its 429s.
    func startTogether(
        _ processes: Int, _ configuration: FleetShare.Configuration = .init(), rounds: Int, limit: Int = 190
    ) -> (counted: Int, limited: Int) {
        var shares = Array(repeating: FleetShare(configuration: configuration, now: t0), count: processes)
        var sent = Array(repeating: 0, count: processes)
        var (counted, limited) = (0, 0)
        for round in 0..<rounds {
            var bursts = shares.indices.map { process in
                round == 0 ? 1 : max(0, shares[process].ownLimit(of: limit, holds: sent[process]) - sent[process])
            }
            for process in shares.indices { sent[process] += bursts[process] }
            var answers: [(process: Int, remaining: Int)] = []
            while bursts.contains(where: { $0 > 0 }) {
                for process in bursts.indices where bursts[process] > 0 {
                    bursts[process] -= 1
                    if counted < limit {
                        counted += 1
                        answers.append((process, limit - counted))
                    } else {
                        limited += 1
                        answers.append((process, 0))
                    }
                }
            }
            let now = t0.addingTimeInterval(0.2 * Double(round + 1))
            for answer in answers {
                let headers = RateLimitInfo(max: limit, intervalMilliseconds: 10_000, remaining: answer.remaining)
                // Each burst leaves in one millisecond: all of it counts as sent no later.
                shares[answer.process].observe(headers, ours: sent[answer.process], now: now)
            }
        }
        return (counted, limited)
    }

    @Test func aProcessAloneRampsToTheWholeLimitInAFewRoundTrips() {
        #expect(FleetShare(now: t0).ownLimit(of: 190, holds: 0) == 19, "10 % before HubSpot said anything")
        #expect(startTogether(1, rounds: 4).counted < 190, "a ramp: 1, 20, 40, 80 requests")
        #expect(startTogether(1, rounds: 5) == (190, 0))
    }

    @Test func aFleetStartingTogetherSharesTheFirstWindowWithoutOvershootingIt() {
        let fleet = startTogether(4, rounds: 10)
        #expect(fleet.counted == 190)
        #expect(fleet.limited <= 4, "about 1 % of the window")
        // Without the slow start, each takes the whole limit at once.
        #expect(startTogether(4, Self.noSlowStart, rounds: 10).limited >= 500)
    }

    @Test func aProcessBesideAnotherOfItsJournalStartsFromWhatTheJournalHolds() {
        var share = FleetShare(now: t0)
        #expect(share.ownLimit(of: 190, holds: 150) == 151, "a verify beside a sync's drain may send")
        share.observe(headers(remaining: 40), ours: 150, now: t0)
        #expect(share.ownLimit(of: 200, holds: 151) == 152, "the ramp goes on from there")
    }

    @Test func aProcessAloneThatFillsTheWindowKeepsTheWholeLimit() {
        var share = FleetShare(now: t0)
        for second in 0..<30 {
            share.observe(headers(remaining: 0), ours: 200, now: t0.addingTimeInterval(Double(second)))
        }
        #expect(share.ownLimit(of: 200, holds: 200) == 200)
    }

    @Test func crowdingByOthersShrinksTheAllowanceToItsShareOncePerWindowAndItGrowsBack() {
        var share = FleetShare(configuration: Self.noSlowStart, now: t0)
        share.observe(headers(remaining: 100), ours: 20, now: t0)
        #expect(share.ownLimit(of: 200, holds: 20) == 200)
        // 4 left, 150 of them others': crowded; the allowance drops to 90 % of its own 46.
        share.observe(headers(remaining: 4), ours: 46, now: t0.addingTimeInterval(1))
        #expect(share.ownLimit(of: 200, holds: 46) == 41)
        share.observe(headers(remaining: 2), ours: 40, now: t0.addingTimeInterval(5))
        #expect(share.ownLimit(of: 200, holds: 40) == 41, "once per window")
        // Not crowded for a window, others still there: +2 % of Max (4 requests).
        share.observe(headers(remaining: 50), ours: 40, now: t0.addingTimeInterval(15))
        #expect(share.ownLimit(of: 200, holds: 40) == 45)
        share.observe(headers(remaining: 3), ours: 45, now: t0.addingTimeInterval(16))
        #expect(share.ownLimit(of: 200, holds: 45) == 40)
        // The others are gone: after a window of that, the whole limit at once.
        share.observe(headers(remaining: 150), ours: 45, now: t0.addingTimeInterval(30))
        #expect(share.ownLimit(of: 200, holds: 45) == 46, "40.5 grown by 14 s of 4 a window")
        share.observe(headers(remaining: 150), ours: 45, now: t0.addingTimeInterval(40))
        #expect(share.ownLimit(of: 200, holds: 45) == 200)
    }

    @Test func aConfiguredShareCapsTheAllowance() {
        var configuration = Self.noSlowStart
        configuration.share = 0.25
        var share = FleetShare(configuration: configuration, now: t0)
        #expect(share.ownLimit(of: 190, holds: 0) == 47)
        share.observe(headers(remaining: 150), ours: 10, now: t0)
        share.observe(headers(remaining: 150), ours: 10, now: t0.addingTimeInterval(100))
        #expect(share.ownLimit(of: 200, holds: 10) == 50, "never above its share")
    }
}

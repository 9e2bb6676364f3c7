import Foundation
import HubSpotAPI
import LeadSyncEngine
import Testing

@Suite struct FleetShareTests {
    let t0 = Date(timeIntervalSince1970: 1_795_824_000)

    func headers(remaining: Int) -> RateLimitInfo {
        RateLimitInfo(max: 200, intervalMilliseconds: 10_000, remaining: remaining)
    }

    @Test func aProcessAloneThatFillsTheWindowKeepsTheWholeLimit() {
        var share = FleetShare(now: t0)
        #expect(share.ownLimit(of: 200) == nil, "no cap before HubSpot said anything")
        for second in 0..<30 {
            share.observe(headers(remaining: 0), ours: 200, now: t0.addingTimeInterval(Double(second)))
        }
        #expect(share.ownLimit(of: 200) == 200)
    }

    @Test func crowdingByOthersShrinksTheAllowanceToItsShareOncePerWindowAndItGrowsBack() {
        var share = FleetShare(now: t0)
        share.observe(headers(remaining: 100), ours: 20, now: t0)
        #expect(share.ownLimit(of: 200) == 200)
        // 4 left, 150 of them others': crowded; the allowance drops to 90 % of its own 46.
        share.observe(headers(remaining: 4), ours: 46, now: t0.addingTimeInterval(1))
        #expect(share.ownLimit(of: 200) == 41)
        share.observe(headers(remaining: 2), ours: 40, now: t0.addingTimeInterval(5))
        #expect(share.ownLimit(of: 200) == 41, "once per window")
        // Not crowded for a window, others still there: +2 % of Max (4 requests).
        share.observe(headers(remaining: 50), ours: 40, now: t0.addingTimeInterval(15))
        #expect(share.ownLimit(of: 200) == 45)
        share.observe(headers(remaining: 3), ours: 45, now: t0.addingTimeInterval(16))
        #expect(share.ownLimit(of: 200) == 40)
        // The others are gone: after a window of that, the whole limit at once.
        share.observe(headers(remaining: 150), ours: 45, now: t0.addingTimeInterval(30))
        #expect(share.ownLimit(of: 200) == 46, "40.5 grown by 14 s of 4 a window")
        share.observe(headers(remaining: 150), ours: 45, now: t0.addingTimeInterval(40))
        #expect(share.ownLimit(of: 200) == 200)
    }

    @Test func aConfiguredShareCapsTheAllowance() {
        var share = FleetShare(configuration: .init(share: 0.25), now: t0)
        #expect(share.ownLimit(of: 190) == 47)
        share.observe(headers(remaining: 150), ours: 10, now: t0)
        share.observe(headers(remaining: 150), ours: 10, now: t0.addingTimeInterval(100))
        #expect(share.ownLimit(of: 200) == 50, "never above its share")
    }
}

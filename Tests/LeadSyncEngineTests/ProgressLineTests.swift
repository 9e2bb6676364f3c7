import Testing

@testable import LeadSyncEngine

@Suite struct ProgressLineTests {
    @Test func showsDeliveredRateAndETA() {
        var summary = DrainSummary()
        summary.delivered = 4_200
        summary.requests = 42
        let line = ProgressLine(total: 10_000).render(summary, elapsedSeconds: 42)
        #expect(line == "delivered 4,200/10,000 records · 100/s · ETA 0:58 · 42 requests")
    }

    @Test func namesRejectionsAnd429sOnlyWhenThereAreSome() {
        var summary = DrainSummary()
        summary.delivered = 10
        summary.rejected = 3
        summary.rateLimited = 1
        let line = ProgressLine(total: nil).render(summary, elapsedSeconds: 0)
        #expect(line == "delivered 10 records · 0/s · 0 requests · 3 rejected · 1 429s")
    }

    @Test func formatsLongETAsWithHours() {
        #expect(ProgressLine.clock(3_725) == "1:02:05")
        #expect(ProgressLine.grouped(1_234_567) == "1,234,567")
    }
}

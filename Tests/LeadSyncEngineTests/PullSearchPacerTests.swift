import LeadSyncEngine
import Testing

@Suite struct PullSearchPacerTests {
    @Test func neverMoreThanTheLimitInAnySecondEvenWithArrivalJitter() {
        var pacer = SearchPacer(requestsPerSecond: 5)
        #expect(pacer.intervalMilliseconds == 220)
        var now: Int64 = 0
        var starts: [Int64] = []
        for i in 0..<50 {
            now += pacer.delay(now: now)
            pacer.started(at: now)
            starts.append(now)
            now += Int64(i % 4) * 7  // request durations
        }
        // Arrivals shifted by up to ±20 ms still leave every 1-second window with at most 5.
        let arrivals = starts.enumerated().map { $0.element + ($0.offset % 2 == 0 ? 20 : -20) }
        for first in arrivals {
            #expect(arrivals.filter { $0 >= first && $0 < first + 1000 }.count <= 5)
        }
        #expect(starts.last! < 50 * 230, "pacing far slower than the limit")
    }

    @Test func noWaitBeforeTheFirstRequestOrOnceTheIntervalPassed() {
        var pacer = SearchPacer(requestsPerSecond: 4, marginPercent: 0)
        #expect(pacer.delay(now: 1_000) == 0)
        pacer.started(at: 1_000)
        #expect(pacer.delay(now: 1_100) == 150)
        #expect(pacer.delay(now: 1_300) == 0)
    }
}

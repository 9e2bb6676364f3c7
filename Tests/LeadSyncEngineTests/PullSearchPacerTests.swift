import LeadSyncEngine
import LeadSyncSupport
import Testing

@Suite struct PullSearchPacerTests {
    /// When the pacers below are made: the runs start a second later, when the first may go.
    static let made: Int64 = 999_000

    /// Runs `count` sequential searches whose round trips `latency(i)` gives; their start and answer times.
    static func run(_ pacer: inout SearchPacer, count: Int, latency: (Int) -> Int64) -> [(start: Int64, answer: Int64)]
    {
        var now: Int64 = 1_000_000
        var requests: [(start: Int64, answer: Int64)] = []
        for i in 0..<count {
            now += pacer.delay(now: now)
            pacer.started(at: now)
            let start = now
            now += latency(i)
            pacer.answered(at: now)
            requests.append((start, now))
        }
        return requests
    }

    /// HubSpot counts each request at some instant between its start and its answer. The most
    /// arrivals one second can hold are `limit + 1` requests counted as close together as
    /// possible: the first at its answer, the last at its start.
    static func closestSpan(_ requests: [(start: Int64, answer: Int64)], limit: Int) -> Int64 {
        (0..<(requests.count - limit)).map { requests[$0 + limit].start - requests[$0].answer }.min()!
    }

    @Test func noSecondEverHoldsMoreThanTheLimitWhateverTheRoundTrips() {
        var random = SplitMix64(seed: 2026)
        var pacer = SearchPacer(requestsPerSecond: 5, now: Self.made)
        // Round trips from 5 ms to 400 ms: a loaded machine or network stalls some of them.
        let requests = Self.run(&pacer, count: 300) { _ in Int64(random.next() % 396) + 5 }
        #expect(Self.closestSpan(requests, limit: 5) >= 1_000)
    }

    @Test func aSlowRequestBeforeQuickOnesDoesNotSqueezeSixIntoASecond() {
        // Found in CI: the first request, 200 ms on the wire, counted just before the second
        // started; four more quick ones followed 220 ms apart, the sixth inside that second.
        var pacer = SearchPacer(requestsPerSecond: 5, now: Self.made)
        let requests = Self.run(&pacer, count: 12) { $0 % 6 == 0 ? 200 : 5 }
        #expect(Self.closestSpan(requests, limit: 5) >= 1_000)
    }

    @Test func theLimitGoesOutAtOnceAndTheNextASecondAfterTheFirstAnswer() {
        var pacer = SearchPacer(requestsPerSecond: 4, now: Self.made)
        let requests = Self.run(&pacer, count: 9) { _ in 10 }
        #expect(requests[0..<4].map(\.start) == [1_000_000, 1_000_010, 1_000_020, 1_000_030])
        #expect(requests[4].start == requests[0].answer + 1_000)
        #expect(requests[8].start == requests[4].answer + 1_000)
        // At 10 ms round trips that is 4 requests per 1.01 s: the limit, not a margin under it.
        #expect(requests[8].start - requests[0].start == 2_020)
    }

    @Test func aNewPacerWaitsASecondForSearchesAKilledPullMayHaveLeftInHubSpotsSecond() {
        // Seen under load in PullCrashRecoveryTests: a pull killed just after its searches and run
        // again at once met a 429 once searches could go out five at a time.
        var pacer = SearchPacer(requestsPerSecond: 5, now: 5_000)
        #expect(pacer.delay(now: 5_000) == 1_000)
        #expect(pacer.delay(now: 5_400) == 600)
        #expect(pacer.delay(now: 6_000) == 0)
        pacer.started(at: 6_000)
        pacer.answered(at: 6_010)
        #expect(pacer.delay(now: 6_010) == 0, "the rest of the second's places are free again")
    }
}

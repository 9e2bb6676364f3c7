import LeadSyncSupport
import Testing

@testable import LeadSyncEngine

@Suite struct BackoffTests {
    @Test func ceilingDoublesUpToTheCap() {
        let backoff = Backoff(base: .milliseconds(100), cap: .seconds(2))
        #expect(
            (0..<7).map { backoff.ceiling(attempt: $0) } == [
                .milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .milliseconds(1600),
                .seconds(2), .seconds(2),
            ])
    }

    @Test(arguments: [1, 42, 9_001] as [UInt64])
    func delaysAreFullJitterUnderTheCeiling(seed: UInt64) {
        let backoff = Backoff(base: .milliseconds(100), cap: .seconds(5))
        let delays = Array(backoff.delays(using: SplitMix64(seed: seed)).prefix(40))
        for (attempt, delay) in delays.enumerated() {
            #expect(delay >= .zero && delay <= backoff.ceiling(attempt: attempt), "seed \(seed)")
        }
        // Full jitter spreads retries: the capped tail is not one repeated value.
        #expect(Set(delays.suffix(20)).count > 10, "seed \(seed)")
    }

    @Test func theSameSeedGivesTheSameDelays() {
        let backoff = Backoff()
        let a = Array(backoff.delays(using: SplitMix64(seed: 7)).prefix(10))
        let b = Array(backoff.delays(using: SplitMix64(seed: 7)).prefix(10))
        #expect(a == b)
    }
}

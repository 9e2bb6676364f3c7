/// Exponential backoff with full jitter, capped (AWS's "full jitter": each delay is uniform in
/// `0...min(cap, base × 2^attempt)`), fed by an injected generator so tests reproduce it.
///
/// ```swift
/// var delays = Backoff(base: .milliseconds(100), cap: .seconds(30)).delays(using: SplitMix64(seed: seed))
/// let first = delays.next()!   // somewhere in 0...100 ms
/// ```
package struct Backoff: Sendable, Hashable {
    /// Default 200 ms: a lost packet or a brief 502 clears in well under a second.
    package var base: Duration
    /// Default 30 s: long enough to stop hammering an outage, short enough to notice its end.
    package var cap: Duration

    package init(base: Duration = .milliseconds(200), cap: Duration = .seconds(30)) {
        self.base = base
        self.cap = cap
    }

    /// The upper bound of the delay before retry number `attempt` (0 for the first retry).
    package func ceiling(attempt: Int) -> Duration {
        let exponent = min(max(attempt, 0), 40)
        let grown = base * Double(UInt64(1) << UInt64(exponent))
        return min(cap, grown)
    }

    /// The delay before retry number `attempt`, drawn uniformly from `0...ceiling(attempt)`.
    package func delay(attempt: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        let ceilingMilliseconds = ceiling(attempt: attempt).milliseconds
        return .milliseconds(Int64.random(in: 0...ceilingMilliseconds, using: &generator))
    }

    /// The delays of successive retries, as an endless sequence.
    package func delays<G: RandomNumberGenerator>(using generator: G) -> Delays<G> {
        Delays(backoff: self, generator: generator)
    }

    /// Successive delays of one retried operation.
    package struct Delays<G: RandomNumberGenerator>: Sequence, IteratorProtocol {
        let backoff: Backoff
        var generator: G
        var attempt = 0

        package mutating func next() -> Duration? {
            defer { attempt += 1 }
            return backoff.delay(attempt: attempt, using: &generator)
        }
    }
}

extension Duration {
    /// Whole milliseconds, rounded down.
    var milliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }

    /// The duration in seconds as a `TimeInterval`, for `Date` arithmetic.
    var timeInterval: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }

    /// A duration from a `TimeInterval` (seconds).
    static func interval(_ seconds: Double) -> Duration {
        .milliseconds(Int64((seconds * 1000).rounded(.up)))
    }
}

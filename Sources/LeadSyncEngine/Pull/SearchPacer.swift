/// Keeps search requests under search's own per-second limit (5/s, separate from the 10-second
/// limit, and answered without rate-limit headers to steer by; hubspot-api.md §4.2).
///
/// HubSpot counts a request when it arrives, which is some time between its start and its answer.
/// So a request holds one of the second's places from its start until a second after its answer,
/// and a new one starts only while fewer than the limit are held. That stays under the limit
/// however long the network or a loaded machine delays any one request. Evenly spaced starts did
/// not: a request that arrived just before the next one started left four intervals (880 ms) for
/// six arrivals, and HubSpot answered 429.
///
/// A pacer begins as if the limit had been used up the moment it was made: a pull killed or
/// ended a moment ago may have left its last searches in HubSpot's current second, and a new
/// process cannot see them. That costs each incremental pull one second at its start.
///
/// Requests are sequential: each `started(at:)` is followed by its `answered(at:)` before the next
/// `delay(now:)`.
package struct SearchPacer: Sendable, Hashable {
    /// Requests HubSpot takes in any one second.
    package let limit: Int
    private static let windowMilliseconds: Int64 = 1_000
    /// Start of the request in flight, if any (epoch ms).
    private var inFlight: Int64?
    /// Answer times of the latest `limit` requests, oldest first (epoch ms).
    private var answers: [Int64]

    /// - Parameters:
    ///   - requestsPerSecond: search's limit. Default 5: HubSpot's (per account since 2026).
    ///   - now: when the pacer is made (epoch ms); its first search starts a second later.
    package init(requestsPerSecond: Int = 5, now: Int64) {
        self.limit = max(1, requestsPerSecond)
        self.answers = Array(repeating: now, count: limit)
    }

    /// How long to wait before starting a request at `now` (epoch ms); zero when it may start now.
    package func delay(now: Int64) -> Int64 {
        precondition(inFlight == nil, "a search request is still in flight")
        return max(0, answers[0] + Self.windowMilliseconds - now)
    }

    /// Records that a request started at `now` (epoch ms).
    package mutating func started(at now: Int64) { inFlight = now }

    /// Records that the request in flight ended at `now` (epoch ms), answered or failed: a failed
    /// one may still have been counted.
    package mutating func answered(at now: Int64) {
        inFlight = nil
        answers.append(now)
        if answers.count > limit { answers.removeFirst() }
    }
}

/// Spaces search requests so they stay under search's own per-second limit (5/s, separate from the
/// 10-second limit, and answered without rate-limit headers to steer by; hubspot-api.md §4.2).
///
/// Requests start at even intervals of `1 s / limit` plus a margin, rather than in bursts of
/// `limit`: HubSpot counts arrivals, and even spacing keeps any one-second window at or under the
/// limit even when network delays shift some arrivals by up to the margin × limit.
package struct SearchPacer: Sendable, Hashable {
    /// Time between two request starts, in milliseconds.
    package let intervalMilliseconds: Int64
    private var lastStart: Int64?

    /// - Parameters:
    ///   - requestsPerSecond: search's limit. Default 5: HubSpot's (per account since 2026).
    ///   - marginPercent: extra spacing, so jitter in arrival times cannot squeeze `limit + 1`
    ///     requests into one second. Default 10%.
    package init(requestsPerSecond: Int = 5, marginPercent: Int = 10) {
        let base = 1000.0 / Double(max(1, requestsPerSecond))
        self.intervalMilliseconds = Int64((base * Double(100 + marginPercent) / 100).rounded(.up))
    }

    /// How long to wait before starting a request at `now` (epoch ms); zero when it may start now.
    package func delay(now: Int64) -> Int64 {
        guard let lastStart else { return 0 }
        return max(0, lastStart + intervalMilliseconds - now)
    }

    /// Records that a request started at `now` (epoch ms).
    package mutating func started(at now: Int64) { lastStart = now }
}

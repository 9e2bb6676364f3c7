package import LeadSyncHTTP

/// HubSpot's `X-HubSpot-RateLimit-*` headers of one response. Every field is optional: search
/// responses carry none, OAuth-authenticated calls carry no daily ones.
package struct RateLimitInfo: Sendable, Hashable {
    /// `X-HubSpot-RateLimit-Max`: requests allowed per interval.
    package var max: Int?
    /// `X-HubSpot-RateLimit-Interval-Milliseconds`: the burst window, e.g. 10 000.
    package var intervalMilliseconds: Int?
    /// `X-HubSpot-RateLimit-Remaining`: left in the current window.
    package var remaining: Int?
    /// `X-HubSpot-RateLimit-Daily`: requests allowed per day.
    package var daily: Int?
    /// `X-HubSpot-RateLimit-Daily-Remaining`: left today.
    package var dailyRemaining: Int?

    package init(
        max: Int? = nil, intervalMilliseconds: Int? = nil, remaining: Int? = nil, daily: Int? = nil,
        dailyRemaining: Int? = nil
    ) {
        self.max = max
        self.intervalMilliseconds = intervalMilliseconds
        self.remaining = remaining
        self.daily = daily
        self.dailyRemaining = dailyRemaining
    }

    /// Parses the headers; nil when the response carried none of them.
    package init?(headers: HTTPHeaders) {
        func value(_ name: String) -> Int? { headers["X-HubSpot-RateLimit-" + name].flatMap { Int($0) } }
        self.init(
            max: value("Max"), intervalMilliseconds: value("Interval-Milliseconds"), remaining: value("Remaining"),
            daily: value("Daily"), dailyRemaining: value("Daily-Remaining"))
        if self == RateLimitInfo() { return nil }
    }
}

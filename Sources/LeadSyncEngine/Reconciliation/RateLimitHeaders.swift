/// HubSpot's `X-HubSpot-RateLimit-*` response headers, each nil when absent (hubspot-api.md §6.3).
public struct RateLimitHeaders: Sendable, Hashable {
    /// `X-HubSpot-RateLimit-Max`: requests allowed per interval.
    public var max: Int?
    /// `X-HubSpot-RateLimit-Interval-Milliseconds`: the rolling interval.
    public var intervalMilliseconds: Int?
    /// `X-HubSpot-RateLimit-Remaining`: left in the current interval, for every app of the account.
    public var remaining: Int?
    /// `X-HubSpot-RateLimit-Daily`.
    public var daily: Int?
    /// `X-HubSpot-RateLimit-Daily-Remaining`.
    public var dailyRemaining: Int?

    public init(
        max: Int? = nil, intervalMilliseconds: Int? = nil, remaining: Int? = nil, daily: Int? = nil,
        dailyRemaining: Int? = nil
    ) {
        self.max = max
        self.intervalMilliseconds = intervalMilliseconds
        self.remaining = remaining
        self.daily = daily
        self.dailyRemaining = dailyRemaining
    }
}

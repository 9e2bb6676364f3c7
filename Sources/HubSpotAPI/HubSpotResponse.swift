public import LeadSyncHTTP

/// A successful call's value with what came with it: rate-limit headers for the pacer, the
/// correlation id for support, sizes and timings for metrics.
public struct HubSpotResponse<Value: Sendable>: Sendable {
    public var value: Value
    /// The HTTP status (any 2xx; 207 for a batch with per-input errors).
    public var status: Int
    public var rateLimit: RateLimitInfo?
    public var correlationId: String?
    public var metrics: HTTPMetrics

    public init(value: Value, status: Int, rateLimit: RateLimitInfo?, correlationId: String?, metrics: HTTPMetrics) {
        self.value = value
        self.status = status
        self.rateLimit = rateLimit
        self.correlationId = correlationId
        self.metrics = metrics
    }
}

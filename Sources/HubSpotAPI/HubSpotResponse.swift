package import LeadSyncHTTP

/// A successful call's value with what came with it: rate-limit headers for the pacer, the
/// correlation id for support, sizes and timings for metrics.
package struct HubSpotResponse<Value: Sendable>: Sendable {
    package var value: Value
    /// The HTTP status (any 2xx; 207 for a batch with per-input errors).
    package var status: Int
    package var rateLimit: RateLimitInfo?
    package var correlationId: String?
    package var metrics: HTTPMetrics

    package init(value: Value, status: Int, rateLimit: RateLimitInfo?, correlationId: String?, metrics: HTTPMetrics) {
        self.value = value
        self.status = status
        self.rateLimit = rateLimit
        self.correlationId = correlationId
        self.metrics = metrics
    }
}

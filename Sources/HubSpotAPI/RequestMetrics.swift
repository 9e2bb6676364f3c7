import Metrics

/// What the client records through swift-metrics for every request it sends to HubSpot's API,
/// into whatever backend the process bootstrapped (none: the no-op one). The library never
/// bootstraps: `sync --follow --listen` installs Prometheus; an embedding app chooses its own.
///
/// - `leadsync_hubspot_requests_total{status}`: answered requests by HTTP status
///   (`transport_error` when there was no answer: timeout, reset, DNS);
/// - `leadsync_hubspot_rate_limited_total`: of those, the 429s;
/// - `leadsync_hubspot_request_duration_seconds`: a histogram of each request's time on the wire;
/// - `leadsync_hubspot_budget_used_ratio`: the share of the account's rolling-window budget
///   HubSpot counted as used at the last answer (`1 - Remaining / Max`: every app of the account).
enum RequestMetrics {
    static func answered(status: Int?, rateLimit: RateLimitInfo?, after duration: Duration) {
        if let max = rateLimit?.max, max > 0, let remaining = rateLimit?.remaining {
            Gauge(label: "leadsync_hubspot_budget_used_ratio").record(Double(max - remaining) / Double(max))
        }
        Counter(
            label: "leadsync_hubspot_requests_total",
            dimensions: [("status", status.map(String.init) ?? "transport_error")]
        )
        .increment()
        if status == 429 { Counter(label: "leadsync_hubspot_rate_limited_total").increment() }
        let (seconds, attoseconds) = duration.components
        Timer(label: "leadsync_hubspot_request_duration_seconds")
            .recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}

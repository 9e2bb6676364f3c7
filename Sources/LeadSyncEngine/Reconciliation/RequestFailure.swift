/// Why a whole request failed, as the reconciler acts on it.
package enum RequestFailure: Sendable, Hashable, Error {
    /// 429. `daily`: the `DAILY` policy, nothing more until the reset.
    case rateLimited(daily: Bool, retryAfter: Duration?)
    /// 5xx, timeouts, resets, DNS, 423, 477, a 401 the client's token refresh did not cure:
    /// retried with backoff (or after `retryAfter`).
    case transient(String, retryAfter: Duration?)
    /// The token can no longer be refreshed (or a static token was refused): pause, keep everything.
    case reconnectionRequired(String)
    /// 403 `MISSING_SCOPES`.
    case missingScopes([String], message: String)
    /// The server failed TLS verification (untrusted, expired or wrong-host certificate): no
    /// retry cures it, and nothing may be sent to a server not proven to be HubSpot.
    case untrusted(String)
    /// A 4xx refusing the whole batch (400 `VALIDATION_ERROR`, 409 `CONFLICT`, 404): split
    /// until the bad input is isolated, then refuse it with this verdict.
    case refused(InputRefusal)
}

extension RequestFailure: CustomStringConvertible {
    /// One line for logs, messages and `last_error`: what failed, never a token or a value sent
    /// (and never a Swift dump of the case).
    package var description: String {
        switch self {
        case .rateLimited(let daily, _): daily ? "HubSpot daily limit reached" : "HubSpot rate limit reached (429)"
        case .transient(let message, _): message
        case .reconnectionRequired(let message): "HubSpot access must be reconnected: \(message)"
        case .missingScopes(let scopes, _): "missing scope \(scopes.joined(separator: ", "))"
        case .untrusted(let message): message
        case .refused(let refusal): "HubSpot refused (\(refusal.category))"
        }
    }
}

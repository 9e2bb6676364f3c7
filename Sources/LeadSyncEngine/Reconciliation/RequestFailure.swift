public import HubSpotAPI

/// Why a whole request failed, as the reconciler acts on it.
public enum RequestFailure: Sendable, Hashable, Error {
    /// 429. `daily`: the `DAILY` policy, nothing more until the reset.
    case rateLimited(daily: Bool, retryAfter: Duration?)
    /// 5xx, timeouts, resets, DNS, 423, 477: retried with backoff (or after `retryAfter`).
    case transient(String, retryAfter: Duration?)
    /// 401 `EXPIRED_AUTHENTICATION` the client could not absorb: refresh the token, then retry.
    case authenticationExpired
    /// The token can no longer be refreshed (or a static token was refused): pause, keep everything.
    case reconnectionRequired(String)
    /// 403 `MISSING_SCOPES`.
    case missingScopes([String], message: String)
    /// A 4xx refusing the whole batch (400 `VALIDATION_ERROR`, 409 `CONFLICT`, 404): split
    /// until the bad input is isolated.
    case refused(HubSpotError)
}

/// Everything HubSpot said about one failure: of a whole request (thrown), or of some inputs of a
/// batch (listed in ``BatchResult/errors``).
///
/// ```swift
/// catch let error as HubSpotError {
///     switch error.classification {
///     case .rateLimited(let policy, let window): pacer.slowDown(policy, window)
///     case .needsReconnect: return .reconnectionRequired
///     default: …
///     }
/// }
/// ```
package struct HubSpotError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What the caller should do about it.
    package enum Classification: Sendable, Hashable {
        /// A transient failure (423 lock, 5xx, 477 migration): try again, not before `after` when given.
        case retryLater(after: Duration?)
        /// A 429. `policy` is HubSpot's `policyName` (`TEN_SECONDLY_ROLLING`, `DAILY`, `SECONDLY`
        /// for search); `window` is when trying again makes sense (`Retry-After` when sent, the
        /// policy's window otherwise; nil for `DAILY`, which lasts until the account's midnight).
        case rateLimited(policy: String, window: Duration?)
        /// 401 `EXPIRED_AUTHENTICATION`: refresh the access token and send again.
        case needsTokenRefresh
        /// The credentials are dead (401 with a static or just-refreshed token, `invalid_grant`,
        /// `BAD_REFRESH_TOKEN`, `BAD_HUB`): only a new `connect` helps.
        case needsReconnect
        /// The token lacks these scopes (403 `MISSING_SCOPES`).
        case missingScopes([String])
        /// The client id, secret or redirect URI is wrong (`invalid_client`, `BAD_CLIENT_*`).
        case badConfiguration
        /// These records' values or ids were refused (a 207 entry, 404, 409): sending the same
        /// values again fails again, the rest of the batch is unaffected.
        case permanentForRecords
        /// The request itself was refused (400 on its shape, 403, other 4xx): fix the request.
        case permanentForRequest
    }

    /// One entry of HubSpot's `errors[]` inside an error, or one item of a "Property values were
    /// not valid" message.
    package struct Detail: Sendable, Hashable {
        package var message: String
        /// `INVALID_OPTION`, `PROPERTY_DOESNT_EXIST`, `INVALID_DATE`, …
        package var code: String?
        package var propertyName: String?

        package init(message: String, code: String? = nil, propertyName: String? = nil) {
            self.message = message
            self.code = code
            self.propertyName = propertyName
        }
    }

    /// The HTTP status of the response that carried the error (207 for a batch entry).
    package var status: Int
    /// `VALIDATION_ERROR`, `OBJECT_NOT_FOUND`, `CONFLICT`, `EXPIRED_AUTHENTICATION`, … or, for
    /// 429 bodies without one, `errorType` (`RATE_LIMIT`).
    package var category: String?
    package var subCategory: String?
    package var message: String
    package var correlationId: String?
    /// The `objectWriteTraceId`s of the inputs this error concerns.
    package var traceIds: [String]
    /// The record ids (or emails) this error concerns (`context.ids`, `context.id`).
    package var ids: [String]
    /// The property names this error concerns.
    package var propertyNames: [String]
    /// A 429's `policyName`.
    package var policyName: String?
    /// The OAuth error code: HubSpot's `status` (`BAD_REFRESH_TOKEN`, `BAD_HUB`) when present,
    /// else the RFC 6749 `error` (`invalid_grant`).
    package var oauthError: String?
    /// For a 409 `CONFLICT` on create: the id of the contact that already has the email.
    package var existingId: String?
    /// `Retry-After`, when the response carried one.
    package var retryAfter: Duration?
    package var details: [Detail]
    /// The rate-limit headers of the response that carried the error.
    package var rateLimit: RateLimitInfo?
    package var classification: Classification

    package init(
        status: Int, category: String? = nil, subCategory: String? = nil, message: String,
        correlationId: String? = nil, traceIds: [String] = [], ids: [String] = [], propertyNames: [String] = [],
        policyName: String? = nil, oauthError: String? = nil, existingId: String? = nil, retryAfter: Duration? = nil,
        details: [Detail] = [], rateLimit: RateLimitInfo? = nil, classification: Classification
    ) {
        self.status = status
        self.category = category
        self.subCategory = subCategory
        self.message = message
        self.correlationId = correlationId
        self.traceIds = traceIds
        self.ids = ids
        self.propertyNames = propertyNames
        self.policyName = policyName
        self.oauthError = oauthError
        self.existingId = existingId
        self.retryAfter = retryAfter
        self.details = details
        self.rateLimit = rateLimit
        self.classification = classification
    }

    /// A short, label-safe code for metrics and `last_error`: the category, the OAuth error or
    /// `http_<status>`.
    package var code: String { category ?? oauthError ?? "http_\(status)" }

    /// True for the daily limit, which lasts until midnight in the account's time zone.
    package var isDailyLimit: Bool {
        if case .rateLimited(let policy, _) = classification { return policy == "DAILY" }
        return false
    }

    package var description: String {
        var text = "HubSpot answered \(status)"
        if let category { text += " \(category)" }
        if let oauthError { text += " \(oauthError)" }
        text += ": \(message)"
        if let correlationId { text += " (correlation id \(correlationId))" }
        return text
    }
}

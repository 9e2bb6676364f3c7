/// A batch call's answer, reduced to what the state machine needs (200, 201 or 207).
public struct BatchResponse: Sendable, Hashable {
    /// One contact HubSpot wrote or returned.
    public struct Contact: Sendable, Hashable {
        public var id: String
        /// Echoed `objectWriteTraceId`, when HubSpot returned one.
        public var traceID: String?
        /// Property values as returned; nil for a requested property that is null.
        public var properties: [String: String?]

        public init(id: String, traceID: String? = nil, properties: [String: String?] = [:]) {
            self.id = id
            self.traceID = traceID
            self.properties = properties
        }
    }

    /// One entry of a 207's `errors[]`.
    public struct InputError: Sendable, Hashable {
        public var category: String
        public var message: String
        /// `context.objectWriteTraceId`.
        public var traceIDs: [String]
        /// `context.ids` (record ids or emails HubSpot could not find).
        public var ids: [String]
        /// Properties HubSpot named (`context.propertyName`, `errors[].context.propertyName`);
        /// the state machine also reads names out of a validation message.
        public var properties: [String]

        public init(category: String, message: String, traceIDs: [String] = [], ids: [String] = [], properties: [String] = []) {
            self.category = category
            self.message = message
            self.traceIDs = traceIDs
            self.ids = ids
            self.properties = properties
        }

    }

    public var results: [Contact]
    public var errors: [InputError]

    public init(results: [Contact], errors: [InputError] = []) {
        self.results = results
        self.errors = errors
    }
}

/// Why a whole request failed.
public enum RequestFailure: Sendable, Hashable, Error {
    /// 429. `daily`: the `DAILY` policy, nothing more until the reset.
    case rateLimited(daily: Bool, retryAfter: Duration?)
    /// 5xx, timeouts, resets, DNS, 423, 477: retried with backoff (or after `retryAfter`).
    case transient(String, retryAfter: Duration?)
    /// 401 `EXPIRED_AUTHENTICATION`: refresh the token, then retry.
    case authenticationExpired
    /// The token can no longer be refreshed (or a static token was refused): pause, keep everything.
    case reconnectionRequired(String)
    /// 403 `MISSING_SCOPES`.
    case missingScopes([String], message: String)
    /// A 4xx that refuses the whole batch (400 `VALIDATION_ERROR`, 409 `CONFLICT`, 404): split
    /// until the bad input is isolated.
    case refused(category: String, message: String)
}

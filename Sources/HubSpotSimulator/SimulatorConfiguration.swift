/// How the simulator behaves: limits, latency, token lifetime, faults and the choices where
/// HubSpot's sources disagree. Every field has a default; change them at start or at run time
/// (``HubSpotSimulator/updateConfiguration(_:)`` or `POST /_sim/config`).
public struct SimulatorConfiguration: Sendable {
    /// A request budget over a rolling window.
    public struct RateLimit: Sendable, Equatable {
        public var max: Int
        public var intervalMilliseconds: Int
        public init(max: Int, intervalMilliseconds: Int) {
            self.max = max
            self.intervalMilliseconds = intervalMilliseconds
        }
    }

    /// Rolling-window limit per private app (all its static tokens together); HubSpot Professional: 190 per 10 s.
    /// nil = unlimited (no rate-limit headers either).
    public var rateLimit: RateLimit? = RateLimit(max: 190, intervalMilliseconds: 10_000)
    /// Rolling-window limit per OAuth app (all its access tokens together); HubSpot: 110 per 10 s.
    public var oauthRateLimit: RateLimit? = RateLimit(max: 110, intervalMilliseconds: 10_000)
    /// Rolling limit on the OAuth token endpoints per client id (HubSpot limits them but publishes
    /// no figure; refresh herds have hit it). nil = unlimited.
    public var tokenEndpointRateLimit: RateLimit?
    /// Requests per account-local day for static tokens (OAuth calls have none); nil = unlimited.
    public var dailyLimit: Int? = 625_000
    /// Search requests per second per account (exempt from the other limits); nil = unlimited.
    public var searchPerSecond: Int? = 5
    /// Fixed latency added to every API answer, slept on the connection's thread.
    public var latencyMilliseconds = 0
    /// How far each answer's latency strays from ``latencyMilliseconds``, either way: a uniform
    /// draw in `-jitterMilliseconds...jitterMilliseconds` (seeded; the sum never below 0), so
    /// a latency of 150 and a jitter of 50 are the 150 ± 50 ms the product's goals name.
    public var jitterMilliseconds = 0
    /// `expires_in` of OAuth access tokens.
    public var accessTokenLifetimeSeconds = 1800
    /// Whether a refresh returns a new refresh token (revoking the old one) instead of the same.
    public var rotateRefreshTokens = false
    /// How long after a write search sees it (object reads are immediate). HubSpot lags "a few
    /// moments"; 0 keeps tests simple.
    public var searchIndexLagMilliseconds = 0
    /// Lifetime of authorization codes from the consent endpoint.
    public var authorizationCodeLifetimeSeconds = 600
    /// When set, the consent endpoint redirects with `error=<this>` instead of a code.
    public var consentError: String?
    /// Random and scheduled faults.
    public var faults = FaultPlan()
    /// Seed of every random choice (faults, jitter, shuffling, ids of tokens).
    public var seed: UInt64 = 0x5EED
    /// Success status of creates (batch and single). HubSpot answers 201 but has changed success
    /// codes of live endpoints before (201 → 200 on associations, 2025); set 200 to check that a
    /// client accepts any 2xx.
    public var createSuccessStatus = 201
    /// Return batch results in a shuffled order, as HubSpot does not promise input order.
    public var shuffleResults = false
    /// Return requested properties that have no value as `null` instead of omitting them.
    public var emptyPropertiesAsNull = false
    /// Compare emails trimmed and case-insensitively (stored lowercased). Off: exact match.
    public var caseInsensitiveEmails = true
    /// Refuse moving `lifecyclestage` backwards (HubSpot lets it go forward only unless cleared).
    public var lifecycleStageForwardOnly = false
    /// Bump `lastmodifieddate` on a write that changes nothing.
    public var bumpModifiedOnNoOpWrite = true
    /// Let `POST …/properties/notes` create properties with `hasUniqueValue: true`. Whether
    /// HubSpot allows unique-value properties on notes is unverified and the evidence leans to no
    /// (hubspot-api.md §14.3), so they are refused by default.
    public var allowUniqueNoteProperties = false
    /// `Retry-After` seconds on 429 answers; nil (HubSpot's documented behaviour) sends none.
    public var retryAfterSeconds: Int?
    /// gzip answers for clients that send `Accept-Encoding: gzip`, as HubSpot does. Compression
    /// costs about a third of the simulator's throughput on one core; drain benchmarks that want
    /// the simulator out of the way may turn it off.
    public var compressResponses = true
    /// The account: portal id and its UTC offset (the daily limit resets at its local midnight).
    public var portalId = 62_515_000
    public var timeZone = "UTC"
    public var utcOffsetMilliseconds = 0

    public init() {}
}

import Foundation
package import HubSpotAPI
import LeadSyncHTTP
package import LeadSyncSupport
package import Logging
import Metrics

/// Keeps a valid access token for every request: refreshes ahead of expiry and when HubSpot
/// answers 401 `EXPIRED_AUTHENTICATION`, with exactly one refresh in flight however many requests
/// wait for it; saves whatever refresh token comes back; marks the connection
/// `reconnection_required` when the grant is dead.
///
/// "Ahead of expiry" is sized from the requests' measured round trips as well as the token's
/// lifetime: a token handed out must still be alive when its request reaches HubSpot, however slow
/// the way there has lately been (see ``Configuration/roundTripMultiple``). A request still waiting
/// for its answer counts as a round trip at least as long as it has waited: a way that has just
/// become slow shows there before any slow answer comes back.
///
/// A refused token never loops: a 401 on the token that answered an earlier 401 of the same
/// request, or on a static token, means reconnecting. Failures that end in reconnecting throw ``HubSpotError`` classified
/// `.needsReconnect`, or ``ConnectionError`` `.reconnectionRequired` once that is recorded.
package actor TokenManager: HubSpotAuthorizer {
    /// How hard to try the token endpoint when it answers 429 or 5xx or cannot be reached.
    package struct Configuration: Sendable {
        /// Default 5 attempts: rides out a 10-second rate window without hammering the endpoint.
        package var maxRefreshAttempts = 5
        /// Default 500 ms, doubling per attempt.
        package var initialBackoff: Duration = .milliseconds(500)
        /// Default 30 s.
        package var maxBackoff: Duration = .seconds(30)
        /// Refresh when less than this much of the token's life remains, at most…
        package var refreshMargin: Duration = .seconds(300)
        /// …and at most this fraction of its lifetime (20 %: a 30-minute token refreshes at 6 min).
        package var refreshFraction = 0.2
        /// The margin is also at least this multiple of the slowest of the last
        /// ``roundTripsKept`` answered requests and of those still in flight (default 2: room for
        /// a request twice as slow as any recent one). A round trip bounds how long a token travels before HubSpot checks it;
        /// with real 30-minute tokens this never exceeds the fixed margin, with short ones on a
        /// starved machine it does.
        package var roundTripMultiple = 2.0
        /// Default 32 answered requests: slow ones are remembered for about one batch window.
        package var roundTripsKept = 32
        /// Whatever the round trips, the margin never exceeds this fraction of the token's
        /// lifetime (default 50 %), so each token serves at least half its life.
        package var maxRefreshFraction = 0.5

        package init() {}
    }

    private var credentials: StoredCredentials
    private let store: (any CredentialStore)?
    private let settings: any ConnectionSettingsStore
    private let oauth: HubSpotOAuth?
    private let clock: any WallClock
    private let configuration: Configuration
    private let logger: Logger
    private var refreshing: Task<Secret, any Error>?
    private var reconnectionRequired = false
    /// The latest answered requests' round trips, oldest first, at most `roundTripsKept`.
    private var roundTrips: [TimeInterval] = []
    /// When each token handed out for a request not yet ended was handed out, by handout id.
    private var inFlight: [UInt64: Date] = [:]
    private var lastHandout: UInt64 = 0
    /// How many refreshes reached HubSpot's token endpoint successfully.
    package private(set) var refreshCount = 0

    /// - Parameters:
    ///   - store: where refreshed credentials are saved; nil keeps them in memory only.
    ///   - oauth: the token endpoint client; required for OAuth credentials.
    package init(
        credentials: StoredCredentials, store: (any CredentialStore)?, settings: any ConnectionSettingsStore,
        oauth: HubSpotOAuth?,
        clock: any WallClock = SystemWallClock(), configuration: Configuration = Configuration(),
        logger: Logger = Logger(label: "leadsync.connection")
    ) {
        self.credentials = credentials
        self.store = store
        self.settings = settings
        self.oauth = oauth
        self.clock = clock
        self.configuration = configuration
        self.logger = logger
    }

    package func accessToken() async throws -> TokenHandout {
        guard !reconnectionRequired else { throw Self.reconnectError }
        guard credentials.kind == .oauth else { return TokenHandout(token: credentials.accessToken) }
        var token = credentials.accessToken
        if refreshDue {
            logger.debug("access token near expiry, refreshing")
            token = try await refresh()
        }
        lastHandout += 1
        inFlight[lastHandout] = clock.now
        return TokenHandout(token: token, id: lastHandout)
    }

    package func tokenRefused(_ token: Secret, error: HubSpotError, isRetry: Bool) async throws {
        if isRetry, credentials.kind == .oauth, error.classification == .needsTokenRefresh,
            (credentials.lifetimeSeconds ?? 0) > 0
        {
            // A refreshed token with a life, refused as expired: it expired on the way (a starved
            // machine, a slow network). A later try with a new token gets through; reconnecting
            // would not help. A grant whose tokens are born expired still ends in reconnection.
            var late = error
            late.classification = .retryLater(after: nil)
            throw late
        }
        guard credentials.kind == .oauth, !isRetry else {
            try await markReconnectionRequired()
            var dead = error
            dead.classification = .needsReconnect
            throw dead
        }
        // Another request already replaced the token: send again with the new one.
        guard token == credentials.accessToken else { return }
        logger.debug("access token refused, refreshing", metadata: ["hubspot.error": "\(error.code)"])
        _ = try await refresh()
    }

    package func requestEnded(_ handout: TokenHandout, answered: Bool) {
        // A request without an answer says nothing about when HubSpot read its token.
        guard let handedOut = inFlight.removeValue(forKey: handout.id), answered else { return }
        roundTrips.append(clock.now.timeIntervalSince(handedOut))
        if roundTrips.count > configuration.roundTripsKept { roundTrips.removeFirst() }
    }

    /// True when the access token is within the refresh margin of its expiry.
    private var refreshDue: Bool {
        guard let expiresAt = credentials.expiresAt else { return false }
        return expiresAt.timeIntervalSince(clock.now) <= marginSeconds
    }

    /// How long before expiry a token is refreshed, in seconds: the fixed margin, or more when
    /// recent requests took long enough that a token could expire on its way to HubSpot.
    private var marginSeconds: TimeInterval {
        let lifetime = Double(credentials.lifetimeSeconds ?? 1800)
        let fixed = min(configuration.refreshMargin.timeInterval, lifetime * configuration.refreshFraction)
        let now = clock.now
        let waiting = inFlight.values.min().map { now.timeIntervalSince($0) } ?? 0
        let slowest = max(roundTrips.max() ?? 0, waiting)
        return min(max(fixed, slowest * configuration.roundTripMultiple), lifetime * configuration.maxRefreshFraction)
    }

    /// Joins the refresh in flight or starts the only one.
    private func refresh() async throws -> Secret {
        if let refreshing { return try await refreshing.value }
        let task = Task { try await self.performRefresh() }
        refreshing = task
        defer { refreshing = nil }
        return try await task.value
    }

    private func performRefresh() async throws -> Secret {
        guard let oauth, let refreshToken = credentials.refreshToken else {
            try await markReconnectionRequired()
            throw Self.reconnectError
        }
        var attempt = 0
        while true {
            attempt += 1
            let retryHint: Duration?
            // HubSpot starts the new token's life before its answer travels back: count from the
            // request, or a slow answer would make the token look younger than it is.
            let requested = clock.now
            do {
                let tokens = try await oauth.refresh(refreshToken)
                var updated = credentials
                updated.accessToken = tokens.accessToken
                updated.refreshToken = tokens.refreshToken ?? refreshToken
                updated.expiresAt = requested.addingTimeInterval(TimeInterval(tokens.expiresIn))
                updated.lifetimeSeconds = tokens.expiresIn
                try await store?.save(updated)
                credentials = updated
                refreshCount += 1
                Counter(label: "leadsync_token_refreshes_total").increment()
                logger.info("access token refreshed", metadata: ["token.expires_in": "\(tokens.expiresIn)"])
                return tokens.accessToken
            } catch let error as HubSpotError {
                switch error.classification {
                case .rateLimited(_, let window): retryHint = window
                case .retryLater(let after): retryHint = after
                case .needsReconnect:
                    try await markReconnectionRequired()
                    throw error
                default: throw error
                }
                guard attempt < configuration.maxRefreshAttempts else { throw error }
            } catch let error as TransportError where error.isTransient {
                guard attempt < configuration.maxRefreshAttempts else { throw error }
                retryHint = nil
            }
            let backoff = min(configuration.maxBackoff, configuration.initialBackoff * (1 << (attempt - 1)))
            logger.notice("token endpoint unavailable, retrying", metadata: ["attempt": "\(attempt)"])
            try await clock.sleep(for: max(backoff, retryHint ?? .zero))
        }
    }

    private func markReconnectionRequired() async throws {
        reconnectionRequired = true
        logger.warning("HubSpot access must be reconnected")
        try await settings.setReconnectionRequired(true)
    }

    private static let reconnectError = ConnectionError(
        .reconnectionRequired, "HubSpot no longer accepts the stored credentials; run `leadsync connect` again")
}

package import LeadSyncSupport

/// Supplies the bearer token for API calls and decides what a refused token means.
///
/// The engine's token manager implements it for OAuth (refresh ahead of expiry, once for all
/// waiting requests); ``StaticTokenAuthorizer`` serves private-app tokens and service keys.
package protocol HubSpotAuthorizer: Sendable {
    /// The token to send now, handed out for one request: the caller reports the request's end
    /// with ``requestEnded(_:answered:)``.
    func accessToken() async throws -> TokenHandout

    /// HubSpot answered 401 to a request sent with `token`. Returns normally when a new token is
    /// available and the request should be sent once more; throws (typically the given error,
    /// classified ``HubSpotError/Classification/needsReconnect``) when not.
    ///
    /// `isRetry` is true when `token` was itself the answer to an earlier refusal of the same
    /// request: the grant is dead, and refreshing again would only loop.
    func tokenRefused(_ token: Secret, error: HubSpotError, isRetry: Bool) async throws

    /// The request that carried `handout` ended: `answered` when HubSpot answered it (any status),
    /// false when it got no answer. For an authorizer whose tokens expire, the time from handout to
    /// answer bounds how long a token travels before HubSpot checks it, and a request not yet ended
    /// shows a slow way there before its answer does.
    func requestEnded(_ handout: TokenHandout, answered: Bool) async
}

/// A token handed out for one request.
package struct TokenHandout: Sendable {
    /// The bearer token.
    package let token: Secret
    /// Which handout this is, for the authorizer that tracks requests in flight (0 for one that
    /// does not).
    package let id: UInt64

    package init(token: Secret, id: UInt64 = 0) {
        self.token = token
        self.id = id
    }
}

/// A token that never changes: a private-app access token or a service key. A 401 means it was
/// revoked or rotated, so it never refreshes: the answer is to reconnect.
package struct StaticTokenAuthorizer: HubSpotAuthorizer {
    private let token: Secret

    package init(token: Secret) { self.token = token }

    package func accessToken() async throws -> TokenHandout { TokenHandout(token: token) }

    package func tokenRefused(_ token: Secret, error: HubSpotError, isRetry: Bool) async throws {
        var error = error
        error.classification = .needsReconnect
        throw error
    }

    /// The token does not expire: round trips do not matter.
    package func requestEnded(_ handout: TokenHandout, answered: Bool) async {}
}

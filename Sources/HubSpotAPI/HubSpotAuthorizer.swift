package import LeadSyncSupport

/// Supplies the bearer token for API calls and decides what a refused token means.
///
/// The engine's token manager implements it for OAuth (refresh ahead of expiry, once for all
/// waiting requests); ``StaticTokenAuthorizer`` serves private-app tokens and service keys.
package protocol HubSpotAuthorizer: Sendable {
    /// The token to send now.
    func accessToken() async throws -> Secret

    /// HubSpot answered 401 to a request sent with `token`. Returns normally when a new token is
    /// available and the request should be sent once more; throws (typically the given error,
    /// classified ``HubSpotError/Classification/needsReconnect``) when not.
    ///
    /// `isRetry` is true when `token` was itself the answer to an earlier refusal of the same
    /// request: the grant is dead, and refreshing again would only loop.
    func tokenRefused(_ token: Secret, error: HubSpotError, isRetry: Bool) async throws

    /// HubSpot answered (any status) a request `roundTrip` after its token was taken: an upper
    /// bound on how long a token travels before HubSpot checks it, for an authorizer whose tokens
    /// expire to refresh them early enough. Requests that got no answer are not reported.
    func requestAnswered(after roundTrip: Duration) async
}

/// A token that never changes: a private-app access token or a service key. A 401 means it was
/// revoked or rotated, so it never refreshes: the answer is to reconnect.
package struct StaticTokenAuthorizer: HubSpotAuthorizer {
    private let token: Secret

    package init(token: Secret) { self.token = token }

    package func accessToken() async throws -> Secret { token }

    package func tokenRefused(_ token: Secret, error: HubSpotError, isRetry: Bool) async throws {
        var error = error
        error.classification = .needsReconnect
        throw error
    }

    /// The token does not expire: round trips do not matter.
    package func requestAnswered(after roundTrip: Duration) async {}
}

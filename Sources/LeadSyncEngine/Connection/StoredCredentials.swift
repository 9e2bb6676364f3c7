package import Foundation
package import HubSpotAPI
package import LeadSyncSupport

/// The secrets of one journal's connection, as kept in its credentials file (never the journal).
package struct StoredCredentials: Sendable, Hashable {
    package enum Kind: String, Sendable, Hashable {
        /// A private-app token or service key: never expires, never refreshes.
        case `static`
        /// OAuth: a short-lived access token and the refresh token that renews it.
        case oauth
    }

    package var kind: Kind
    package var accessToken: Secret
    package var refreshToken: Secret?
    /// When the access token expires (OAuth only).
    package var expiresAt: Date?
    /// How long access tokens live, from the last `expires_in` (OAuth only): refreshing starts
    /// when less than min(5 min, 20 % of it) remains.
    package var lifetimeSeconds: Int?
    package var clientId: String?
    package var clientSecret: Secret?

    package init(
        kind: Kind, accessToken: Secret, refreshToken: Secret? = nil, expiresAt: Date? = nil,
        lifetimeSeconds: Int? = nil,
        clientId: String? = nil, clientSecret: Secret? = nil
    ) {
        self.kind = kind
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.expiresAt = expiresAt
        self.lifetimeSeconds = lifetimeSeconds
        self.clientId = clientId
        self.clientSecret = clientSecret
    }

    /// A static token.
    package static func staticToken(_ token: Secret) -> StoredCredentials {
        StoredCredentials(kind: .static, accessToken: token)
    }

    /// OAuth credentials from the answer to a token request sent at `requested`: HubSpot starts
    /// the token's life before its answer travels back, so its expiry counts from the request.
    package static func oauth(_ tokens: OAuthTokens, clientId: String, clientSecret: Secret, requested: Date)
        -> StoredCredentials
    {
        StoredCredentials(
            kind: .oauth, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken,
            expiresAt: requested.addingTimeInterval(TimeInterval(tokens.expiresIn)), lifetimeSeconds: tokens.expiresIn,
            clientId: clientId, clientSecret: clientSecret)
    }
}

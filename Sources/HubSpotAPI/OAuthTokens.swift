package import LeadSyncSupport

/// What the token endpoint returned for an authorization code or a refresh token.
package struct OAuthTokens: Sendable, Hashable {
    package var accessToken: Secret
    /// HubSpot returns one on every exchange, possibly the same value; store whatever comes back.
    package var refreshToken: Secret?
    /// Seconds the access token lives (1800 at HubSpot; never hard-code it).
    package var expiresIn: Int
    /// Granted scopes, when the endpoint lists them.
    package var scopes: [String]?
    package var hubId: Int?

    package init(accessToken: Secret, refreshToken: Secret?, expiresIn: Int, scopes: [String]? = nil, hubId: Int? = nil)
    {
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.expiresIn = expiresIn
        self.scopes = scopes
        self.hubId = hubId
    }
}

/// What introspection says about a token.
package struct TokenIntrospection: Sendable, Hashable {
    package var active: Bool
    package var hubId: Int?
    package var scopes: [String]
    package var expiresIn: Int?

    package init(active: Bool, hubId: Int?, scopes: [String], expiresIn: Int?) {
        self.active = active
        self.hubId = hubId
        self.scopes = scopes
        self.expiresIn = expiresIn
    }
}

struct WireTokens: Decodable {
    var access_token: String
    var refresh_token: String?
    var expires_in: Int
    var scopes: [String]?
    var scope: String?
    var hub_id: Int?
}

struct WireIntrospection: Decodable {
    var active: Bool?
    var hub_id: Int?
    var scopes: [String]?
    var expires_in: Int?
}

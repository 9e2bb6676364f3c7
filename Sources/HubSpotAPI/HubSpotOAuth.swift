import Foundation
package import LeadSyncHTTP
package import LeadSyncSupport
package import Logging

/// HubSpot's OAuth token endpoints: exchange a code, refresh, introspect, revoke. Form-encoded,
/// secrets in the body; the paths follow ``HubSpotAPIVersion``.
package struct HubSpotOAuth: Sendable {
    private let http: HubSpotHTTP
    package let clientId: String
    private let clientSecret: Secret

    package init(
        baseURL: String, version: HubSpotAPIVersion = .v2026_03, transport: any HTTPTransport, clientId: String,
        clientSecret: Secret, logger: Logger = Logger(label: "leadsync.hubspot.oauth")
    ) {
        http = HubSpotHTTP(baseURL: baseURL, version: version, transport: transport, logger: logger)
        self.clientId = clientId
        self.clientSecret = clientSecret
    }

    /// Exchanges an authorization code (with the PKCE verifier when the flow used one).
    package func exchange(code: Secret, redirectURI: String, codeVerifier: Secret?) async throws -> OAuthTokens {
        var form = [
            ("grant_type", "authorization_code"), ("client_id", clientId), ("client_secret", clientSecret.revealed),
            ("redirect_uri", redirectURI), ("code", code.revealed),
        ]
        if let codeVerifier { form.append(("code_verifier", codeVerifier.revealed)) }
        return try await tokens(form, operation: "oauth.exchange")
    }

    /// Trades the refresh token for a new access token (and whatever refresh token comes back).
    package func refresh(_ refreshToken: Secret) async throws -> OAuthTokens {
        let form = [
            ("grant_type", "refresh_token"), ("client_id", clientId), ("client_secret", clientSecret.revealed),
            ("refresh_token", refreshToken.revealed),
        ]
        return try await tokens(form, operation: "oauth.refresh")
    }

    private func tokens(_ form: [(String, String)], operation: String) async throws -> OAuthTokens {
        let response = try await http.send(http.request(.post, http.version.token, form: form), operation: operation)
        let wire = try http.decode(WireTokens.self, from: response, operation: operation)
        return OAuthTokens(
            accessToken: Secret(wire.access_token), refreshToken: wire.refresh_token.map(Secret.init),
            expiresIn: wire.expires_in,
            scopes: wire.scopes ?? wire.scope.map { $0.split(separator: " ").map(String.init) },
            hubId: wire.hub_id)
    }

    /// What HubSpot knows of an access token.
    package func introspect(accessToken: Secret) async throws -> TokenIntrospection {
        let request: HTTPRequest
        switch http.version {
        case .v2026_03:
            request = http.request(
                .post, "/oauth/2026-03/token/introspect",
                form: [
                    ("client_id", clientId), ("client_secret", clientSecret.revealed), ("token", accessToken.revealed),
                    ("token_type_hint", "access_token"),
                ])
        case .v3:
            request = http.request(.get, "/oauth/v1/access-tokens/" + HubSpotHTTP.percentEncode(accessToken.revealed))
        }
        let response = try await http.send(request, operation: "oauth.introspect")
        let wire = try http.decode(WireIntrospection.self, from: response, operation: "oauth.introspect")
        return TokenIntrospection(
            active: wire.active ?? true, hubId: wire.hub_id, scopes: wire.scopes ?? [], expiresIn: wire.expires_in)
    }

    /// Revokes the refresh token. Access tokens minted from it stay valid until they expire.
    package func revoke(refreshToken: Secret) async throws {
        let request: HTTPRequest
        switch http.version {
        case .v2026_03:
            request = http.request(
                .post, "/oauth/2026-03/token/revoke",
                form: [
                    ("client_id", clientId), ("client_secret", clientSecret.revealed), ("token", refreshToken.revealed),
                    ("token_type_hint", "refresh_token"),
                ])
        case .v3:
            request = http.request(
                .delete, "/oauth/v1/refresh-tokens/" + HubSpotHTTP.percentEncode(refreshToken.revealed))
        }
        _ = try await http.send(request, operation: "oauth.revoke")
    }

    /// The consent page URL the user opens: scopes space-separated, PKCE S256 challenge, state.
    package static func authorizeURL(
        authURL: String, clientId: String, redirectURI: String, scopes: [String], state: String, codeChallenge: String
    ) -> String {
        let query = HubSpotHTTP.formEncode([
            ("client_id", clientId), ("redirect_uri", redirectURI), ("scope", scopes.joined(separator: " ")),
            ("state", state),
            ("code_challenge", codeChallenge), ("code_challenge_method", "S256"),
        ])
        return authURL + (authURL.contains("?") ? "&" : "?") + query
    }
}

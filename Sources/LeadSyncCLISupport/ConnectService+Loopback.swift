import Foundation
import HubSpotAPI
package import LeadSyncEngine
package import LeadSyncSupport

extension ConnectService {
    /// `connect --client-id --client-secret`: the authorization-code flow with PKCE (S256) and a
    /// random `state`, the redirect received on `localhost:port`. `announce` gets the consent URL
    /// to print; the browser is opened unless `openBrowser` is false.
    package func connect(
        clientId: String, clientSecret: Secret, scopes: [String] = ConnectService.defaultScopes, port: Int = 8976,
        openBrowser: Bool = true, timeout: Duration = .seconds(300), newAccount: Bool = false,
        announce: @Sendable (String) -> Void
    ) async throws -> Outcome {
        var generator = SystemRandomNumberGenerator()
        let pkce = PKCE(using: &generator)
        let state = Base64URL.randomToken(using: &generator)
        let listener = try OAuthLoopbackListener(port: port, state: state)
        defer { listener.stop() }
        let url = HubSpotOAuth.authorizeURL(
            authURL: endpoint.authURL, clientId: clientId, redirectURI: listener.redirectURI, scopes: scopes,
            state: state,
            codeChallenge: pkce.challenge)
        announce(url)
        if openBrowser { _ = BrowserLauncher.open(url) }
        let code = try await listener.code(timeout: timeout)
        let requested = clock.now
        let tokens = try await exchange(
            clientId: clientId, clientSecret: clientSecret, code: code, redirectURI: listener.redirectURI,
            verifier: Secret(pkce.verifier))
        let credentials = StoredCredentials.oauth(
            tokens, clientId: clientId, clientSecret: clientSecret, requested: requested)
        return try await store(credentials, clientId: clientId, scopes: tokens.scopes ?? scopes, newAccount: newAccount)
    }

}

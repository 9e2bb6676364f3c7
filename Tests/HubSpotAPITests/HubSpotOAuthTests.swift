import Foundation
import HubSpotAPI
import HubSpotSimulator
import LeadSyncHTTP
import LeadSyncSupport
import LeadSyncTestKit
import Testing

@Suite("HubSpotOAuth against hubspot-sim", .hangGuard)
struct HubSpotOAuthTests {
    let harness: SimulatorHarness
    let transport = CurlTransport()
    let redirectURI = "http://localhost:8976/callback"

    init() throws {
        harness = try SimulatorHarness()
        harness.simulator.registerOAuthClient(id: "client-1", secret: "secret-1")
    }

    func oauth(_ version: HubSpotAPIVersion, secret: String = "secret-1") -> HubSpotOAuth {
        HubSpotOAuth(
            baseURL: harness.baseURL, version: version, transport: transport, clientId: "client-1",
            clientSecret: Secret(secret))
    }

    @Test(arguments: HubSpotAPIVersion.allCases)
    func exchangeRefreshIntrospectRevoke(version: HubSpotAPIVersion) async throws {
        let code = harness.simulator.issueAuthorizationCode(clientId: "client-1", redirectURI: redirectURI)
        let oauth = oauth(version)
        let tokens = try await oauth.exchange(code: Secret(code), redirectURI: redirectURI, codeVerifier: nil)
        #expect(tokens.expiresIn == 1800)
        let refreshToken = try #require(tokens.refreshToken)
        let introspection = try await oauth.introspect(accessToken: tokens.accessToken)
        #expect(introspection.active)

        let refreshed = try await oauth.refresh(refreshToken)
        #expect(refreshed.accessToken != tokens.accessToken)

        try await oauth.revoke(refreshToken: refreshed.refreshToken ?? refreshToken)
        let error = await #expect(throws: HubSpotError.self) {
            try await oauth.refresh(refreshed.refreshToken ?? refreshToken)
        }
        #expect(error?.classification == .needsReconnect)
    }

    @Test func wrongClientSecretIsAConfigurationError() async throws {
        let code = harness.simulator.issueAuthorizationCode(clientId: "client-1", redirectURI: redirectURI)
        let error = await #expect(throws: HubSpotError.self) {
            try await oauth(.v2026_03, secret: "wrong").exchange(
                code: Secret(code), redirectURI: redirectURI, codeVerifier: nil)
        }
        #expect(error?.classification == .badConfiguration)
    }

    @Test func uninstalledAppNeedsReconnect() async throws {
        let code = harness.simulator.issueAuthorizationCode(clientId: "client-1", redirectURI: redirectURI)
        let oauth = oauth(.v2026_03)
        let tokens = try await oauth.exchange(code: Secret(code), redirectURI: redirectURI, codeVerifier: nil)
        harness.simulator.uninstallApp(clientId: "client-1")
        let error = await #expect(throws: HubSpotError.self) {
            try await oauth.refresh(try #require(tokens.refreshToken))
        }
        #expect(error?.oauthError == "BAD_HUB")
        #expect(error?.classification == .needsReconnect)
    }
}

import Foundation
import HubSpotAPI
import HubSpotSimulator
import LeadSyncCLISupport
import LeadSyncEngine
import LeadSyncHTTP
import LeadSyncJournal
import LeadSyncSupport
import LeadSyncTestKit
import Synchronization
import Testing

@Suite("connect, reconnect and disconnect against hubspot-sim", .hangGuard)
struct ConnectionConnectTests {
    let harness: SimulatorHarness
    let directory: TemporaryDirectory
    let journal: Journal
    let transport = CurlTransport()

    init() throws {
        harness = try SimulatorHarness { $0.accessTokenLifetimeSeconds = 2 }
        harness.simulator.registerOAuthClient(id: "client-1", secret: "secret-1")
        directory = try TemporaryDirectory()
        journal = try Journal(path: directory.path("leadsync.db"))
    }

    var file: CredentialsFile { CredentialsFile(path: directory.path("leadsync.db.credentials")) }

    func service(apiURL: String? = nil) -> ConnectService {
        let url = apiURL ?? harness.baseURL
        return ConnectService(
            journal: journal, store: file, endpoint: .init(apiURL: url, authURL: url + "/oauth/authorize"),
            transport: transport,
            clock: harness.clock)
    }

    /// Plays the browser: opens the consent URL, follows HubSpot's redirect to the loopback
    /// listener, optionally tampering with the redirect first.
    func consent(_ url: String, tamper: @Sendable (String) -> String = { $0 }) async throws -> Int {
        let consent = try await transport.send(HTTPRequest(method: .get, url: url))
        let location = try #require(consent.headers["Location"])
        return try await transport.send(HTTPRequest(method: .get, url: tamper(location))).status
    }

    @Test func staticTokenIsCheckedAndStored() async throws {
        let outcome = try await service().connect(token: Secret(harness.token))
        #expect(outcome.accountId == String(harness.simulator.configuration.portalId))
        #expect(outcome.warnings.isEmpty)
        #expect(try file.read()?.accessToken == Secret(harness.token))
        let settings = try await journal.configuration.connectionSettings()
        #expect(settings.tokenKind == .static)
        #expect(settings.accountId == outcome.accountId)
        #expect(settings.timeZone == "UTC")
    }

    @Test func refusedTokenStoresNothing() async throws {
        let error = await #expect(throws: ConnectionError.self) {
            try await service().connect(token: Secret("pat-na1-wrong"))
        }
        #expect(error?.kind == .refused)
        #expect(!file.exists)
    }

    @Test func unreachableHubSpotStoresWithAWarning() async throws {
        let url = harness.baseURL
        harness.stop()
        let outcome = try await service(apiURL: url).connect(token: Secret(harness.token))
        #expect(outcome.accountId == nil)
        #expect(outcome.warnings.count == 1)
        #expect(file.exists)
    }

    @Test func forbiddenAccountCheckStoresWithAccountUnknown() async throws {
        harness.simulator.injectFault(.status(403))
        let outcome = try await service().connect(token: Secret(harness.token))
        #expect(outcome.accountId == nil)
        #expect(!outcome.warnings.isEmpty)
        #expect(try await journal.configuration.connectionSettings().accountId == nil)
        #expect(file.exists)
    }

    @Test func differentAccountNeedsNewAccount() async throws {
        _ = try await service().connect(token: Secret(harness.token))
        harness.simulator.updateConfiguration { $0.portalId = 999 }
        let error = await #expect(throws: ConnectionError.self) {
            try await service().connect(token: Secret(harness.token))
        }
        #expect(error?.kind == .configuration)
        #expect(try await journal.configuration.connectionSettings().accountId == String(62_515_000))
        let outcome = try await service().connect(token: Secret(harness.token), newAccount: true)
        #expect(outcome.accountId == "999")
    }

    @Test func oauthLoopbackFlowEndToEndWithPKCE() async throws {
        let announced = Mutex<String?>(nil)
        async let outcome = service().connect(
            clientId: "client-1", clientSecret: Secret("secret-1"), port: 0, openBrowser: false, timeout: .seconds(20)
        ) { url in announced.withLock { $0 = url } }
        var url: String?
        while url == nil {
            try await Task.sleep(for: .milliseconds(20))
            url = announced.withLock { $0 }
        }
        let consentURL = try #require(url)
        #expect(consentURL.contains("code_challenge_method=S256"))
        #expect(consentURL.contains("redirect_uri=http%3A%2F%2Flocalhost%3A"))
        #expect(
            consentURL.contains(
                "scope=crm.objects.contacts.read%20crm.objects.contacts.write%20crm.schemas.contacts.read%20oauth"))
        #expect(try await consent(consentURL) == 200)
        let connected = try await outcome
        #expect(connected.tokenKind == .oauth)
        #expect(connected.accountId != nil)
        let stored = try #require(try file.read())
        #expect(stored.refreshToken != nil)
        #expect(stored.clientSecret == Secret("secret-1"))
        #expect(try await journal.configuration.connectionSettings().clientId == "client-1")
    }

    @Test func oauthRedirectWithAWrongStateIsRefused() async throws {
        let announced = Mutex<String?>(nil)
        async let outcome = service().connect(
            clientId: "client-1", clientSecret: Secret("secret-1"), port: 0, openBrowser: false, timeout: .seconds(20)
        ) { url in announced.withLock { $0 = url } }
        var url: String?
        while url == nil {
            try await Task.sleep(for: .milliseconds(20))
            url = announced.withLock { $0 }
        }
        let status = try await consent(try #require(url)) { location in
            location.replacingOccurrences(of: "state=", with: "state=forged")
        }
        #expect(status == 400)
        let result: Result<ConnectService.Outcome, any Error>
        do { result = .success(try await outcome) } catch { result = .failure(error) }
        #expect((try? result.get()) == nil)
        #expect((result.failureValue as? ConnectionError)?.kind == .authorizationFailed)
        #expect(!file.exists)
    }

    @Test func oauthFlowTimesOutCleanly() async throws {
        let error = await #expect(throws: ConnectionError.self) {
            try await service().connect(
                clientId: "client-1", clientSecret: Secret("secret-1"), port: 0, openBrowser: false,
                timeout: .milliseconds(300)
            ) { _ in }
        }
        #expect(error?.kind == .authorizationFailed)
        #expect(!file.exists)
    }

    @Test func revokedGrantRequiresReconnectionAndANewConnectClearsIt() async throws {
        let redirectURI = "http://localhost:8976/callback"
        let code = harness.simulator.issueAuthorizationCode(clientId: "client-1", redirectURI: redirectURI)
        _ = try await service().connect(
            clientId: "client-1", clientSecret: Secret("secret-1"), code: Secret(code), redirectURI: redirectURI)
        let access = try await HubSpotAccess.open(
            journal: journal, credentials: .stored(file), apiURL: harness.baseURL, transport: transport,
            clock: harness.clock)
        harness.simulator.revokeRefreshToken(try #require(try file.read()?.refreshToken).revealed)
        harness.simulator.expireAccessTokens()
        let error = await #expect(throws: HubSpotError.self) { try await access.client.accountDetails() }
        #expect(error?.requiresReconnection == true)
        #expect(try await journal.configuration.connectionSettings().reconnectionRequired)
        await #expect(throws: ConnectionError.self) {
            try await HubSpotAccess.open(
                journal: journal, credentials: .stored(file), apiURL: harness.baseURL,
                transport: transport)
        }

        let again = harness.simulator.issueAuthorizationCode(clientId: "client-1", redirectURI: redirectURI)
        _ = try await service().connect(
            clientId: "client-1", clientSecret: Secret("secret-1"), code: Secret(again), redirectURI: redirectURI)
        await #expect(try !journal.configuration.connectionSettings().reconnectionRequired)
        let reconnected = try await HubSpotAccess.open(
            journal: journal, credentials: .stored(file), apiURL: harness.baseURL, transport: transport)
        #expect(try await reconnected.client.accountDetails().status == 200)
    }

    @Test func disconnectRevokesAndForgetsButKeepsMappings() async throws {
        let redirectURI = "http://localhost:8976/callback"
        let code = harness.simulator.issueAuthorizationCode(clientId: "client-1", redirectURI: redirectURI)
        _ = try await service().connect(
            clientId: "client-1", clientSecret: Secret("secret-1"), code: Secret(code), redirectURI: redirectURI)
        let refreshToken = try #require(try file.read()?.refreshToken)
        _ = try await journal.configuration.setMapping(Mapping(field: "budget", property: "budget_band"))
        let endpoint = ConnectService.Endpoint(apiURL: harness.baseURL, authURL: harness.baseURL + "/oauth/authorize")
        let outcome = try await DisconnectService(
            journal: journal, store: file, endpoint: endpoint, transport: transport
        ).disconnect()
        #expect(outcome.revoked)
        #expect(!file.exists)
        #expect(try await journal.configuration.mappings().contains(Mapping(field: "budget", property: "budget_band")))
        let oauth = HubSpotOAuth(
            baseURL: harness.baseURL, transport: transport, clientId: "client-1", clientSecret: Secret("secret-1"))
        await #expect(throws: HubSpotError.self) { try await oauth.refresh(refreshToken) }
    }

    @Test func disconnectWithHubSpotUnreachableStillForgets() async throws {
        let redirectURI = "http://localhost:8976/callback"
        let code = harness.simulator.issueAuthorizationCode(clientId: "client-1", redirectURI: redirectURI)
        _ = try await service().connect(
            clientId: "client-1", clientSecret: Secret("secret-1"), code: Secret(code), redirectURI: redirectURI)
        let url = harness.baseURL
        harness.stop()
        let endpoint = ConnectService.Endpoint(apiURL: url, authURL: url + "/oauth/authorize")
        let outcome = try await DisconnectService(
            journal: journal, store: file, endpoint: endpoint, transport: transport
        ).disconnect()
        #expect(!outcome.revoked)
        #expect(outcome.warning != nil)
        #expect(!file.exists)
    }
}

extension Result {
    fileprivate var failureValue: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}

import Foundation
import HubSpotAPI
import LeadSyncEngine
import LeadSyncHTTP
import LeadSyncSupport
import LeadSyncTestKit
import Logging
import PostgresNIO
import Testing

@testable import LeadSyncPostgres

/// A tenant's credentials at rest (decision 0027) on a real server: sealed with the store's key,
/// opened only with it, bound to their tenant, and written back when a token is refreshed.
@Suite(.hangGuard) struct TenantCredentialsTests {
    static let key = try! CredentialsKey(text: String(repeating: "ab", count: 32), source: "test key A")
    static let otherKey = try! CredentialsKey(text: String(repeating: "cd", count: 32), source: "test key B")

    static let oauth = StoredCredentials(
        kind: .oauth, accessToken: Secret("access-SECRET-1"), refreshToken: Secret("refresh-SECRET-2"),
        expiresAt: Date(timeIntervalSince1970: 1_800_000_000), lifetimeSeconds: 1800, clientId: "client-1",
        clientSecret: Secret("client-SECRET-3"))

    @Test func credentialsRoundTripAndAreForgotten() async throws {
        try await StoreBackend.withPostgresStore { store in
            let credentials = try await store.tenant("acme").credentials(sealedWith: Self.key)
            #expect(try await credentials.credentials() == nil)
            #expect(try await !credentials.exists())
            try await credentials.save(.staticToken(Secret("pat-na1-first")))
            try await credentials.save(Self.oauth)
            #expect(try await credentials.credentials() == Self.oauth)
            #expect(try await credentials.exists())
            try await credentials.deleteDocument()
            #expect(try await credentials.credentials() == nil)
            try await credentials.deleteDocument()
        }
    }

    @Test func theStoredRowShowsNoSecret() async throws {
        try await StoreBackend.withPostgresStore { store in
            try await store.tenant("acme").credentials(sealedWith: Self.key).save(Self.oauth)
            // Everything a database user reading the table gets, as text and as bytes.
            let rows = try await store.database.transaction { connection in
                try await connection.query(
                    "SELECT tenant, encode(sealed, 'escape'), encode(sealed, 'base64'), sealed FROM credential",
                    logger: store.database.logger
                ).collect()
            }
            #expect(rows.count == 1)
            let (tenant, escaped, base64, sealed) = try rows[0].decode((String, String, String, ByteBuffer).self)
            #expect(tenant == "acme")
            let raw = String(decoding: sealed.readableBytesView, as: UTF8.self)
            for text in [escaped, base64, raw] {
                for secret in ["SECRET", "access-", "refresh-", "client-1", "oauth", "access_token"] {
                    #expect(!text.contains(secret))
                }
            }
        }
    }

    @Test func aWrongKeyIsRefusedNamingTheTenantAndTheKeyNotTheSecret() async throws {
        try await StoreBackend.withPostgresStore { store in
            let tenant = try await store.tenant("acme")
            try await tenant.credentials(sealedWith: Self.key).save(Self.oauth)
            await #expect {
                _ = try await tenant.credentials(sealedWith: Self.otherKey).credentials()
            } throws: { error in
                let text = "\(error)"
                return (error as? PostgresStoreError)?.code == .credentials && text.contains("tenant acme")
                    && text.contains("test key B") && !text.contains("SECRET")
            }
            await #expect {
                _ = try await tenant.credentials(sealedWith: nil).credentials()
            } throws: { error in
                (error as? PostgresStoreError)?.code == .credentialsKey
                    && "\(error)".contains("LEADSYNC_CREDENTIALS_KEY_FILE")
            }
            #expect(try await tenant.credentials(sealedWith: nil).exists())
        }
    }

    @Test func aTenantOpensOnlyItsOwnCredentials() async throws {
        try await StoreBackend.withPostgresStore { store in
            let acme = try await store.tenant("acme").credentials(sealedWith: Self.key)
            let globex = try await store.tenant("globex").credentials(sealedWith: Self.key)
            try await acme.save(Self.oauth)
            #expect(try await globex.credentials() == nil)
            try await globex.save(.staticToken(Secret("pat-globex")))
            #expect(try await acme.credentials() == Self.oauth)
            try await acme.deleteDocument()
            #expect(try await globex.credentials() == .staticToken(Secret("pat-globex")))

            // A row copied from one tenant to another does not open there: the tenant is sealed in.
            try await acme.save(Self.oauth)
            try await store.database.transaction { connection in
                try await connection.query(
                    "UPDATE credential SET sealed = (SELECT sealed FROM credential WHERE tenant = 'acme') WHERE tenant = 'globex'",
                    logger: store.database.logger)
            }
            await #expect {
                _ = try await globex.credentials()
            } throws: { error in
                (error as? PostgresStoreError)?.code == .credentials && "\(error)".contains("tenant globex")
            }
        }
    }

    @Test func aRefreshedTokenIsSavedBackToTheTenant() async throws {
        let harness = try SimulatorHarness { $0.accessTokenLifetimeSeconds = 60 }
        defer { harness.stop() }
        harness.simulator.registerOAuthClient(id: "client-1", secret: "secret-1")
        let transport = CurlTransport()
        let oauth = HubSpotOAuth(
            baseURL: harness.baseURL, transport: transport, clientId: "client-1", clientSecret: Secret("secret-1"))
        let redirectURI = "http://localhost:8976/callback"
        try await StoreBackend.withPostgresStore { store in
            let tenant = try await store.tenant("acme")
            let credentials = tenant.credentials(sealedWith: Self.key)
            let code = harness.simulator.issueAuthorizationCode(clientId: "client-1", redirectURI: redirectURI)
            let requested = harness.clock.now
            let tokens = try await oauth.exchange(code: Secret(code), redirectURI: redirectURI, codeVerifier: nil)
            let connected = StoredCredentials.oauth(
                tokens, clientId: "client-1", clientSecret: Secret("secret-1"), requested: requested)
            try await credentials.save(connected)

            let manager = TokenManager(
                credentials: connected, store: credentials,
                settings: JournalConnectionSettings(configuration: tenant.configuration),
                oauth: oauth, clock: harness.clock)
            let client = HubSpotClient(baseURL: harness.baseURL, transport: transport, authorizer: manager)
            harness.simulator.expireAccessTokens()
            #expect(try await client.accountDetails().status == 200)
            #expect(await manager.refreshCount == 1)
            let saved = try #require(try await credentials.credentials())
            #expect(saved.accessToken != connected.accessToken)
            #expect(saved.accessToken == (try await manager.accessToken().token))
        }
    }
}

/// The key's forms and the key file's mode, without a server.
@Suite struct CredentialsKeyTests {
    @Test func aKeyIs32BytesAsHexOrBase64() throws {
        let hex = String(repeating: "0f", count: 32)
        #expect(try CredentialsKey(text: " \(hex)\n", source: "s").bytes == [UInt8](repeating: 15, count: 32))
        let base64 = Data(repeating: 7, count: 32).base64EncodedString()
        #expect(try CredentialsKey(text: base64, source: "s").bytes == [UInt8](repeating: 7, count: 32))
        for bad in ["", String(repeating: "0f", count: 31), Data(repeating: 7, count: 16).base64EncodedString(), "zz"] {
            #expect {
                _ = try CredentialsKey(text: bad, source: "LEADSYNC_CREDENTIALS_KEY")
            } throws: { error in
                (error as? PostgresStoreError)?.code == .credentialsKey
                    && "\(error)".contains("LEADSYNC_CREDENTIALS_KEY") && (bad.isEmpty || !"\(error)".contains(bad))
            }
        }
    }

    @Test func aKeyFileOthersMayReadIsRefused() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("key")
        try Data(String(repeating: "1a", count: 32).utf8).write(to: URL(fileURLWithPath: path))
        chmod(path, 0o644)
        #expect {
            _ = try CredentialsKey.fromEnvironment(["LEADSYNC_CREDENTIALS_KEY_FILE": path])
        } throws: { error in
            "\(error)".contains("LEADSYNC_CREDENTIALS_KEY_FILE \(path)") && "\(error)".contains("644")
        }
        chmod(path, 0o600)
        let key = try #require(try CredentialsKey.fromEnvironment(["LEADSYNC_CREDENTIALS_KEY_FILE": path]))
        #expect(key.bytes == [UInt8](repeating: 0x1a, count: 32))
        #expect(!"\(key)".contains("1a1a"))
        #expect(try CredentialsKey.fromEnvironment([:]) == nil)
    }

    @Test func aChangedByteDoesNotOpen() throws {
        let key = try CredentialsKey(text: String(repeating: "ab", count: 32), source: "s")
        let context = Data("acme".utf8)
        var sealed = try CredentialCipher.seal(Data("{\"a\":1}".utf8), key: key, context: context)
        #expect(try CredentialCipher.open(sealed, key: key, context: context) == Data("{\"a\":1}".utf8))
        sealed[sealed.count / 2] ^= 1
        #expect(throws: CredentialCipher.Failure.notAuthentic) {
            _ = try CredentialCipher.open(sealed, key: key, context: context)
        }
    }
}

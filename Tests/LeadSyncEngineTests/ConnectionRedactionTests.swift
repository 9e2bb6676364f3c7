import Foundation
import HubSpotAPI
import HubSpotSimulator
import LeadSyncHTTP
import LeadSyncJournal
import LeadSyncSupport
import LeadSyncTestKit
import Logging
import Synchronization
import Testing

@testable import LeadSyncEngine

@Suite("Secrets stay out of logs and the journal", .hangGuard)
struct ConnectionRedactionTests {
    static let canary = "pat-na1-c4nary00-0000-4000-8000-000000000001"

    @Test func canaryTokenNeverAppearsAtTraceLevelNorInTheJournal() async throws {
        let harness = try SimulatorHarness()
        harness.simulator.registerToken(Self.canary)
        let directory = try TemporaryDirectory()
        let journalPath = directory.path("leadsync.db")
        let journal = try Journal(path: journalPath)
        let lines = Mutex<[String]>([])
        let redactor = SecretRedactor()
        var logger = Logger(label: "leadsync.test") { label in
            RedactingLogHandler(label: label, level: .trace, redactor: redactor) { line in
                lines.withLock { $0.append(line) }
            }
        }
        logger.logLevel = .trace
        let transport = CurlTransport()
        let endpoint = ConnectService.Endpoint(apiURL: harness.baseURL, authURL: harness.baseURL + "/oauth/authorize")
        _ = try await ConnectService(
            journal: journal, store: CredentialsFile(path: journalPath + ".credentials"), endpoint: endpoint,
            transport: transport, logger: logger
        ).connect(token: Secret(Self.canary))
        let access = try await HubSpotAccess.open(
            journal: journal, credentials: .stored(CredentialsFile(besideJournal: journalPath)),
            apiURL: harness.baseURL,
            transport: transport,
            logger: logger)
        _ = try await access.client.batchUpsert([
            UpsertInput(id: "a@example.com", objectWriteTraceId: "t", properties: ["firstname": "A"])
        ])
        _ = try? await access.client.batchUpsert([
            UpsertInput(id: "b@example.com", objectWriteTraceId: "t", properties: ["nope": "x"])
        ])
        // What a careless caller might log: the handler still hides it.
        logger.trace("sending", metadata: ["http.authorization": "Bearer \(Self.canary)"])
        logger.trace("header Authorization: Bearer \(Self.canary)")
        logger.debug("token \(Self.canary) in a message")
        harness.simulator.revokeToken(Self.canary)
        _ = try? await access.client.accountDetails()

        let logged = lines.withLock { $0 }
        #expect(logged.count > 3)
        #expect(!logged.joined(separator: "\n").contains("c4nary00"))
        for suffix in ["", "-wal", "-shm"] {
            if let bytes = FileManager.default.contents(atPath: journalPath + suffix) {
                #expect(bytes.range(of: Data("c4nary00".utf8)) == nil, "canary found in \(journalPath + suffix)")
            }
        }
    }

    @Test func registeredSecretsAreRedactedWherever() {
        let redactor = SecretRedactor()
        redactor.register("client-secret-value")
        #expect(
            redactor.redact("POST client_secret=client-secret-value&code=abc123")
                == "POST client_secret=<redacted>&code=<redacted>")
        #expect(redactor.redact("Authorization: Bearer xyz.abc") == "Authorization: Bearer <redacted>")
        #expect(redactor.redact("plain text stays") == "plain text stays")
        #expect(SecretRedactor.namesSecret("http.authorization"))
        #expect(SecretRedactor.namesSecret("oauth.refresh_token"))
        #expect(!SecretRedactor.namesSecret("token.revoked"))
        #expect(!SecretRedactor.namesSecret("hubspot.operation"))
    }
}

import Foundation
import LeadSyncCLISupport
import LeadSyncEngine
import LeadSyncSupport
import LeadSyncTestKit
import Testing

@Suite("Credentials file", .serialized)
struct ConnectionCredentialsFileTests {
    @Test func createdOwnerOnlyEvenUnderUmask000AndReplacedAtomically() throws {
        let directory = try TemporaryDirectory()
        let file = CredentialsFile(journalPath: directory.path("leadsync.db"), environment: [:])
        #expect(file.path == directory.path("leadsync.db.credentials"))
        let previous = umask(0)
        defer { umask(previous) }
        let credentials = StoredCredentials(
            kind: .oauth, accessToken: Secret("access-1"), refreshToken: Secret("refresh-1"),
            expiresAt: Date(timeIntervalSince1970: 1_790_000_000), lifetimeSeconds: 1800, clientId: "c",
            clientSecret: Secret("s"))
        try file.write(credentials)
        try file.write(credentials)
        var info = stat()
        #expect(stat(file.path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        #expect(try file.read() == credentials)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.url.path).filter {
            $0.contains(".tmp-")
        }
        #expect(leftovers.isEmpty)
        try file.delete()
        #expect(try file.read() == nil)
        try file.delete()
    }

    @Test func environmentOverridesThePath() {
        let file = CredentialsFile(journalPath: "/x/leadsync.db", environment: ["LEADSYNC_CREDENTIALS": "/y/creds"])
        #expect(file.path == "/y/creds")
    }

    @Test func secretsDoNotShowInDescriptions() {
        let credentials = StoredCredentials.staticToken(Secret("pat-na1-canary-0001"))
        #expect(!String(describing: credentials).contains("canary"))
        #expect(!String(reflecting: credentials).contains("canary"))
    }
}

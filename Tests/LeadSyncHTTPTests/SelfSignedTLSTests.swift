import Foundation
import LeadSyncHTTP
import LeadSyncTestKit
import Testing

@Suite("TLS verification", .hangGuard)
struct SelfSignedTLSTests {
    @Test func selfSignedServerOnLoopbackIsRefused() async throws {
        let directory = try TemporaryDirectory(prefix: "leadsync-tls")
        let pair = try SelfSignedCertificate(in: directory)
        let server = try LoopbackTestServer.start(tlsCertificate: pair.certificatePath, tlsKey: pair.keyPath)

        let error = await #expect(throws: TransportError.self) {
            try await CurlTransport().send(HTTPRequest(method: .get, url: "https://127.0.0.1:\(server.port)/echo"))
        }
        #expect(error?.kind == .tls)
        #expect(error?.isTransient == false)
    }
}

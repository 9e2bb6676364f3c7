import Foundation
import LeadSyncHTTP
import LeadSyncTestKit
import Testing

@Suite("TLS verification", .timeLimit(.minutes(1)))
struct SelfSignedTLSTests {
    @Test func selfSignedServerOnLoopbackIsRefused() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("leadsync-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let certificate = directory.appendingPathComponent("cert.pem").path
        let key = directory.appendingPathComponent("key.pem").path
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        openssl.arguments = [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", certificate,
        ]
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        try #require(openssl.terminationStatus == 0)
        let server = try LoopbackTestServer.start(tlsCertificate: certificate, tlsKey: key)

        let error = await #expect(throws: TransportError.self) {
            try await CurlTransport().send(HTTPRequest(method: .get, url: "https://127.0.0.1:\(server.port)/echo"))
        }
        #expect(error?.kind == .tls)
        #expect(error?.isTransient == false)
    }
}

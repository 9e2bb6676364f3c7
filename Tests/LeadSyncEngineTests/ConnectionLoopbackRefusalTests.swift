import Foundation
import LeadSyncHTTP
import LeadSyncTestKit
import Testing

/// `leadsync connect` (a real process) refusing an OAuth redirect with a wrong `state`: the
/// browser — here libcurl — must get the whole 400 page every time before the process exits 1.
@Suite(.hangGuard) struct ConnectionLoopbackRefusalTests {
    @Test func aWrongStateGetsTheRefusalPageFiftyTimesInARow() async throws {
        let leadsync = try BuiltExecutable.named("leadsync")
        let directory = try TemporaryDirectory(prefix: "leadsync-oauth-refusal")
        let transport = CurlTransport()
        for attempt in 1...50 {
            let connect = try leadsync.start(
                [
                    "connect", "--client-id", "app-1", "--client-secret", "app-secret", "--port", "0", "--no-browser",
                    "--timeout", "30s", "--hubspot-url", "http://127.0.0.1:9",
                ],
                environment: ["LEADSYNC_DB": directory.path("leads-\(attempt).db"), "LEADSYNC_TOKEN": ""])
            // The consent URL is printed on a line of its own; its redirect_uri names the port.
            var port: String?
            while port == nil, let line = connect.nextErrorLine() {
                port = line.firstRange(of: "redirect_uri=http%3A%2F%2Flocalhost%3A").map { found in
                    String(line[found.upperBound...].prefix { $0.isNumber })
                }
            }
            let listening = try #require(port, "attempt \(attempt): no consent URL")
            let answer = try await transport.send(
                HTTPRequest(
                    method: .get, url: "http://localhost:\(listening)/callback?code=c-1&state=forged-\(attempt)"))
            #expect(answer.status == 400, "attempt \(attempt)")
            #expect(String(decoding: answer.body, as: UTF8.self).contains("was refused"), "attempt \(attempt)")
            #expect(connect.wait() == 1, "attempt \(attempt)")
            #expect(!FileManager.default.fileExists(atPath: directory.path("leads-\(attempt).db.credentials")))
        }
    }
}

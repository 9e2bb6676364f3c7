import Foundation
import HubSpotSimulator
import LeadSyncTestKit
import Synchronization
import Testing

@Suite("Request log")
struct RequestLogTests {
    /// A multi-tenant test tells whose request each line was by the app a token was registered
    /// under by name (`--token APP=TOKEN`); a token without a named app, or none, shows `-`, and
    /// no line holds a credential.
    @Test func eachLineNamesTheAppOfItsTokenAndNeverTheToken() throws {
        let harness = try SimulatorHarness { $0.rateLimit = nil }
        defer { harness.stop() }
        harness.simulator.registerToken("pat-tenant-a", app: "tenant-a")
        let lines = Mutex<[String]>([])
        harness.simulator.logRequests { line in lines.withLock { $0.append(line) } }
        let client = harness.client()
        _ = try client.json("GET", ContactInputs.contacts, token: "pat-tenant-a")
        _ = try client.json("GET", ContactInputs.contacts, token: harness.token)
        _ = try client.json("GET", ContactInputs.contacts, token: "nobody")
        let logged = lines.withLock { $0 }
        #expect(logged.map { $0.split(separator: " ").count } == [7, 7, 7])
        #expect(logged.map { $0.split(separator: " ").last.map(String.init) } == ["tenant-a", "-", "-"])
        #expect(logged.map { $0.split(separator: " ")[3] } == ["200", "200", "401"])
        #expect(!logged.contains { $0.contains("pat-") || $0.contains(harness.token) })
    }
}

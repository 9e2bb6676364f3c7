import Foundation
import HubSpotSimulator
import LeadSyncTestKit
import Testing

/// The example edge app (`leadsync-edge-example`), built and run as a process against the
/// simulator, with the credentials `leadsync connect` stored: what an operator would do.
@Suite(.hangGuard) struct EdgeExampleTests {
    @Test func theExampleRecordsWhileSyncingAndEndsWithEveryVisitorInHubSpot() async throws {
        let directory = try TemporaryDirectory(prefix: "leadsync-edge")
        let token = "pat-na1-edge-example"
        let simulator = try HubSpotSimulator.started(token: token) {
            $0.rateLimit = nil
            $0.dailyLimit = nil
        }.simulator
        defer { simulator.stop() }
        let journal = directory.path("kiosk.db")
        let visitors = 20
        let (connected, example) = try await onOwnThread {
            let connected = try BuiltExecutable.named("leadsync").run(
                ["--db", journal, "connect", "--hubspot-url", simulator.baseURL, "--token", "-"],
                environment: ["LEADSYNC_TOKEN": ""], stdin: Data(token.utf8))
            let example = try BuiltExecutable.named("leadsync-edge-example").run(
                [journal, simulator.baseURL, "\(visitors)"])
            return (connected, example)
        }
        #expect(connected.status == 0, "\(connected.stderr)")
        #expect(example.status == 0, "\(example.stderr)")
        #expect(
            example.stdoutText.contains("delivered \(visitors) visitors, 0 values rejected\n"), "\(example.stdoutText)")
        #expect(example.stdoutText.contains("pending leads 0\n"), "\(example.stdoutText)")
        let contacts = simulator.contactsByEmail(properties: ["firstname"])
        #expect(contacts.count == visitors)
        #expect(contacts["visitor7@example.com"]?["firstname"] == "Visitor 7")
        let notes = simulator.notesByContactEmail()
        #expect(notes.count == visitors && notes.values.allSatisfy { $0.count == 1 }, "\(notes.mapValues(\.count))")
    }
}

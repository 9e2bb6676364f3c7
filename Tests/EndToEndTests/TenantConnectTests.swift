import Foundation
import LeadSyncTestKit
import Testing

/// `connect` and `disconnect` on a tenant: the token goes to the tenant's encrypted row, never to
/// a file, and needs the store's credentials key.
@Suite(.hangGuard) struct TenantConnectTests {
    @Test func connectStoresTheTokenInTheTenantUnderTheKey() throws {
        let harness = try SimulatorHarness()
        defer { harness.stop() }
        let cli = try LeadsyncCLI(.postgres)
        let hubspot = ["LEADSYNC_HUBSPOT_URL": harness.baseURL]

        let noKey = try cli.run(
            ["connect", "--token", "-"], environment: hubspot.merging(["LEADSYNC_CREDENTIALS_KEY": ""]) { $1 },
            stdin: Data((harness.token + "\n").utf8))
        #expect(noKey.status == 2)
        #expect(noKey.stderr.contains("LEADSYNC_CREDENTIALS_KEY_FILE") && !noKey.stderr.contains(harness.token))

        let connected = try cli.run(
            ["connect", "--token", "-"], environment: hubspot, stdin: Data((harness.token + "\n").utf8))
        #expect(connected.status == 0, "\(connected.stderr)")
        #expect(!FileManager.default.fileExists(atPath: cli.db + ".credentials"))
        // Whether credentials exist needs no key; opening them does.
        let status = try cli.json("status", environment: ["LEADSYNC_CREDENTIALS_KEY": ""])
        #expect((status.1 as? [String: Any])?["connection"] as? String == "connected")
        let otherKey = try cli.run(
            "pull-rules", "add", "lifecyclestage", "--eq", "lead",
            environment: hubspot.merging(["LEADSYNC_CREDENTIALS_KEY": String(repeating: "07", count: 32)]) { $1 })
        #expect(otherKey.status == 2)
        #expect(otherKey.stderr.contains("tenant acme") && otherKey.stderr.contains("LEADSYNC_CREDENTIALS_KEY"))
        #expect(!otherKey.stderr.contains(harness.token))
        // With the key, the stored token reaches HubSpot: the property check passes.
        #expect(try cli.run("pull-rules", "add", "lifecyclestage", "--eq", "lead", environment: hubspot).status == 0)

        #expect(try cli.run(["disconnect"], environment: hubspot).status == 0)
        #expect((try cli.json("status").1 as? [String: Any])?["connection"] as? String == "disconnected")
    }
}

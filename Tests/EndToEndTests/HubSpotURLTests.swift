import Foundation
import HubSpotSimulator
import LeadSyncTestKit
import Testing

/// A HubSpot URL that cannot be right is a configuration error, found before any request.
@Suite(.hangGuard) struct HubSpotURLTests {
    static let malformed = ["127.0.0.1:18081", "ftp://127.0.0.1/x", "not a url", "http://"]
    static let commands: [[String]] = [
        ["connect", "--token", "-"], ["sync", "--once"], ["pull"], ["verify"], ["map", "check"], ["disconnect"],
        ["status"],
    ]

    @Test(arguments: malformed) func aMalformedURLExitsTwoAtOnceNamingTheSettingForEveryCommand(url: String) throws {
        let cli = try LeadsyncCLI()
        for command in Self.commands {
            let started = Date()
            let flag = try cli.run(
                command + ["--hubspot-url", url], environment: ["LEADSYNC_TOKEN": "pat-x"], stdin: Data("pat-x\n".utf8))
            #expect(flag.status == 2, "\(command): \(flag.stderr)")
            #expect(flag.stderr.contains("--hubspot-url"), "\(command): \(flag.stderr)")
            #expect(flag.stderr.contains(url), "\(command): \(flag.stderr)")
            #expect(Date().timeIntervalSince(started) < 5, "\(command) took too long")

            let env = try cli.run(
                command, environment: ["LEADSYNC_TOKEN": "pat-x", "LEADSYNC_HUBSPOT_URL": url],
                stdin: Data("pat-x\n".utf8))
            #expect(env.status == 2, "\(command): \(env.stderr)")
            #expect(env.stderr.contains("LEADSYNC_HUBSPOT_URL"), "\(command): \(env.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: cli.db + ".credentials"))
    }

    @Test func aURLWithoutSchemeGetsAHint() throws {
        let cli = try LeadsyncCLI()
        let result = try cli.run("status", "--hubspot-url", "127.0.0.1:18081")
        #expect(result.status == 2)
        #expect(result.stderr.contains("did you mean http://127.0.0.1:18081?"), "\(result.stderr)")
    }

    @Test func aMalformedAuthURLExitsTwo() throws {
        let cli = try LeadsyncCLI()
        let result = try cli.run(
            "connect", "--client-id", "id", "--client-secret", "s", "--hubspot-auth-url", "ftp://x")
        #expect(result.status == 2)
        #expect(result.stderr.contains("--hubspot-auth-url"), "\(result.stderr)")
    }

    @Test func aServerAnswering404ToTheAccountCheckIsNotConnected() throws {
        let harness = try SimulatorHarness()
        defer { harness.stop() }
        let cli = try LeadsyncCLI()
        // The simulator under a path it does not serve: every request gets its 404.
        let result = try cli.run(
            ["connect", "--token", "-", "--hubspot-url", harness.baseURL + "/not-hubspot"],
            stdin: Data("\(harness.token)\n".utf8))
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("not the HubSpot API"), "\(result.stderr)")
        #expect(!result.stderr.contains("connected to HubSpot account"))
        #expect(!FileManager.default.fileExists(atPath: cli.db + ".credentials"))
        let (_, status) = try cli.json("status")
        #expect((status as? [String: Any])?["connection"] as? String == "disconnected")
    }

    @Test func theRightURLStillConnects() throws {
        let harness = try SimulatorHarness()
        defer { harness.stop() }
        let cli = try LeadsyncCLI()
        let result = try cli.run(
            ["connect", "--token", "-", "--hubspot-url", harness.baseURL], stdin: Data("\(harness.token)\n".utf8))
        #expect(result.status == 0, "\(result.stderr)")
    }
}

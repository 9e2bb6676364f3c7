import Foundation
import HubSpotSimulator
import LeadSyncTestKit
import Testing

/// The `connect`, `disconnect` and `map check` commands as a user runs them: real processes,
/// a real journal file, the simulator over loopback.
@Suite("connect / disconnect / map check commands", .hangGuard)
struct ConnectionCommandTests {
    static let canary = "pat-na1-c4nary00-cli0-4000-8000-000000000002"
    let harness: SimulatorHarness
    let directory: TemporaryDirectory
    let leadsync: BuiltExecutable

    init() throws {
        harness = try SimulatorHarness()
        harness.simulator.registerToken(Self.canary)
        directory = try TemporaryDirectory()
        leadsync = try BuiltExecutable.named("leadsync")
    }

    var journalPath: String { directory.path("leadsync.db") }

    /// Runs leadsync under `umask 000`, as the most careless deployment would.
    func run(_ arguments: [String], stdin: String = "") throws -> (status: Int32, stdout: String, stderr: String) {
        let quoted = ([leadsync.url.path] + arguments).map { "'\($0)'" }.joined(separator: " ")
        let result = try BuiltExecutableShell.run(
            "umask 000; exec \(quoted)",
            environment: ["LEADSYNC_DB": journalPath, "LEADSYNC_HUBSPOT_URL": harness.baseURL, "LEADSYNC_TOKEN": ""],
            stdin: Data(stdin.utf8))
        return (result.status, result.stdoutText, result.stderr)
    }

    @Test func connectStatusMapCheckDisconnectWithACanaryToken() throws {
        let connect = try run(["connect", "--token", "-", "--log-level", "trace", "--json"], stdin: Self.canary + "\n")
        #expect(connect.status == 0, "\(connect.stderr)")
        #expect(connect.stdout.contains(#""account_id":"62515000""#))
        var info = stat()
        #expect(stat(journalPath + ".credentials", &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)

        let status = try run(["status", "--json", "--log-level", "trace"])
        #expect(status.stdout.contains(#""connection":"connected""#))
        let check = try run(["map", "check", "--json", "--log-level", "trace"])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains(#""unmapped_fields":[]"#))

        for output in [connect.stdout, connect.stderr, status.stdout, status.stderr, check.stdout, check.stderr] {
            #expect(!output.contains("c4nary00"))
        }
        for suffix in ["", "-wal", "-shm"] {
            if let bytes = FileManager.default.contents(atPath: journalPath + suffix) {
                #expect(bytes.range(of: Data("c4nary00".utf8)) == nil, "canary in \(journalPath + suffix)")
            }
        }

        #expect(try run(["disconnect"]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: journalPath + ".credentials"))
        #expect(try run(["map", "check"]).status == 3)
        #expect(try run(["status", "--json"]).stdout.contains(#""connection":"disconnected""#))
    }

    @Test func refusedTokenExits1AndDifferentAccountExits2() throws {
        #expect(try run(["connect", "--token", "pat-na1-refused"]).status == 1)
        #expect(!FileManager.default.fileExists(atPath: journalPath + ".credentials"))
        #expect(try run(["connect", "--token", harness.token]).status == 0)
        harness.simulator.updateConfiguration { $0.portalId = 4242 }
        let other = try run(["connect", "--token", harness.token])
        #expect(other.status == 2)
        #expect(other.stderr.contains("--new-account"))
        #expect(try run(["connect", "--token", harness.token, "--new-account"]).status == 0)
    }

    @Test func revokedGrantShowsReconnectionRequiredUntilTheNextConnect() throws {
        harness.simulator.registerOAuthClient(id: "client-1", secret: "secret-1")
        let redirectURI = "http://localhost:8976/callback"
        func connectWithCode() throws -> Int32 {
            let code = harness.simulator.issueAuthorizationCode(clientId: "client-1", redirectURI: redirectURI)
            return try run(
                [
                    "connect", "--client-id", "client-1", "--client-secret", "-", "--code", code, "--redirect-uri",
                    redirectURI,
                ],
                stdin: "secret-1\n"
            ).status
        }
        #expect(try connectWithCode() == 0)
        let credentials = try String(contentsOfFile: journalPath + ".credentials", encoding: .utf8)
        let refreshToken = try #require(
            (try JSONSerialization.jsonObject(with: Data(credentials.utf8)) as? [String: Any])?["refresh_token"]
                as? String)
        harness.simulator.revokeRefreshToken(refreshToken)
        harness.simulator.expireAccessTokens()

        #expect(try run(["map", "check"]).status == 3)
        #expect(try run(["status", "--json"]).stdout.contains(#""connection":"reconnection_required""#))
        #expect(try connectWithCode() == 0)
        #expect(try run(["status", "--json"]).stdout.contains(#""connection":"connected""#))
        #expect(try run(["map", "check"]).status == 0)
    }

    @Test func oauthWithoutARedirectTimesOutWithExit1() throws {
        harness.simulator.registerOAuthClient(id: "client-1", secret: "secret-1")
        let result = try run(
            [
                "connect", "--client-id", "client-1", "--client-secret", "-", "--no-browser", "--port", "0",
                "--timeout", "1s",
            ], stdin: "secret-1\n")
        #expect(result.status == 1)
        #expect(result.stderr.contains("/oauth/authorize?client_id=client-1"))
        #expect(!result.stderr.contains("secret-1"))
    }
}

/// Runs `/bin/sh -c script`; outputs are small here, so pipes read after exit cannot block.
enum BuiltExecutableShell {
    static func run(_ script: String, environment: [String: String], stdin: Data) throws -> (
        status: Int32, stdoutText: String, stderr: String
    ) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(stdin)
        try input.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }
}

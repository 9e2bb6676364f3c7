import Foundation
import HubSpotSimulator
import LeadSyncSupport
import LeadSyncTestKit
import Testing

/// The command line as a new user meets it: messages and help texts in words, every command
/// taking the global options, warnings where a habit leaks a secret.
@Suite struct CommandLineTests {
    @Test func aNegativeLimitIsRefusedAsNotPositiveNotAsAMissingValue() throws {
        let cli = try LeadsyncCLI()
        for flag in ["--daily-limit", "--rate-limit"] {
            let result = try cli.run("status", flag, "-5")
            #expect(result.status == 2)
            #expect(result.stderr.contains("\(flag): expected") && result.stderr.contains("-5"), "\(result.stderr)")
            #expect(!result.stderr.contains("Missing value"))
        }
    }

    @Test func versionPrintsTheVersionOnStdout() throws {
        let cli = try LeadsyncCLI()
        let result = try cli.run("--version")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutText == LeadSyncVersion.current + "\n")
        #expect(LeadSyncVersion.current.split(separator: ".").count == 3)
    }

    @Test func helpAndErrorTextsShowNoSwiftValues() throws {
        let cli = try LeadsyncCLI()
        let help = try cli.run("sync", "--help")
        #expect(help.stdoutText.contains("(default: 300s)"), "\(help.stdoutText)")
        #expect(!help.stdoutText.contains("DurationText"))
    }

    @Test func generateAcceptsTheGlobalOptions() throws {
        let cli = try LeadsyncCLI()
        let result = try cli.run("--db", cli.db, "generate", "--leads", "2", "--changes", "2")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutText.split(separator: "\n").count == 2)
    }

    @Test func aTokenOnTheCommandLineIsWarnedAbout() throws {
        let cli = try LeadsyncCLI()
        let result = try cli.run("connect", "--token", "pat-visible-in-ps", "--hubspot-url", "http://127.0.0.1:9")
        #expect(result.stderr.contains("warning: a token given on the command line is visible"), "\(result.stderr)")
        #expect(!result.stderr.contains("pat-visible-in-ps"))
        let quiet = try cli.run(
            ["connect", "--token", "-", "--hubspot-url", "http://127.0.0.1:9"], stdin: Data("pat-x\n".utf8))
        #expect(!quiet.stderr.contains("command line is visible"))
    }

    @Test func withoutXDGDataHomeTheJournalIsUnderHOME() throws {
        let cli = try LeadsyncCLI()
        let home = cli.directory.path("home")
        let result = try cli.run(["init"], environment: ["LEADSYNC_DB": "", "XDG_DATA_HOME": "", "HOME": home])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: home + "/.local/share/leadsync/leadsync.db"))
    }
}

/// Lead data is private to its owner from the first byte, whatever the umask.
@Suite struct JournalPermissionTests {
    @Test func theJournalAndItsWALAndSHMAreOwnerOnlyUnderUmask000() throws {
        let cli = try LeadsyncCLI()
        let input = cli.directory.path("one.ndjson")
        try Data(#"{"lead":"L-1","fields":{"email":"a@b.io"}}"#.utf8 + [10]).write(to: URL(fileURLWithPath: input))
        // The umask is the process's: set it in a shell that then becomes leadsync.
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = ["-c", "umask 000 && exec \"$0\" ingest \"$1\"", cli.executable.url.path, input]
        shell.environment = ProcessInfo.processInfo.environment.merging(["LEADSYNC_DB": cli.db, "LEADSYNC_TOKEN": ""]) {
            $1
        }
        try shell.run()
        shell.waitUntilExit()
        #expect(shell.terminationStatus == 0)
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: cli.db + suffix) {
            var info = stat()
            #expect(stat(cli.db + suffix, &info) == 0)
            #expect(info.st_mode & 0o777 == 0o600, "\(suffix): \(String(info.st_mode & 0o777, radix: 8))")
        }
    }
}

/// A refused `LEADSYNC_TOKEN` is named as such: "run leadsync connect" would not help, since
/// stored credentials are not used while it is set.
@Suite(.hangGuard) struct EnvironmentTokenTests {
    @Test func aRefusedEnvironmentTokenIsNamed() throws {
        let harness = try SimulatorHarness()
        defer { harness.stop() }
        let cli = try LeadsyncCLI()
        _ = try cli.run("ingest", stdin: #"{"lead":"L-1","fields":{"email":"a@b.io"}}"# + "\n")
        let environment = ["LEADSYNC_TOKEN": "pat-na1-wrong", "LEADSYNC_HUBSPOT_URL": harness.baseURL]
        for command in [["sync", "--once"], ["pull"], ["map", "check"]] {
            let result = try cli.run(command, environment: environment)
            #expect(result.status == 3, "\(command): \(result.stderr)")
            #expect(
                result.stderr.contains("HubSpot refused the token in LEADSYNC_TOKEN"), "\(command): \(result.stderr)")
            #expect(!result.stderr.contains("run `leadsync connect`"), "\(command)")
        }
    }
}

/// `verify` retries like `sync`: when HubSpot keeps failing it gives up at `--give-up-after`
/// (not after a fixed number of tries), and `--json` still prints its document.
@Suite(.hangGuard) struct VerifyFailureTests {
    @Test func verifyGivesUpAtGiveUpAfterAndStillPrintsItsJSON() throws {
        let harness = try SimulatorHarness()
        defer { harness.stop() }
        harness.simulator.injectFault(.status(503), onRequest: 1, persistent: true)
        let cli = try LeadsyncCLI()
        let started = Date()
        // 7 s: more than six tries' backoff can take (at most 6.2 s), so a fixed count of tries shows.
        let (result, document) = try cli.json(
            "verify", "--give-up-after", "7s",
            environment: ["LEADSYNC_TOKEN": harness.token, "LEADSYNC_HUBSPOT_URL": harness.baseURL])
        let elapsed = Date().timeIntervalSince(started)
        #expect(result.status == 1)
        #expect(elapsed >= 7, "gave up after \(elapsed) s")
        #expect(elapsed < 12, "gave up after \(elapsed) s: a retry past the deadline was waited for")
        // No count of tries: `elapsed >= 7` already shows it did not stop after six (≤ 6.2 s), and
        // how many tries fit in 7 s depends on the backoff's jitter and the machine's load (a
        // full run once fitted exactly six).
        #expect(harness.simulator.counters().totalRequests >= 2, "it retried")
        let report = try #require(document as? [String: Any])
        #expect(report["checked"] as? Int == 0)
        #expect((report["error"] as? String)?.contains("503") == true, "\(report)")
        #expect(result.stderr.contains("verify stopped after 0 leads"))
    }
}

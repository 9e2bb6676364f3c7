import Foundation
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
        let quiet = try cli.run(["connect", "--token", "-", "--hubspot-url", "http://127.0.0.1:9"], stdin: Data("pat-x\n".utf8))
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

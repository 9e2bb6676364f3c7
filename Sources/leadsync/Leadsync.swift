import ArgumentParser
import CLeadSyncMalloc
import Foundation
import LeadSyncJournal
import LeadSyncPostgres
import LeadSyncSQLite
import LeadSyncSupport

/// The `leadsync` command: a thin shell over the library modules, one file per subcommand.
@main
struct Leadsync: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "leadsync",
        abstract: "Keep HubSpot contacts in step with the leads an edge deployment collects.",
        version: LeadSyncVersion.current,
        subcommands: [
            InitCommand.self, IngestCommand.self, MapCommand.self, RulesCommand.self, LeadCommand.self,
            StatusCommand.self, ConfigCommand.self, JournalCommand.self, GenerateCommand.self, ConnectCommand.self,
            DisconnectCommand.self, RejectedCommand.self, SyncCommand.self, VerifyCommand.self,
            PullCommand.self, PullRulesCommand.self, BenchCommand.self, ServeCommand.self,
        ]
    )

    /// Runs the command and maps every failure to cli-contract.md's exit codes: usage and
    /// validation errors exit 2 (ArgumentParser's own default is 64).
    static func main() async {
        // Two arenas, not one per thread: a sync of 10^6 leads held 32 MB in five arenas for an
        // 18 MB heap, and peaked at 80 MB where two arenas keep it at 72 (docs/benchmarks.md).
        leadsync_limit_malloc_arenas(2)
        do {
            var command = try parseAsRoot(GlobalOptions.movedAfterCommand(Array(CommandLine.arguments.dropFirst())))
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as CommandError {
            fail(error.message, error.status)
        } catch let error as JournalError {
            fail(error.message, error.isConfiguration ? .usage : .failure)
        } catch let error as SQLiteError {
            fail("journal: \(error)", .failure)
        } catch let error as PostgresStoreError {
            fail("store: \(error.message)", error.isConfiguration ? .usage : .failure)
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(ExitStatus.usage.rawValue)
            }
            exit(withError: error)
        }
    }

    private static func fail(_ message: String, _ status: ExitStatus) -> Never {
        FileHandle.standardError.write(Data("leadsync: \(message)\n".utf8))
        Foundation.exit(status.rawValue)
    }
}

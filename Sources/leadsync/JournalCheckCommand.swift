import ArgumentParser
import LeadSyncJournal
import LeadSyncSupport

struct JournalCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Check the file's integrity and the journal's invariants (exit 1 on a problem).")

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Print one JSON document on stdout.") var json = false

    func run() async throws {
        let journal = try global.openJournal()
        try await journal.changeLog.fold()
        let problems = try await journal.maintenance.check()
        if json {
            Output.json(.object([("ok", .bool(problems.isEmpty)), ("problems", .array(problems.map(JSONValue.string)))]))
        } else {
            for problem in problems { Output.note(problem) }
            Output.note(problems.isEmpty ? "journal ok" : "\(problems.count) problems")
        }
        if !problems.isEmpty { throw ExitCode(ExitStatus.failure.rawValue) }
    }
}

import ArgumentParser
import LeadSyncJournal
import LeadSyncSQLite
import LeadSyncSupport

struct JournalCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Check the file's integrity and the journal's invariants (exit 1 on a problem)."
    )

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Print one JSON document on stdout.") var json = false

    func run() async throws {
        let problems = try await problems()
        if json {
            Output.json(
                .object([("ok", .bool(problems.isEmpty)), ("problems", .array(problems.map(JSONValue.string)))]))
        } else {
            for problem in problems { Output.note(problem) }
            Output.note(problems.isEmpty ? "journal ok" : "\(problems.count) problems")
        }
        if !problems.isEmpty { throw ExitCode(ExitStatus.failure.rawValue) }
    }

    /// Everything wrong with the journal, as lines. A journal too damaged to open or fold is a
    /// problem to report (in JSON too), not an error that leaves `--json` without a document.
    private func problems() async throws -> [String] {
        let journal: Journal
        do {
            journal = try global.openJournalForReading()
        } catch let error as CommandError where error.status == .failure {
            return [error.message]
        } catch let error as SQLiteError {
            return ["cannot open the journal: \(error)"]
        }
        var problems: [String] = []
        do {
            // A journal that cannot be written is checked as it is; what is not folded stays so.
            if !journal.isReadOnly { try await journal.changeLog.fold() }
        } catch let error as SQLiteError where error.isUnwritable {
            Output.note("not folded: \(error.message)")
        } catch let error as JournalError {
            problems.append("fold: \(error.message)")
        } catch let error as SQLiteError {
            problems.append("fold: \(error)")
        }
        do {
            problems += try await journal.maintenance.check()
        } catch let error as SQLiteError {
            problems.append("check: \(error)")
        }
        return problems
    }
}

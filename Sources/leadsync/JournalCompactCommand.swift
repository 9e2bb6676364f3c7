import ArgumentParser
import Foundation
import LeadSyncJournal
import LeadSyncSupport

struct JournalCompactCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compact",
        abstract: "Delete changes that are no longer pending and older than the retention period.")

    @OptionGroup var global: GlobalOptions
    @Option(help: "Keep changes younger than this many days.") var retainDays = 30
    @Flag(help: "Print one JSON document on stdout.") var json = false

    func validate() throws {
        guard retainDays >= 0 else { throw ValidationError("--retain-days must be 0 or more") }
    }

    func run() async throws {
        let journal = try global.openJournal()
        try await journal.changeLog.fold()
        let cutoff = Timestamp.epochMilliseconds(Date()) - Int64(retainDays) * 86_400_000
        let removed = try await journal.maintenance.compact(olderThan: cutoff)
        if json {
            Output.json(.object([("removed", .integer(removed))]))
        } else {
            Output.note("removed \(removed) changes")
        }
    }
}

import ArgumentParser
import Foundation
import LeadSyncJournal
import LeadSyncSupport

struct JournalCompactCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compact",
        abstract: "Delete changes that are no longer pending and older than the retention period.",
        discussion: """
            Then gives the freed pages back to the file system; the first time on a journal this \
            rewrites the file once (VACUUM) to switch on incremental vacuuming. `sync --follow` does \
            the same every 10 minutes with --retain.
            """)

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
        let storage = try await journal.maintenance.reclaimSpace()
        let freed = (storage.pagesBefore - storage.pages) * storage.pageSize
        if json {
            Output.json(.object([("removed", .integer(Int64(removed))), ("freed_bytes", .integer(freed))]))
        } else {
            Output.note("removed \(removed) changes, freed \(freed) bytes")
        }
    }
}

import ArgumentParser
import Foundation
import LeadSyncEngine
import LeadSyncJournal

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
        let pass = try await JournalRetention(journal: journal, policy: .init(keep: .seconds(retainDays * 86_400)))
            .compactNow()
        let freed = pass.bytesBefore - pass.bytesAfter
        if json {
            Output.json(
                .object([
                    ("removed", .integer(Int64(pass.removed))),
                    ("removed_messages", .integer(Int64(pass.removedMessages))), ("freed_bytes", .integer(freed)),
                ]))
        } else {
            Output.note("removed \(pass.removed) changes and \(pass.removedMessages) messages, freed \(freed) bytes")
        }
    }
}

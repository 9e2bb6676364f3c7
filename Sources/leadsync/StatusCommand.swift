import ArgumentParser
import LeadSyncJournal
import LeadSyncSupport

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show the connection and the journal's pending, rejected and skipped counts.")

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Print one JSON document on stdout.") var json = false

    func run() async throws {
        let journal = try global.openJournal()
        let status = try await journal.leads.status()
        let conversations = try await journal.conversations.counts()
        let connection = try await ConnectionState.current(global: global, journal: journal)
        let entries: [(String, JSONValue)] = [
            ("connection", .string(connection.rawValue)),
            ("pending_changes", .integer(status.pendingChanges)),
            ("pending_leads", .integer(status.pendingLeads)),
            ("awaiting_identity", .integer(status.awaitingIdentity)),
            ("unmatched", .integer(status.unmatched)),
            ("rejected", .integer(status.rejected + conversations.rejected)),
            ("skipped", .integer(status.skipped)),
            ("journal_entries", .integer(status.journalEntries)),
            ("unfolded_changes", .integer(status.unfoldedChanges)),
            ("conversations", .integer(conversations.conversations)),
            ("conversations_pending", .integer(conversations.pending)),
            ("last_sync_at", .optional(status.lastSyncAt)),
            ("last_error", .optional(status.lastError)),
        ]
        if json {
            Output.json(.object(entries))
        } else {
            for (key, value) in entries {
                let text = if case .string(let s) = value { s } else { value.text }
                Output.data("\(key.replacingOccurrences(of: "_", with: " ")): \(text)")
            }
        }
    }
}

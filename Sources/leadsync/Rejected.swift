import ArgumentParser
import LeadSyncJournal
import LeadSyncSupport

/// `leadsync rejected list|retry`: the values HubSpot (or local validation with HubSpot's rules)
/// refused for good, and making them pending again after a fix.
struct RejectedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rejected", abstract: "List refused values, or make them pending again.",
        subcommands: [RejectedListCommand.self, RejectedRetryCommand.self])
}

struct RejectedListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the values HubSpot refused, with its category and message.")

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Print one JSON document on stdout.") var json = false

    func run() async throws {
        let (entries, conversations) = try await global.withWorkspace { workspace in
            (try await workspace.ledger.rejectedEntries(), try await workspace.conversations.rejected())
        }
        if json {
            Output.json(.array(entries.map(\.json) + conversations.map(\.json)))
            return
        }
        if entries.isEmpty && conversations.isEmpty { Output.note("nothing rejected") }
        for entry in entries {
            let fields = entry.fields.sorted { $0.key < $1.key }.map { "\($0.key)=\(JSONValue($0.value).text)" }
            Output.data(
                "#\(entry.id) \(entry.lead) [\(entry.source.rawValue)] \(Output.refusal(entry.category, entry.message))  "
                    + fields.joined(separator: " "))
        }
        for entry in conversations {
            Output.data("#\(entry.entryId) \(entry.lead) [hubspot] \(Output.refusal(entry.category, entry.message))")
        }
    }
}

struct RejectedRetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Make refused values pending again (each field's current value, checked again at the next sync).")

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Retry every rejected entry.") var all = false
    @Argument(help: "Ids of the entries to retry (see `rejected list`).") var ids: [String] = []
    @Flag(help: "Print one JSON document on stdout.") var json = false

    func validate() throws {
        guard all != !ids.isEmpty else {
            throw ValidationError("give either --all or the ids of the entries to retry")
        }
    }

    func run() async throws {
        let retried = try await global.withWorkspace { workspace in try await retry(workspace) }
        if json {
            Output.json(.object([("retried", .integer(Int64(retried)))]))
        } else {
            Output.note("\(retried) rejected \(retried == 1 ? "entry is" : "entries are") pending again")
        }
    }

    private func retry(_ workspace: Workspace) async throws -> Int {
        // Conversation entries are `conversation:<id>`; every id is checked before anything changes.
        let prefix = RejectedConversation.entryIdPrefix
        let refused = Set(try await workspace.conversations.rejected().map(\.conversation))
        let conversations =
            all ? Array(refused) : ids.filter { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
        if let unknown = conversations.first(where: { !refused.contains($0) }) {
            throw CommandError(.failure, "no rejected entry \(prefix)\(unknown)")
        }
        let fieldIds = ids.filter { !$0.hasPrefix(prefix) }
        var retried = 0
        do {
            if all || !fieldIds.isEmpty {
                retried = try await workspace.ledger.retryRejected(ids: all ? nil : fieldIds)
            }
        } catch let error as JournalError where error.code == .unknownRejectedEntry {
            throw CommandError(.failure, error.message)
        }
        retried += try await workspace.conversations.retry(conversations)
        return retried
    }
}

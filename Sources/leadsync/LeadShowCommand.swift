import ArgumentParser
import LeadSyncJournal
import LeadSyncSupport

struct LeadShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show a lead's current values, delivery state, pending changes and rejections.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The lead's id.") var lead: String
    @Flag(help: "Print one JSON document on stdout.") var json = false

    func run() async throws {
        try await global.withWorkspace(reading: true) { try await show($0) }
    }

    private func show(_ workspace: Workspace) async throws {
        let record = try await workspace.leads.lead(lead)
        let conversations = try await workspace.conversations.conversations(ofLead: lead)
        // A lead known only by its conversations has no values yet: it awaits an email.
        guard record != nil || !conversations.isEmpty else {
            // A journal that cannot be written now (full disk, read-only) may hold the lead unfolded.
            let unfolded = try await workspace.leads.status().unfoldedChanges
            throw CommandError(
                .failure,
                unfolded > 0
                    ? "unknown lead \(lead) among the folded changes; \(unfolded) changes are not folded yet "
                        + "(the journal cannot be written now) and may hold it"
                    : "unknown lead \(lead)")
        }
        let refused = try await workspace.conversations.rejected().filter { $0.lead == lead }
        if json {
            var members: [(key: String, value: JSONValue)] = [
                ("lead", .string(lead)), ("hubspot_id", .null), ("state", .string("awaiting_identity")),
                ("fields", .object([])),
                ("delivery", .object([])), ("pending", .array([])), ("rejected", .array([])),
            ]
            if case .object(let known)? = record?.json { members = known }
            if let index = members.firstIndex(where: { $0.key == "rejected" }),
                case .array(let entries) = members[index].value
            {
                members[index].value = .array(entries + refused.map(\.json))
            }
            members.append(("conversations", .array(conversations.map(\.json))))
            Output.json(.object(members))
        } else {
            let head = record?.humanText ?? "lead \(lead)  state awaiting_identity  hubspot id none"
            let refusals = refused.map { "  rejected \($0.entryId): \(Output.refusal($0.category, $0.message))" }
            Output.data(([head] + refusals + conversations.map(\.humanText)).joined(separator: "\n"))
        }
    }
}

extension LeadRecord {
    var json: JSONValue {
        .object([
            ("lead", .string(lead)),
            ("hubspot_id", .optional(remoteID)),
            ("state", .string(state.rawValue)),
            ("fields", .object(fields.sorted { $0.key < $1.key }.map { ($0.key, JSONValue($0.value)) })),
            (
                "delivery",
                .object(
                    delivery.sorted { $0.key < $1.key }.map { field, delivery in
                        (
                            field,
                            .object([
                                ("property", .optional(delivery.property)),
                                ("state", .string(delivery.state.name)),
                                ("value", .string(delivery.value.wireString)),
                                ("at", .string(Timestamp.format(epochMilliseconds: delivery.atMilliseconds))),
                            ])
                        )
                    })
            ),
            (
                "pending",
                .array(
                    pending.map { change in
                        .object([
                            ("seq", .integer(change.seq)),
                            ("at", .string(Timestamp.format(epochMilliseconds: change.atMilliseconds))),
                            (
                                "fields",
                                .object(change.fields.sorted { $0.key < $1.key }.map { ($0.key, JSONValue($0.value)) })
                            ),
                        ])
                    })
            ),
            ("rejected", .array(rejected.map(\.json))),
        ])
    }

    var humanText: String {
        var lines = ["lead \(lead)  state \(state.rawValue)  hubspot id \(remoteID ?? "none")"]
        for (field, delivery) in delivery.sorted(by: { $0.key < $1.key }) {
            let target = delivery.property.map { "→ \($0)" } ?? "(local)"
            lines.append("  \(field) \(target): \(JSONValue(delivery.value).text)  [\(delivery.state.name)]")
        }
        if !pending.isEmpty {
            // The count first: a bare seq ("pending changes: 3") read as a count of three.
            let seqs = pending.map { String($0.seq) }.joined(separator: ", ")
            lines.append("  pending changes: \(pending.count) (\(pending.count == 1 ? "seq" : "seqs") \(seqs))")
        }
        for entry in rejected {
            lines.append("  rejected #\(entry.id): \(Output.refusal(entry.category, entry.message))")
        }
        return lines.joined(separator: "\n")
    }
}

extension ConversationInfo {
    /// An entry of `lead show`'s `conversations` (cli-contract.md).
    var json: JSONValue {
        .object([
            ("id", .string(conversation)),
            ("messages", .integer(messages)),
            ("state", .string(state.rawValue)),
            ("notes", .array(notes.compactMap(\.noteId).map { .string($0) })),
        ])
    }

    var humanText: String {
        let ids = notes.compactMap(\.noteId)
        return "  conversation \(conversation): \(Output.count(messages, "message"))  [\(state.rawValue)]"
            + (ids.isEmpty ? "" : "  notes \(ids.joined(separator: ", "))")
    }
}

extension RejectedConversation {
    /// An entry of `rejected list`: a conversation whose note HubSpot refused.
    var json: JSONValue {
        .object([
            ("id", .string(entryId)),
            ("lead", .string(lead)),
            ("fields", .object([])),
            ("conversation", .string(conversation)),
            ("category", .string(category)),
            ("message", .string(message)),
            ("at", .string(Timestamp.format(epochMilliseconds: atMilliseconds))),
            ("source", .string("hubspot")),
        ])
    }
}

extension RejectedEntry {
    /// The JSON form of `rejected list` (cli-contract.md).
    var json: JSONValue {
        .object([
            ("id", .string(id)),
            ("lead", .string(lead)),
            ("fields", .object(fields.sorted { $0.key < $1.key }.map { ($0.key, JSONValue($0.value)) })),
            ("category", .string(category)),
            ("message", .string(message)),
            ("at", .string(Timestamp.format(epochMilliseconds: atMilliseconds))),
            ("source", .string(source.rawValue)),
        ])
    }
}

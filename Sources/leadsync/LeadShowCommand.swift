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
        guard let record = try await global.openJournal().leads.lead(lead) else {
            throw CommandError(.failure, "unknown lead \(lead)")
        }
        if json {
            Output.json(record.json)
        } else {
            Output.data(record.humanText)
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
                            ("fields", .object(change.fields.sorted { $0.key < $1.key }.map { ($0.key, JSONValue($0.value)) })),
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
        if !pending.isEmpty { lines.append("  pending changes: \(pending.map { String($0.seq) }.joined(separator: ", "))") }
        for entry in rejected { lines.append("  rejected #\(entry.id): \(entry.category): \(entry.message)") }
        return lines.joined(separator: "\n")
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

import ArgumentParser
import LeadSyncJournal
import LeadSyncSupport

struct PullRulesListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the pull rules.")

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Print one JSON document on stdout.") var json = false

    func run() async throws {
        let rules = try await global.withWorkspace { try await $0.configuration.pullRules() }
        if json {
            Output.json(.array(rules.map(\.json)))
        } else if rules.isEmpty {
            Output.note("no pull rules: pull brings in every contact")
        } else {
            for rule in rules { Output.data("\(rule.id)  \(rule.summary)") }
        }
    }
}

extension PullRule {
    /// `{"id": "1", "property": "lifecyclestage", "op": "eq", "values": ["lead"]}` (cli-contract.md).
    var json: JSONValue {
        .object([
            ("id", .string(id)), ("property", .string(property)), ("op", .string(op.rawValue)),
            ("values", .array(values.map { .string($0) })),
        ])
    }

    /// `lifecyclestage eq lead`, for people.
    var summary: String {
        ([property, op.rawValue] + [values.joined(separator: ",")]).filter { !$0.isEmpty }.joined(separator: " ")
    }
}

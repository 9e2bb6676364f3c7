import ArgumentParser
import LeadSyncEngine
import LeadSyncJournal

struct PullRulesAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Add a pull rule on a contact property.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The HubSpot contact property the rule tests.") var property: String
    @Option(help: "The property equals this value (case-insensitive).") var eq: String?
    @Option(name: .customLong("in"), help: "The property equals one of these comma-separated values.") var oneOf:
        String?
    @Flag(help: "The property has a value.") var hasValue = false
    @Flag(help: "The property has no value.") var notSet = false
    @Option(help: "The property's date or datetime is after DATE (YYYY-MM-DD, RFC 3339 or epoch ms).") var after:
        String?
    @Flag(help: "Print the added rule as JSON on stdout.") var json = false

    /// The operator and values given, checked to be exactly one well-formed condition (a usage
    /// error, exit 2, otherwise).
    private func rule() throws -> PullFilter {
        var given: [(op: String, values: [String])] = []
        if let eq { given.append(("eq", [eq])) }
        if let oneOf { given.append(("in", oneOf.split(separator: ",").map(String.init))) }
        if hasValue { given.append(("has_value", [])) }
        if notSet { given.append(("not_set", [])) }
        if let after { given.append(("after", [after])) }
        guard given.count == 1, let condition = given.first else {
            throw ValidationError("give exactly one of --eq, --in, --has-value, --not-set, --after")
        }
        do {
            return try PullFilter(property: property, op: condition.op, values: condition.values)
        } catch {
            throw ValidationError(error.message)
        }
    }

    func validate() throws { _ = try rule() }

    func run() async throws {
        let filter = try rule()
        let journal = try global.openJournal()
        guard let op = PullRule.Operator(rawValue: filter.op) else {
            throw CommandError(.usage, "the journal does not know the operator \(filter.op)")
        }
        let added = try await journal.configuration.addPullRule(property: filter.property, op: op, values: filter.values)
        if json {
            Output.json(added.json)
        } else {
            Output.note("added pull rule \(added.id): \(added.summary)")
        }
    }
}

import ArgumentParser
import HubSpotAPI
import LeadSyncEngine
import LeadSyncHTTP
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
    @Flag(help: "Add the rule even when HubSpot has no such contact property.") var force = false
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
        guard let op = PullRule.Operator(rawValue: filter.op) else {
            throw CommandError(.usage, "the journal does not know the operator \(filter.op)")
        }
        let added = try await global.withWorkspace { workspace in
            if !force { try await checkProperty(workspace) }
            return try await workspace.configuration.addPullRule(
                property: filter.property, op: op, values: filter.values)
        }
        if json {
            Output.json(added.json)
        } else {
            Output.note("added pull rule \(added.id): \(added.summary)")
        }
    }

    /// A rule on a property HubSpot lacks would silently pull nothing (or everything): refused
    /// when HubSpot can say so. Offline — not connected, or HubSpot unreachable — the rule is
    /// accepted with a warning, so devices can be provisioned before they reach HubSpot.
    private func checkProperty(_ workspace: Workspace) async throws {
        let unchecked = "so the property \(property) was not checked (`leadsync pull` will use the rule as given)"
        let access: HubSpotAccess
        do {
            access = try await global.hubspotAccess(
                workspace: workspace, transport: CurlTransport(), logger: try global.logger("leadsync.pull-rules"))
        } catch let error as CommandError where error.status == .notConnected {
            Output.note("warning: not connected to HubSpot, \(unchecked)")
            return
        }
        let properties: [PropertyDefinition]
        do {
            properties = try await access.client.contactProperties().value
        } catch let error as TransportError {
            Output.note("warning: HubSpot could not be reached (\(error.kind.rawValue)), \(unchecked)")
            return
        } catch let error as HubSpotError {
            Output.note("warning: HubSpot did not list its contact properties (\(error.code)), \(unchecked)")
            return
        }
        guard properties.contains(where: { $0.name == property }) else {
            throw CommandError(
                .usage, "HubSpot has no contact property \(property); pass --force to add the rule anyway")
        }
    }
}

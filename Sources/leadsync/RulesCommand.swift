import ArgumentParser
import LeadSyncJournal
import LeadSyncSupport

struct RulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules", abstract: "Show or set the push rules (create needs update).")

    @OptionGroup var global: GlobalOptions
    @Option(help: "on or off: write to matching contacts.") var update: Switch?
    @Option(help: "on or off: create contacts when none matches.") var create: Switch?
    @Flag(help: "Print one JSON document on stdout.") var json = false

    enum Switch: String, ExpressibleByArgument {
        case on, off
        var isOn: Bool { self == .on }
    }

    func run() async throws {
        let rules = try await global.withWorkspace { workspace in
            guard update != nil || create != nil else { return try await workspace.configuration.pushRules() }
            let result = try await workspace.configuration.setPushRules(update: update?.isOn, create: create?.isOn)
            if result.createTurnedOff { Output.note("create is off too: creating contacts needs update") }
            return result.rules
        }
        if json {
            Output.json(.object([("update", .bool(rules.update)), ("create", .bool(rules.create))]))
        } else {
            Output.data("update: \(rules.update ? "on" : "off")\ncreate: \(rules.create ? "on" : "off")")
        }
    }
}

import ArgumentParser
import LeadSyncJournal
import LeadSyncSupport

struct MapListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the mappings.")

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Print one JSON document on stdout.") var json = false

    func run() async throws {
        let mappings = try await global.withWorkspace { try await $0.configuration.mappings() }
        if json {
            Output.json(.array(mappings.map(\.json)))
        } else {
            for mapping in mappings {
                Output.data("\(mapping.field) → \(mapping.property) (\(mapping.write.rawValue))")
            }
        }
    }
}

extension Mapping {
    var json: JSONValue {
        .object([("field", .string(field)), ("property", .string(property)), ("write", .string(write.rawValue))])
    }
}

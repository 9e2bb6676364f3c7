import ArgumentParser
import LeadSyncJournal
import LeadSyncSupport

struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create the journal (or the --store tenant) with the default mappings and rules if it does not exist."
    )

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Print one JSON document on stdout.") var json = false

    func run() async throws {
        let (created, name, version) = try await global.withWorkspace(createTenant: true) {
            ($0.created, $0.name, try await $0.schemaVersion())
        }
        if json {
            Output.json(.object([("created", .bool(created)), ("schema_version", .integer(version))]))
        } else {
            Output.note(created ? "created \(name) (schema \(version))" : "\(name) exists (schema \(version))")
        }
    }
}

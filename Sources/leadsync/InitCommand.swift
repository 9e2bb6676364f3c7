import ArgumentParser
import LeadSyncJournal
import LeadSyncSupport

struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Create the journal with the default mappings and rules if it does not exist.")

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Print one JSON document on stdout.") var json = false

    func run() async throws {
        let journal = try global.openJournal()
        let version = try await journal.maintenance.schemaVersionOnDisk()
        if json {
            Output.json(.object([("created", .bool(journal.created)), ("schema_version", .integer(version))]))
        } else {
            Output.note(
                journal.created
                    ? "created journal \(journal.path) (schema \(version))"
                    : "journal \(journal.path) exists (schema \(version))")
        }
    }
}

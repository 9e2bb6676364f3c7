import ArgumentParser
import LeadSyncJournal

struct MapRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove", abstract: "Remove a mapping; pending values of that field become local only.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The lead field.") var leadField: String

    func run() async throws {
        guard try await global.withWorkspace({ try await $0.configuration.removeMapping(field: leadField) }) else {
            throw CommandError(.failure, "no mapping for lead field \(leadField)")
        }
        Output.note("removed the mapping of \(leadField)")
    }
}

import ArgumentParser

struct MapRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove", abstract: "Remove a mapping; pending values of that field become local only.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The lead field.") var leadField: String

    func run() async throws {
        let journal = try global.openJournal()
        guard try await journal.configuration.removeMapping(field: leadField) else {
            throw CommandError(.failure, "no mapping for lead field \(leadField)")
        }
        Output.note("removed the mapping of \(leadField)")
    }
}

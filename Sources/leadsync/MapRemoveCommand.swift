import ArgumentParser

struct MapRemoveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove", abstract: "Remove a mapping; pending values of that field become local only.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The lead field.") var leadField: String

    func run() throws {
        let journal = try global.openJournal()
        guard try journal.removeMapping(field: leadField) else {
            throw CommandError(.failure, "no mapping for lead field \(leadField)")
        }
        Output.note("removed the mapping of \(leadField)")
    }
}

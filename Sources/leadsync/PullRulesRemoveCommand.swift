import ArgumentParser
import LeadSyncJournal

struct PullRulesRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove a pull rule by its id.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The rule's id, as pull-rules list shows it.") var id: String

    func run() async throws {
        try await global.withWorkspace { try await $0.configuration.removePullRule(id: id) }
    }
}

import ArgumentParser

struct PullRulesRemoveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove a pull rule by its id.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The rule's id, as pull-rules list shows it.") var id: String

    func run() throws {
        try global.openJournal().removePullRule(id: id)
    }
}

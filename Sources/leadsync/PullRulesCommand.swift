import ArgumentParser

struct PullRulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pull-rules",
        abstract: "Choose which HubSpot contacts pull brings in (a contact must match every rule; none: all).",
        subcommands: [PullRulesAddCommand.self, PullRulesRemoveCommand.self, PullRulesListCommand.self])
}

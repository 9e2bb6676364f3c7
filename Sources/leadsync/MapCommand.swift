import ArgumentParser

struct MapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "map", abstract: "Show and change which lead field goes to which HubSpot property.",
        subcommands: [MapSetCommand.self, MapRemoveCommand.self, MapListCommand.self, MapCheckCommand.self])
}

import ArgumentParser

/// The `leadsync` command: a thin shell over `LeadSyncEngine`, one file per subcommand.
@main
struct Leadsync: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "leadsync",
        abstract: "Keep HubSpot contacts in step with the leads an edge deployment collects.",
        subcommands: []
    )
}

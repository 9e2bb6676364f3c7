import ArgumentParser

struct LeadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lead", abstract: "Look at one lead.", subcommands: [LeadShowCommand.self])
}

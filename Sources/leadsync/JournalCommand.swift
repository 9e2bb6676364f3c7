import ArgumentParser

struct JournalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journal", abstract: "Check, compact or back up the journal.",
        subcommands: [JournalCheckCommand.self, JournalCompactCommand.self, JournalBackupCommand.self])
}

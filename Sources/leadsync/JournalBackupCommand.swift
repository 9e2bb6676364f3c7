import ArgumentParser
import Foundation

struct JournalBackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup", abstract: "Write a consistent copy of the journal to PATH (safe while others append).")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Where to write the copy; must not exist.") var path: String

    func run() async throws {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw CommandError(.failure, "\(path) exists; choose a new path")
        }
        try await global.openJournalForReading().maintenance.backup(to: path)
        Output.note("backed up to \(path)")
    }
}

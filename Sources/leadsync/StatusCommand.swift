import ArgumentParser
import LeadSyncJournal
import LeadSyncSupport

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show the connection and the journal's pending, rejected and skipped counts.")

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Print one JSON document on stdout.") var json = false

    func run() async throws {
        let entries = try await global.withWorkspace(reading: true) {
            try await StatusDocument.entries(global: global, workspace: $0)
        }
        if json {
            Output.json(.object(entries))
        } else {
            for (key, value) in entries {
                let text =
                    switch value {
                    case .string(let s): s
                    // "last sync at: never", "last error: none" rather than JSON's null.
                    case .null: key.hasSuffix("_at") || key.hasSuffix("_since") ? "never" : "none"
                    default: value.text
                    }
                Output.data("\(key.replacingOccurrences(of: "_", with: " ")): \(text)")
            }
        }
    }
}

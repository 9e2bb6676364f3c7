import ArgumentParser
import LeadSyncEngine
import LeadSyncHTTP
import LeadSyncJournal
import LeadSyncSupport

/// `leadsync disconnect`: revoke the refresh token at HubSpot, forget the local tokens, keep
/// mappings, rules and the journal.
struct DisconnectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disconnect",
        abstract: "Revoke HubSpot access and forget the stored tokens (mappings and journal stay).")

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Print one JSON document on stdout.") var json = false

    func run() async throws {
        let outcome = try await global.withWorkspace { workspace in
            try await DisconnectService(
                journal: workspace.stores, store: workspace.credentials,
                endpoint: try await global.hubspotEndpoint(configuration: workspace.configuration),
                transport: CurlTransport(), logger: try global.logger("leadsync.disconnect")
            ).disconnect()
        }
        if let warning = outcome.warning { Output.note("warning: \(warning)") }
        if json {
            Output.json(
                .object([
                    ("revoked", .bool(outcome.revoked)), ("forgot_credentials", .bool(outcome.forgotCredentials)),
                    ("warning", outcome.warning.map { .string($0) } ?? .null),
                ]))
        } else {
            Output.note(
                outcome.forgotCredentials
                    ? "disconnected; mappings, rules and the journal are kept" : "was not connected")
        }
    }
}

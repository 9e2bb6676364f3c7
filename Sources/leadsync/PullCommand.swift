import ArgumentParser
import Foundation
import HubSpotAPI
import LeadSyncEngine
import LeadSyncHTTP
import LeadSyncJournal
import LeadSyncPostgres
import Logging

struct PullCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pull",
        abstract: "Import HubSpot contacts as leads (a full import first, then only what changed).",
        discussion: """
            A contact is linked to the lead with its HubSpot id, else to a lead with its email (primary \
            or secondary), else becomes the lead hubspot-<contact id>. Fields with a pending local value \
            keep it; the others take HubSpot's value. An interrupted pull resumes where it stopped.
            """)

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Read every contact again instead of only those modified since the last pull.") var full = false
    @Flag(help: "Print one JSON document on stdout.") var json = false
    @Flag(help: .hidden) var printCommits = false

    func run() async throws {
        let logger = try global.logger("leadsync.pull")
        let counts = try await global.withWorkspace { opened in
            try await global.withLease(on: opened, for: "pull", logger: logger) { workspace, lease in
                do {
                    return try await pull(workspace, logger: logger)
                } catch let error as PostgresStoreError where error.code == .leaseLost {
                    throw CommandError(.failure, lease?.lostMessage ?? error.message)
                }
            }
        }
        if json {
            Output.data(counts.json)
        } else {
            Output.data(
                "created \(counts.created), linked \(counts.linked), updated \(counts.updated), unchanged \(counts.unchanged)"
            )
        }
    }

    private func pull(_ workspace: Workspace, logger: Logger) async throws -> PullCounts {
        let access = try await global.hubspotAccess(workspace: workspace, transport: CurlTransport(), logger: logger)
        var configuration = PullImporter.Configuration()
        configuration.pacer = try await global.pacerConfiguration(journal: workspace.stores)
        let importer = PullImporter(
            journal: workspace.stores, client: access.client, configuration: configuration, logger: logger)
        let progress = PullProgressLine()
        let counts: PullCounts
        do {
            defer { progress.finish() }
            counts = try await importer.run(full: full) { [printCommits] page in
                progress.show(page)
                // For crash tests: written after the page and the pull's progress committed.
                if printCommits { Output.note("committed page read \(page.read)") }
            }
        } catch  where error.requiresReconnection {
            throw CommandError(.notConnected, global.refusedAccessMessage())
        } catch let error as HubSpotError {
            switch error.classification {
            case .rateLimited(policy: "DAILY", _):
                throw CommandError(.dailyLimit, "HubSpot's daily limit is spent; pull resumes where it stopped")
            case .missingScopes(let scopes):
                throw CommandError(.failure, "the token lacks the scopes \(scopes.joined(separator: ", "))")
            default:
                throw CommandError(.failure, "pull stopped, run it again to resume: \(error)")
            }
        } catch let error as TransportError {
            throw CommandError(.failure, "pull stopped, run it again to resume: \(error)")
        } catch let error as PullError {
            let status: ExitStatus =
                switch error.code {
                case .invalidRule: .usage
                case .dailyLimitReached: .dailyLimit
                default: .failure
                }
            throw CommandError(status, error.message)
        }
        return counts
    }
}

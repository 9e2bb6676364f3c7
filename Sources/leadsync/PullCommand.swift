import ArgumentParser
import Foundation
import HubSpotAPI
import LeadSyncEngine
import LeadSyncHTTP
import LeadSyncJournal
import LeadSyncSupport
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
        let journal = try global.openJournal()
        let client = try hubSpotClient(journal: journal)
        let progress = PullProgressLine()
        let counts: PullCounts
        do {
            counts = try await PullImporter(journal: journal, client: client).run(full: full) { [printCommits] page in
                progress.show(page)
                // For crash tests: written after the page and the pull's progress committed.
                if printCommits { Output.note("committed page read \(page.read)") }
            }
        } catch let error as HubSpotError {
            progress.finish()
            switch error.classification {
            case .needsReconnect:
                throw CommandError(.notConnected, "HubSpot refused the token: run `leadsync connect` (\(error.message))")
            case .rateLimited(policy: "DAILY", _):
                throw CommandError(.dailyLimit, "HubSpot's daily limit is spent; pull resumes where it stopped")
            case .missingScopes(let scopes):
                throw CommandError(.failure, "the token lacks the scopes \(scopes.joined(separator: ", "))")
            default:
                throw CommandError(.failure, "pull stopped, run it again to resume: \(error)")
            }
        } catch let error as ConnectionError where error.kind == .reconnectionRequired || error.kind == .notConnected {
            progress.finish()
            throw CommandError(.notConnected, "\(error.message): run `leadsync connect`")
        } catch let error as TransportError {
            progress.finish()
            throw CommandError(.failure, "pull stopped, run it again to resume: \(error)")
        } catch let error as PullError {
            progress.finish()
            throw CommandError(error.code == .invalidRule ? .usage : .failure, error.message)
        }
        progress.finish()
        if json {
            Output.data(counts.json)
        } else {
            Output.data(
                "created \(counts.created), linked \(counts.linked), updated \(counts.updated), unchanged \(counts.unchanged)")
        }
    }

    /// A client for the journal's HubSpot account: `LEADSYNC_TOKEN` when set, else the stored
    /// credentials (refreshed by a `TokenManager` when they are OAuth tokens); exit 3 without either.
    private func hubSpotClient(journal: Journal) throws -> HubSpotClient {
        let environment = global.environment
        guard let version = HubSpotAPIVersion(environmentValue: environment["LEADSYNC_HUBSPOT_API"]) else {
            throw CommandError(.usage, "LEADSYNC_HUBSPOT_API must be 2026-03 or v3")
        }
        let baseURL = try global.hubspotBaseURL(journal: journal)
        let transport = CurlTransport()
        let authorizer: any HubSpotAuthorizer
        if let token = environment["LEADSYNC_TOKEN"], !token.isEmpty {
            authorizer = StaticTokenAuthorizer(token: Secret(token))
        } else {
            let file = CredentialsFile(path: try global.credentialsPath())
            guard let credentials = try file.read() else {
                throw CommandError(.notConnected, "not connected to HubSpot: run `leadsync connect` or set LEADSYNC_TOKEN")
            }
            if try journal.setting(.reconnectionRequired) == "true" {
                throw CommandError(.notConnected, "HubSpot access must be reconnected: run `leadsync connect`")
            }
            var oauth: HubSpotOAuth?
            if let id = credentials.clientId, let secret = credentials.clientSecret {
                oauth = HubSpotOAuth(baseURL: baseURL, version: version, transport: transport, clientId: id, clientSecret: secret)
            }
            authorizer = TokenManager(credentials: credentials, file: file, settings: journal, oauth: oauth)
        }
        return HubSpotClient(baseURL: baseURL, version: version, transport: transport, authorizer: authorizer)
    }
}

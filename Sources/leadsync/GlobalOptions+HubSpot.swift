import Foundation
import HubSpotAPI
import LeadSyncCLISupport
import LeadSyncEngine
import LeadSyncHTTP
import LeadSyncJournal
import LeadSyncPostgres
import Logging

/// What the commands that talk to HubSpot share: the API generation, a redacting logger at the
/// chosen level, the endpoint, and the client with its credentials.
extension GlobalOptions {
    /// `LEADSYNC_HUBSPOT_API`: `2026-03` (default) or `v3`.
    func hubspotAPIVersion() throws -> HubSpotAPIVersion {
        guard let version = HubSpotAPIVersion(environmentValue: environment["LEADSYNC_HUBSPOT_API"]) else {
            throw CommandError(
                .usage, "LEADSYNC_HUBSPOT_API must be 2026-03 or v3, not \(environment["LEADSYNC_HUBSPOT_API"] ?? "")")
        }
        return version
    }

    /// A logger whose handler hides every credential, at `--log-level`, writing to stderr.
    func logger(_ label: String, redactor: SecretRedactor = SecretRedactor()) throws -> Logger {
        let level = Logger.Level(rawValue: try resolvedLogLevel()) ?? .info
        var logger = Logger(label: label) { RedactingLogHandler(label: $0, level: level, redactor: redactor) }
        logger.logLevel = level
        return logger
    }

    func hubspotEndpoint(configuration: any ConfigurationStoreProtocol) async throws -> ConnectService.Endpoint {
        ConnectService.Endpoint(
            apiURL: try await hubspotBaseURL(configuration: configuration),
            authURL: try await hubspotAuthorizeURL(configuration: configuration),
            version: try hubspotAPIVersion())
    }

    /// The journal's request budget, shared with every process working on it (its ledger file
    /// beside the journal), at `--rate-limit` or HubSpot's headers.
    func requestBudget(journal: Journal) async throws -> RequestBudget {
        try RequestBudget(
            configuration: try await pacerConfiguration(journal: journal),
            ledgerPath: RequestBudget.ledgerPath(journalPath: try databasePath()),
            share: FleetShare.Configuration(share: try resolvedRateShare()))
    }

    /// The HubSpot client for this run, its requests admitted by `budget` (the journal's request
    /// budget when nil); exits 3 when not connected or reconnection is required.
    func hubspotAccess(
        journal: Journal, transport: any HTTPTransport, budget: RequestBudget? = nil, logger: Logger
    ) async throws -> HubSpotAccess {
        do {
            let admission: RequestBudget
            if let budget { admission = budget } else { admission = try await requestBudget(journal: journal) }
            return try await HubSpotAccess.open(
                journal: journal, credentials: .environment(journalPath: try databasePath(), environment: environment),
                apiURL: try await hubspotBaseURL(configuration: journal.configuration),
                version: try hubspotAPIVersion(),
                transport: transport, admission: admission, logger: logger)
        } catch let error as ConnectionError {
            throw CommandError(.notConnected, error.message)
        }
    }

    /// The request budget of a workspace: the journal's, shared through its ledger file; a
    /// tenant's, of this process (a tenant is drained by one process at a time: its lease's).
    func requestBudget(workspace: Workspace) async throws -> RequestBudget {
        switch workspace.kind {
        case .file(let journal, _): try await requestBudget(journal: journal)
        case .tenant(let tenant, _, _):
            try RequestBudget(
                configuration: try await pacerConfiguration(journal: tenant), ledgerPath: nil,
                share: FleetShare.Configuration(share: try resolvedRateShare()))
        }
    }

    /// The HubSpot client of a workspace: the journal's as ``hubspotAccess(journal:transport:budget:logger:)``
    /// gives it; a tenant's with its stored credentials (or `LEADSYNC_TOKEN`), its requests admitted
    /// by `budget` (the tenant's ``requestBudget(workspace:)`` when nil). Exits 3 when not connected.
    func hubspotAccess(
        workspace: Workspace, transport: any HTTPTransport, budget: RequestBudget? = nil, logger: Logger
    ) async throws -> HubSpotAccess {
        let tenant: PostgresTenant
        switch workspace.kind {
        case .file(let journal, _):
            return try await hubspotAccess(journal: journal, transport: transport, budget: budget, logger: logger)
        case .tenant(let found, _, _): tenant = found
        }
        do {
            let admission: RequestBudget
            if let budget { admission = budget } else { admission = try await requestBudget(workspace: workspace) }
            return try await HubSpotAccess.open(
                configuration: tenant.configuration,
                credentials: .environment(stored: workspace.credentials, environment: environment),
                apiURL: try await hubspotBaseURL(configuration: tenant.configuration),
                version: try hubspotAPIVersion(), transport: transport, admission: admission, logger: logger)
        } catch let error as ConnectionError {
            throw CommandError(.notConnected, error.message)
        }
    }
}

extension GlobalOptions {
    /// What to say when HubSpot refused this run's credentials (exit 3). With `LEADSYNC_TOKEN` set,
    /// that token was refused — the stored credentials were not even used, so "run leadsync
    /// connect" would not help.
    func refusedAccessMessage(_ detail: String? = nil) -> String {
        let reason = detail.map { " (\($0))" } ?? ""
        if let token = environment["LEADSYNC_TOKEN"], !token.isEmpty {
            return
                "HubSpot refused the token in LEADSYNC_TOKEN\(reason); set a valid one, or unset it to use the stored credentials"
        }
        return "HubSpot access must be reconnected\(reason); run `leadsync connect`"
    }
}

extension ConnectionError {
    /// The command's exit status for this error.
    var exitStatus: ExitStatus {
        switch kind {
        case .notConnected, .reconnectionRequired: .notConnected
        case .configuration: .usage
        case .refused, .authorizationFailed: .failure
        }
    }
}

public import Foundation
public import HubSpotAPI
public import LeadSyncHTTP
public import LeadSyncJournal
public import LeadSyncSupport
public import Logging

/// How every command that talks to HubSpot gets its client: `LEADSYNC_TOKEN` for this run when
/// set, else the journal's stored credentials behind a ``TokenManager``.
///
/// ```swift
/// let access = try HubSpotAccess.open(journal: journal, journalPath: path, apiURL: url, transport: CurlTransport())
/// let answer = try await access.client.batchUpsert(inputs)
/// ```
public struct HubSpotAccess: Sendable {
    public let client: HubSpotClient
    /// Nil when `LEADSYNC_TOKEN` supplies a static token for this run.
    public let tokenManager: TokenManager?

    /// Throws ``ConnectionError`` `.notConnected` when there are no credentials, and
    /// `.reconnectionRequired` when the journal records that the grant is dead (exit 3 both).
    /// `admission`: the journal's ``RequestBudget``, which every request of the client waits for.
    public static func open(
        journal: Journal, journalPath: String, apiURL: String, version: HubSpotAPIVersion = .v2026_03,
        transport: any HTTPTransport, admission: any RequestAdmission = UnlimitedAdmission(),
        environment: [String: String] = ProcessInfo.processInfo.environment,
        clock: any WallClock = SystemWallClock(), logger: Logger = Logger(label: "leadsync.hubspot")
    ) async throws -> HubSpotAccess {
        if let token = environment["LEADSYNC_TOKEN"], !token.isEmpty {
            let client = HubSpotClient(
                baseURL: apiURL, version: version, transport: transport,
                authorizer: StaticTokenAuthorizer(token: Secret(token)),
                admission: admission, logger: logger)
            return HubSpotAccess(client: client, tokenManager: nil)
        }
        let file = CredentialsFile(journalPath: journalPath, environment: environment)
        guard let credentials = try file.read() else {
            throw ConnectionError(
                .notConnected, "not connected to HubSpot; run `leadsync connect` (or set LEADSYNC_TOKEN)")
        }
        guard try await !journal.configuration.connectionSettings().reconnectionRequired else {
            throw ConnectionError(
                .reconnectionRequired, "HubSpot no longer accepts the stored credentials; run `leadsync connect` again")
        }
        var oauth: HubSpotOAuth?
        if credentials.kind == .oauth {
            let clientId = credentials.clientId ?? environment["LEADSYNC_CLIENT_ID"] ?? ""
            let secret = credentials.clientSecret ?? Secret(environment["LEADSYNC_CLIENT_SECRET"] ?? "")
            oauth = HubSpotOAuth(
                baseURL: apiURL, version: version, transport: transport, clientId: clientId, clientSecret: secret,
                logger: logger)
        }
        let manager = TokenManager(
            credentials: credentials, file: file, settings: journal.configuration, oauth: oauth, clock: clock,
            logger: logger)
        let client = HubSpotClient(
            baseURL: apiURL, version: version, transport: transport, authorizer: manager, admission: admission,
            logger: logger)
        return HubSpotAccess(client: client, tokenManager: manager)
    }
}

extension Error {
    /// True when only a new `leadsync connect` can restore access (exit 3).
    public var requiresReconnection: Bool {
        if let error = self as? ConnectionError {
            return error.kind == .reconnectionRequired || error.kind == .notConnected
        }
        if let error = self as? HubSpotError { return error.classification == .needsReconnect }
        return false
    }
}

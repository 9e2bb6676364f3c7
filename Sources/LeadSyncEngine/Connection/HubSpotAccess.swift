import Foundation
package import HubSpotAPI
package import LeadSyncHTTP
package import LeadSyncJournal
package import LeadSyncSupport
package import Logging

/// How everything that talks to HubSpot gets its client, from a ``CredentialSource``: a static
/// token as is, stored credentials behind a ``TokenManager``, or the host application's provider.
///
/// ```swift
/// let access = try await HubSpotAccess.open(
///     journal: journal, credentials: .stored(CredentialsFile(besideJournal: path)),
///     apiURL: url, transport: CurlTransport())
/// let reconciler = Reconciler(journal: journal, gateway: access.gateway())
/// ```
package struct HubSpotAccess: Sendable {
    package let client: HubSpotClient
    /// Nil unless the credentials are stored ones.
    package let tokenManager: TokenManager?
    /// Builds a client from the credentials as they are now (after a new `leadsync connect`, or
    /// a provider's new token); nil when they cannot change during the run (a static token).
    private let reopen: (@Sendable () async throws -> HubSpotClient)?

    /// Throws ``ConnectionError`` `.notConnected` when stored credentials are missing, and
    /// `.reconnectionRequired` when the journal records that their grant is dead (exit 3 both).
    /// `admission`: the journal's ``RequestBudget``, which every request of the client waits for.
    package static func open(
        journal: any JournalStores, credentials: CredentialSource, apiURL: String,
        version: HubSpotAPIVersion = .v2026_03,
        transport: any HTTPTransport, admission: any RequestAdmission = UnlimitedAdmission(),
        clock: any WallClock = SystemWallClock(), logger: Logger = Logger(label: "leadsync.hubspot")
    ) async throws -> HubSpotAccess {
        try await open(
            configuration: journal.configuration, credentials: credentials, apiURL: apiURL, version: version,
            transport: transport, admission: admission, clock: clock, logger: logger)
    }

    /// The same, for whatever keeps the connection settings (a journal's, or a tenant's,
    /// configuration): all that access needs of a journal.
    package static func open(
        configuration: any ConfigurationStoreProtocol, credentials: CredentialSource, apiURL: String,
        version: HubSpotAPIVersion = .v2026_03,
        transport: any HTTPTransport, admission: any RequestAdmission = UnlimitedAdmission(),
        clock: any WallClock = SystemWallClock(), logger: Logger = Logger(label: "leadsync.hubspot")
    ) async throws -> HubSpotAccess {
        func client(_ authorizer: any HubSpotAuthorizer) -> HubSpotClient {
            HubSpotClient(
                baseURL: apiURL, version: version, transport: transport, authorizer: authorizer, admission: admission,
                logger: logger)
        }
        switch credentials {
        case .token(let token):
            return HubSpotAccess(client: client(StaticTokenAuthorizer(token: token)), tokenManager: nil, reopen: nil)
        case .provider(let provider):
            let authorizer = ProvidedTokenAuthorizer(provider: provider)
            let provided = client(authorizer)
            return HubSpotAccess(client: provided, tokenManager: nil) {
                guard await authorizer.hasFreshToken() else {
                    throw ConnectionError(.reconnectionRequired, "the token provider has no new token")
                }
                return provided
            }
        case .stored(let store, let clientId, let clientSecret):
            guard let stored = try await store.credentials() else {
                throw ConnectionError(
                    .notConnected, "not connected to HubSpot; run `leadsync connect` (or set LEADSYNC_TOKEN)")
            }
            guard try await !configuration.connectionSettings().reconnectionRequired else {
                throw ConnectionError(
                    .reconnectionRequired,
                    "HubSpot no longer accepts the stored credentials; run `leadsync connect` again")
            }
            var oauth: HubSpotOAuth?
            if stored.kind == .oauth {
                oauth = HubSpotOAuth(
                    baseURL: apiURL, version: version, transport: transport,
                    clientId: stored.clientId ?? clientId ?? "",
                    clientSecret: stored.clientSecret ?? clientSecret ?? Secret(""), logger: logger)
            }
            let manager = TokenManager(
                credentials: stored, store: store,
                settings: JournalConnectionSettings(configuration: configuration), oauth: oauth,
                clock: clock,
                logger: logger)
            return HubSpotAccess(client: client(manager), tokenManager: manager) {
                try await open(
                    configuration: configuration, credentials: credentials, apiURL: apiURL, version: version,
                    transport: transport, admission: admission, clock: clock, logger: logger
                ).client
            }
        }
    }

    /// The reconciler's gateway over this client; a sync paused for reconnection resumes by
    /// itself once the credentials change (a new `leadsync connect`, a provider's new token).
    package func gateway() -> HubSpotGateway {
        HubSpotGateway(client: client, reopen: reopen)
    }
}

extension Error {
    /// True when only a new `leadsync connect` can restore access (exit 3).
    package var requiresReconnection: Bool {
        if let error = self as? ConnectionError {
            return error.kind == .reconnectionRequired || error.kind == .notConnected
        }
        if let error = self as? HubSpotError { return error.classification == .needsReconnect }
        return false
    }
}

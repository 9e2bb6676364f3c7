import HubSpotAPI
package import LeadSyncHTTP
package import LeadSyncJournal
package import LeadSyncSupport
package import Logging

/// `leadsync disconnect`: revokes the refresh token at HubSpot when there is one, then forgets
/// the local tokens whatever HubSpot said. Mappings, rules and the journal stay.
package struct DisconnectService: Sendable {
    /// What happened, for the report.
    package struct Outcome: Sendable {
        /// True when HubSpot confirmed the revocation.
        package var revoked: Bool
        /// True when there were credentials to forget.
        package var forgotCredentials: Bool
        /// Why revoking did not happen or failed, when it did not.
        package var warning: String?
    }

    let journal: any JournalStores
    let store: any CredentialStore
    let endpoint: ConnectService.Endpoint
    let transport: any HTTPTransport
    let logger: Logger

    package init(
        journal: any JournalStores, store: any CredentialStore, endpoint: ConnectService.Endpoint,
        transport: any HTTPTransport,
        logger: Logger = Logger(label: "leadsync.connection")
    ) {
        self.journal = journal
        self.store = store
        self.endpoint = endpoint
        self.transport = transport
        self.logger = logger
    }

    package func disconnect() async throws -> Outcome {
        let credentials = try await store.credentials()
        var revoked = false
        var warning: String?
        if let credentials, credentials.kind == .oauth, let refreshToken = credentials.refreshToken,
            let clientId = credentials.clientId, let clientSecret = credentials.clientSecret
        {
            let oauth = HubSpotOAuth(
                baseURL: endpoint.apiURL, version: endpoint.version, transport: transport, clientId: clientId,
                clientSecret: clientSecret, logger: logger)
            do {
                try await oauth.revoke(refreshToken: refreshToken)
                revoked = true
            } catch let error as HubSpotError {
                warning = "HubSpot did not revoke the refresh token (\(error.code)); local tokens forgotten anyway"
            } catch let error as TransportError {
                warning =
                    "HubSpot could not be reached to revoke the refresh token (\(error.kind.rawValue)); local tokens forgotten anyway"
            }
        }
        try await store.deleteDocument()
        var settings = try await journal.configuration.connectionSettings()
        settings.tokenKind = nil
        settings.reconnectionRequired = false
        try await journal.configuration.saveConnectionSettings(settings)
        logger.info("disconnected", metadata: ["token.revoked": "\(revoked)"])
        return Outcome(revoked: revoked, forgotCredentials: credentials != nil, warning: warning)
    }
}

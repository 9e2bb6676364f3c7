import Foundation
package import HubSpotAPI
package import LeadSyncHTTP
package import LeadSyncJournal
package import LeadSyncSupport
package import Logging

/// `leadsync connect`: a static token, or OAuth with a code (pasted here; received on a loopback
/// redirect by the CLI's `LeadSyncCLISupport`). Each checks the credentials against HubSpot's account details, then stores
/// the secrets in the ``CredentialStore`` (the credentials file, a tenant's encrypted row) and the
/// rest in the journal's settings.
package struct ConnectService: Sendable {
    /// Where and how to reach HubSpot.
    package struct Endpoint: Sendable {
        package var apiURL: String
        package var authURL: String
        package var version: HubSpotAPIVersion

        package init(apiURL: String, authURL: String, version: HubSpotAPIVersion = .v2026_03) {
            self.apiURL = apiURL
            self.authURL = authURL
            self.version = version
        }
    }

    /// What `connect` did, for its report.
    package struct Outcome: Sendable {
        /// The portal id, nil when it could not be checked (unreachable, or 403).
        package var accountId: String?
        package var timeZone: String?
        package var tokenKind: StoredCredentials.Kind
        /// Things the user should know although connecting succeeded.
        package var warnings: [String]
    }

    /// The scopes `connect` asks for unless `--scopes` replaces them.
    package static let defaultScopes = [
        "crm.objects.contacts.read", "crm.objects.contacts.write", "crm.schemas.contacts.read", "oauth",
    ]

    let journal: any JournalStores
    let store: any CredentialStore
    package let endpoint: Endpoint
    let transport: any HTTPTransport
    package let clock: any WallClock
    let logger: Logger

    package init(
        journal: any JournalStores, store: any CredentialStore, endpoint: Endpoint, transport: any HTTPTransport,
        clock: any WallClock = SystemWallClock(), logger: Logger = Logger(label: "leadsync.connection")
    ) {
        self.journal = journal
        self.store = store
        self.endpoint = endpoint
        self.transport = transport
        self.clock = clock
        self.logger = logger
    }

    /// `connect --token`: a private-app token or service key.
    package func connect(token: Secret, newAccount: Bool = false) async throws -> Outcome {
        try await store(.staticToken(token), clientId: nil, scopes: [], newAccount: newAccount)
    }

    /// `connect --code --redirect-uri`: exchanges a code obtained elsewhere (no PKCE).
    package func connect(
        clientId: String, clientSecret: Secret, code: Secret, redirectURI: String, newAccount: Bool = false
    ) async throws -> Outcome {
        let requested = clock.now
        let tokens = try await exchange(
            clientId: clientId, clientSecret: clientSecret, code: code, redirectURI: redirectURI, verifier: nil)
        let credentials = StoredCredentials.oauth(
            tokens, clientId: clientId, clientSecret: clientSecret, requested: requested)
        return try await store(credentials, clientId: clientId, scopes: tokens.scopes ?? [], newAccount: newAccount)
    }

    package func exchange(clientId: String, clientSecret: Secret, code: Secret, redirectURI: String, verifier: Secret?)
        async throws -> OAuthTokens
    {
        let oauth = HubSpotOAuth(
            baseURL: endpoint.apiURL, version: endpoint.version, transport: transport, clientId: clientId,
            clientSecret: clientSecret,
            logger: logger)
        do {
            return try await oauth.exchange(code: code, redirectURI: redirectURI, codeVerifier: verifier)
        } catch let error as HubSpotError {
            let kind: ConnectionError.Kind =
                error.classification == .badConfiguration ? .configuration : .authorizationFailed
            throw ConnectionError(
                kind, "HubSpot refused the authorization code: \(error.message) (\(error.code)); nothing was stored")
        }
    }

    /// Checks the credentials, then stores them; refused credentials store nothing.
    package func store(_ credentials: StoredCredentials, clientId: String?, scopes: [String], newAccount: Bool)
        async throws -> Outcome
    {
        var warnings: [String] = []
        var account: AccountDetails?
        // A 403 says the account cannot be known; an unreachable HubSpot says nothing new.
        var accountRefused = false
        let client = HubSpotClient(
            baseURL: endpoint.apiURL, version: endpoint.version, transport: transport,
            authorizer: StaticTokenAuthorizer(token: credentials.accessToken), logger: logger)
        do {
            account = try await client.accountDetails().value
        } catch let error as HubSpotError where error.status == 401 {
            throw ConnectionError(.refused, "HubSpot refused these credentials (\(error.code)); nothing was stored")
        } catch let error as HubSpotError where error.status == 403 {
            accountRefused = true
            warnings.append(
                "HubSpot would not show the account details (\(error.code)); the account stays unknown and its time zone UTC"
            )
        } catch let error as HubSpotError where error.status == 404 || error.status == 405 {
            // HubSpot always has this endpoint: whatever answered is not the HubSpot API.
            throw ConnectionError(
                .configuration,
                "\(endpoint.apiURL) answered \(error.status) to the account check, so it is not the HubSpot API; check --hubspot-url (nothing was stored)"
            )
        } catch let error as HubSpotError {
            warnings.append("could not check the credentials with HubSpot (\(error.code)); stored unchecked")
        } catch let error as TransportError where error.kind == .tls {
            // Not "unreachable": whatever answered could not prove it is HubSpot, and the
            // credentials must not be stored for it.
            throw ConnectionError(
                .refused,
                "the server at \(endpoint.apiURL) failed TLS verification (\(error.detail)); nothing was stored")
        } catch let error as TransportError {
            warnings.append("HubSpot could not be reached (\(error.kind.rawValue)); credentials stored unchecked")
        }

        var settings = try await journal.configuration.connectionSettings()
        let accountId = account.map { String($0.portalId) }
        if let previous = settings.accountId, let accountId, previous != accountId {
            guard newAccount else {
                throw ConnectionError(
                    .configuration,
                    "these credentials belong to HubSpot account \(accountId), but this journal syncs with account \(previous); pass --new-account to switch and match every lead again"
                )
            }
            try await journal.ledger.forgetRemoteState()
            try await journal.conversations.forgetNotes()
            try await journal.configuration.setSettings([.noteKeyMode: nil])
            warnings.append(
                "switched from account \(previous) to \(accountId): every lead will be matched again by email")
        }
        try await store.save(credentials)
        settings.apiURL = endpoint.apiURL
        settings.authURL = endpoint.authURL
        settings.tokenKind = credentials.kind
        settings.clientId = clientId
        if account != nil || accountRefused {
            settings.accountId = accountId
            settings.timeZone = account?.timeZone
        }
        settings.scopes = scopes
        settings.reconnectionRequired = false
        try await journal.configuration.saveConnectionSettings(settings)
        logger.info(
            "connected",
            metadata: ["hubspot.account": "\(accountId ?? "unknown")", "token.kind": "\(credentials.kind.rawValue)"])
        return Outcome(
            accountId: accountId, timeZone: account?.timeZone, tokenKind: credentials.kind, warnings: warnings)
    }
}

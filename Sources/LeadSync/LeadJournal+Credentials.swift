import LeadSyncEngine
import LeadSyncSupport

extension LeadJournal {
    /// How the sync authenticates with HubSpot.
    ///
    /// ```swift
    /// .stored                                    // what `leadsync connect --db <journal>` stored
    /// .token(privateAppToken)                    // a private-app token or service key
    /// .tokenProvider { try await vault.hubSpotToken() }   // the app manages OAuth itself
    /// ```
    public enum Credentials: Sendable {
        /// The credentials `leadsync connect` stored beside the journal (`<journal>.credentials`),
        /// or in the file at `path`. OAuth access tokens are refreshed ahead of expiry and saved
        /// back; after a revocation, the sync pauses until `leadsync connect` stores new ones.
        case stored(at: String? = nil)
        /// A private-app access token or service key, held in memory only. If HubSpot refuses
        /// it, the sync pauses for good: open the journal again with a new one.
        case token(String)
        /// A token the app supplies, asked for before every request (keep it cheap: cache it and
        /// renew it ahead of expiry). When HubSpot refuses one, the provider is asked again; the
        /// sync pauses until it answers with a different token, then resumes by itself.
        case tokenProvider(@Sendable () async throws -> String)

        /// `.stored(at: nil)`: the credentials file beside the journal.
        public static var stored: Credentials { .stored(at: nil) }

        func source(journalPath: String) -> CredentialSource {
            switch self {
            case .stored(let path):
                .stored(path.map(CredentialsFile.init(path:)) ?? CredentialsFile(besideJournal: journalPath))
            case .token(let token):
                .token(Secret(token))
            case .tokenProvider(let provider):
                .provider { Secret(try await provider()) }
            }
        }
    }
}

extension LeadJournal.Credentials: CustomStringConvertible, CustomDebugStringConvertible {
    /// Names the kind only: a token never shows in a log line or a printed value.
    public var description: String {
        switch self {
        case .stored(let path): path.map { "stored(at: \($0))" } ?? "stored"
        case .token: "token(<redacted>)"
        case .tokenProvider: "tokenProvider"
        }
    }

    public var debugDescription: String { description }
}

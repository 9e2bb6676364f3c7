package import LeadSyncSupport

/// Where a run's HubSpot credentials come from.
///
/// ```swift
/// let access = try await HubSpotAccess.open(
///     journal: journal, credentials: .stored(CredentialsFile(besideJournal: path)),
///     apiURL: "https://api.hubapi.com", transport: CurlTransport())
/// ```
package enum CredentialSource: Sendable {
    /// A private-app token or service key for this run, never stored. A refusal needs a new one.
    case token(Secret)
    /// The credentials `leadsync connect` stored in `store` (the file beside a journal, a
    /// tenant's encrypted row): OAuth access tokens are refreshed ahead of expiry and saved back
    /// there; a dead grant marks the journal `reconnection_required`. `clientId` /
    /// `clientSecret` stand in for an OAuth app's when the stored credentials name none.
    case stored(any CredentialStore, clientId: String? = nil, clientSecret: Secret? = nil)
    /// A token the host application supplies, asked for before every request (keep it cheap:
    /// cache, and renew ahead of expiry). When HubSpot refuses it, the provider is asked once more;
    /// a sync pauses for reconnection until the provider answers with a different token.
    case provider(@Sendable () async throws -> Secret)
}

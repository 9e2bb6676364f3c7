/// What a journal remembers of its connection besides the secrets: where HubSpot is, which
/// account, and whether access must be reconnected.
package struct ConnectionSettings: Sendable, Hashable {
    package var apiURL: String?
    package var authURL: String?
    package var tokenKind: StoredCredentials.Kind?
    package var clientId: String?
    /// The portal id; nil while unknown (HubSpot unreachable or the check refused with 403).
    package var accountId: String?
    /// IANA name; nil means UTC.
    package var timeZone: String?
    package var scopes: [String]
    package var reconnectionRequired: Bool

    package init(
        apiURL: String? = nil, authURL: String? = nil, tokenKind: StoredCredentials.Kind? = nil,
        clientId: String? = nil,
        accountId: String? = nil, timeZone: String? = nil, scopes: [String] = [], reconnectionRequired: Bool = false
    ) {
        self.apiURL = apiURL
        self.authURL = authURL
        self.tokenKind = tokenKind
        self.clientId = clientId
        self.accountId = accountId
        self.timeZone = timeZone
        self.scopes = scopes
        self.reconnectionRequired = reconnectionRequired
    }
}

/// Where connection settings live: the journal's settings table in the product, a value in a
/// test. Never holds a secret.
package protocol ConnectionSettingsStore: Sendable {
    func connectionSettings() async throws -> ConnectionSettings
    func saveConnectionSettings(_ settings: ConnectionSettings) async throws
    /// Records that refreshing failed for good (shown by `status`), or that it no longer has.
    func setReconnectionRequired(_ required: Bool) async throws
}

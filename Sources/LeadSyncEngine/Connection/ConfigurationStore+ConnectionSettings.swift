package import LeadSyncJournal

/// The product keeps connection settings in the journal's settings table, whichever journal it is.
extension ConfigurationStoreProtocol {
    package func connectionSettings() async throws -> ConnectionSettings {
        let values = try await settings()
        return ConnectionSettings(
            apiURL: values[.apiURL], authURL: values[.authURL],
            tokenKind: values[.tokenKind].flatMap(StoredCredentials.Kind.init(rawValue:)), clientId: values[.clientID],
            accountId: values[.accountID], timeZone: values[.timeZone],
            scopes: values[.scopes].map { $0.split(separator: " ").map(String.init) } ?? [],
            reconnectionRequired: values[.reconnectionRequired] == "true")
    }

    /// Stores every connection setting in one transaction.
    package func saveConnectionSettings(_ settings: ConnectionSettings) async throws {
        try await setSettings([
            .apiURL: settings.apiURL,
            .authURL: settings.authURL,
            .tokenKind: settings.tokenKind?.rawValue,
            .clientID: settings.clientId,
            .accountID: settings.accountId,
            .timeZone: settings.timeZone,
            .scopes: settings.scopes.isEmpty ? nil : settings.scopes.joined(separator: " "),
            .reconnectionRequired: settings.reconnectionRequired ? "true" : nil,
        ])
    }

    package func setReconnectionRequired(_ required: Bool) async throws {
        try await setSetting(.reconnectionRequired, required ? "true" : nil)
    }
}

extension ConfigurationStore: ConnectionSettingsStore {}

/// A journal's configuration held as an existential (`any JournalStores`, a tenant's), as a
/// settings store.
package struct JournalConnectionSettings: ConnectionSettingsStore {
    let configuration: any ConfigurationStoreProtocol

    package init(configuration: any ConfigurationStoreProtocol) { self.configuration = configuration }

    package func connectionSettings() async throws -> ConnectionSettings {
        try await configuration.connectionSettings()
    }
    package func saveConnectionSettings(_ settings: ConnectionSettings) async throws {
        try await configuration.saveConnectionSettings(settings)
    }
    package func setReconnectionRequired(_ required: Bool) async throws {
        try await configuration.setReconnectionRequired(required)
    }
}

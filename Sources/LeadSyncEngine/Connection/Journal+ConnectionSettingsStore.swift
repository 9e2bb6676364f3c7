public import LeadSyncJournal

extension Journal: ConnectionSettingsStore {
    public func connectionSettings() throws -> ConnectionSettings {
        let values = try settings()
        return ConnectionSettings(
            apiURL: values[.apiURL], authURL: values[.authURL],
            tokenKind: values[.tokenKind].flatMap(StoredCredentials.Kind.init(rawValue:)), clientId: values[.clientID],
            accountId: values[.accountID], timeZone: values[.timeZone],
            scopes: values[.scopes].map { $0.split(separator: " ").map(String.init) } ?? [],
            reconnectionRequired: values[.reconnectionRequired] == "true")
    }

    public func saveConnectionSettings(_ settings: ConnectionSettings) throws {
        try setSetting(.apiURL, settings.apiURL)
        try setSetting(.authURL, settings.authURL)
        try setSetting(.tokenKind, settings.tokenKind?.rawValue)
        try setSetting(.clientID, settings.clientId)
        try setSetting(.accountID, settings.accountId)
        try setSetting(.timeZone, settings.timeZone)
        try setSetting(.scopes, settings.scopes.isEmpty ? nil : settings.scopes.joined(separator: " "))
        try setReconnectionRequired(settings.reconnectionRequired)
    }

    public func setReconnectionRequired(_ required: Bool) throws {
        try setSetting(.reconnectionRequired, required ? "true" : nil)
    }
}

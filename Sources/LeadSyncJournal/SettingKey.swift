/// Names of the settings kept in the journal (connection settings and sync bookkeeping).
/// Secrets are never stored in the journal.
public struct SettingKey: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    /// Base URL of the remote API.
    public static let apiURL: SettingKey = "api_url"
    /// Where the OAuth consent page lives.
    public static let authURL: SettingKey = "auth_url"
    /// `static` or `oauth`.
    public static let tokenKind: SettingKey = "token_kind"
    public static let clientID: SettingKey = "client_id"
    /// The remote account (portal) id.
    public static let accountID: SettingKey = "account_id"
    /// The account's time zone (IANA name), for the daily limit's reset.
    public static let timeZone: SettingKey = "time_zone"
    /// Granted scopes, space-separated.
    public static let scopes: SettingKey = "scopes"
    /// `true` when the stored credentials can no longer be refreshed.
    public static let reconnectionRequired: SettingKey = "reconnection_required"
    /// RFC 3339 time of the last completed sync.
    public static let lastSyncAt: SettingKey = "last_sync_at"
    /// The last sync error's message.
    public static let lastError: SettingKey = "last_error"
    /// Where incremental pull resumes.
    public static let pullCursor: SettingKey = "pull_cursor"
    static let pushUpdate: SettingKey = "push.update"
    static let pushCreate: SettingKey = "push.create"
}

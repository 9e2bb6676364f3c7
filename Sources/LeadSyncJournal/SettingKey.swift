/// Names of the settings kept in the journal (connection settings and sync bookkeeping).
/// Secrets are never stored in the journal.
package struct SettingKey: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral {
    package let rawValue: String
    package init(rawValue: String) { self.rawValue = rawValue }
    package init(stringLiteral value: String) { self.rawValue = value }

    /// Base URL of the remote API.
    package static let apiURL: SettingKey = "api_url"
    /// Where the OAuth consent page lives.
    package static let authURL: SettingKey = "auth_url"
    /// `static` or `oauth`.
    package static let tokenKind: SettingKey = "token_kind"
    package static let clientID: SettingKey = "client_id"
    /// The remote account (portal) id.
    package static let accountID: SettingKey = "account_id"
    /// The account's time zone (IANA name), for the daily limit's reset.
    package static let timeZone: SettingKey = "time_zone"
    /// Granted scopes, space-separated.
    package static let scopes: SettingKey = "scopes"
    /// `true` when the stored credentials can no longer be refreshed.
    package static let reconnectionRequired: SettingKey = "reconnection_required"
    /// RFC 3339 time of the last completed sync.
    package static let lastSyncAt: SettingKey = "last_sync_at"
    /// The last sync error's message.
    package static let lastError: SettingKey = "last_error"
    /// Where incremental pull resumes.
    package static let pullCursor: SettingKey = "pull_cursor"
    /// The push rules (`true`/`false`), read and written through `pushRules`/`setPushRules`.
    package static let pushUpdate: SettingKey = "push.update"
    package static let pushCreate: SettingKey = "push.create"
}

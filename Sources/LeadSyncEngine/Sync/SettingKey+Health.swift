package import LeadSyncJournal

extension SettingKey {
    /// RFC 3339 time since which a following sync has had sendable work and recorded nothing
    /// (``StallWatchdog``); absent when it is not stalled.
    package static let stalledSince: SettingKey = "stalled_since"
}

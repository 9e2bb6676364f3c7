package import LeadSyncJournal

extension SettingKey {
    /// An interrupted full pull's `FullPullCheckpoint`; absent when none is under way.
    package static let fullPullCheckpoint: SettingKey = "pull_full_checkpoint"
    /// When the last pull ended (ISO 8601): `serve` pulls a tenant again `--pull-every` after it.
    package static let lastPullAt: SettingKey = "last_pull_at"
}

package import LeadSyncJournal

extension SettingKey {
    /// An interrupted full pull's `FullPullCheckpoint`; absent when none is under way.
    package static let fullPullCheckpoint: SettingKey = "pull_full_checkpoint"
}

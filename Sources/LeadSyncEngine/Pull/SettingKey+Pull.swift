public import LeadSyncJournal

extension SettingKey {
    /// An interrupted full pull's `FullPullCheckpoint`; absent when none is under way.
    public static let fullPullCheckpoint: SettingKey = "pull_full_checkpoint"
}

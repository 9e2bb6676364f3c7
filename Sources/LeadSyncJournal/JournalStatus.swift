/// The journal's counters, read without scanning the journal.
public struct JournalStatus: Sendable, Hashable {
    /// Changes in the journal (local and pulled), less compacted ones.
    public var journalEntries: Int64
    /// Changes with at least one pending mapped value.
    public var pendingChanges: Int64
    /// Leads with at least one pending value (including awaiting identity and unmatched).
    public var pendingLeads: Int64
    public var awaitingIdentity: Int64
    public var unmatched: Int64
    /// Entries in `rejectedEntries()`.
    public var rejected: Int64
    /// Values a write rule decided not to send, ever.
    public var skipped: Int64
    /// Changes appended but not yet folded into the counters above (0 after `fold()`).
    public var unfoldedChanges: Int64
    /// When the last sync completed (RFC 3339), from the settings.
    public var lastSyncAt: String?
    /// The last sync error, from the settings.
    public var lastError: String?
}

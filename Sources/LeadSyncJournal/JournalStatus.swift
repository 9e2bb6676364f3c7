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

extension JournalStatus {
    /// The status every store reports from its counters (values by `Counter` name; a missing
    /// one is 0), the last seq appended and the last sync's settings.
    package init(counters: [String: Int64], lastSeq: Int64, lastSyncAt: String?, lastError: String?) {
        func value(_ counter: Counter) -> Int64 { counters[counter.rawValue] ?? 0 }
        self.init(
            journalEntries: lastSeq - value(.removedChanges), pendingChanges: value(.pendingChanges),
            pendingLeads: value(.pendingLeads), awaitingIdentity: value(.awaitingIdentity),
            unmatched: value(.unmatched), rejected: value(.rejected), skipped: value(.skipped),
            unfoldedChanges: lastSeq - value(.foldedSeq), lastSyncAt: lastSyncAt, lastError: lastError)
    }
}

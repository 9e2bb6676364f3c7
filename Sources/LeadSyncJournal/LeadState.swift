/// A lead's overall state, as `lead show` reports it.
public enum LeadState: String, Sendable, Hashable {
    /// Nothing pending, nothing rejected.
    case synced
    /// At least one mapped value waits to be sent.
    case pending
    /// Pending, but with no usable identity (no email and no remote id).
    case awaitingIdentity = "awaiting_identity"
    /// Pending, but no remote record matches and creating is off.
    case unmatched
    /// Nothing pending, but some values were refused.
    case rejected
}

/// What the sync engine found about a pending lead's identity (`Journal.markLeads`).
public enum LeadMark: Int64, Sendable, Hashable {
    /// Sendable as far as the journal knows.
    case none = 0
    /// No usable identity (for example the email was refused); cleared when one arrives.
    case awaitingIdentity = 1
    /// No remote record matches and creating is off; checked again at every sync.
    case unmatched = 2
}

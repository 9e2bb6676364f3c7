/// A lead linked to a remote record, with the values the journal knows the remote holds: what
/// `verify` reads back and compares.
public struct LinkedLead: Sendable, Hashable {
    /// Opaque cursor: pass the last one to `linkedLeads(limit:after:)` for the next window.
    public var cursor: Int64
    public var lead: String
    public var remoteID: String
    /// Property → the last value known to be in the remote (delivered or pulled).
    public var baseValues: [String: String]
}

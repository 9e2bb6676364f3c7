/// A lead linked to a remote record, with the values the journal knows the remote holds: what
/// `verify` reads back and compares.
package struct LinkedLead: Sendable, Hashable {
    /// Opaque cursor: pass the last one to `linkedLeads(limit:after:)` for the next window.
    package var cursor: Int64
    package var lead: String
    package var remoteID: String
    /// Property → the last value known to be in the remote (delivered or pulled).
    package var baseValues: [String: String]
}

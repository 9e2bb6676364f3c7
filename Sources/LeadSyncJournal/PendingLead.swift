public import LeadSyncSupport

/// A lead with mapped values waiting to be sent, as the sync engine reads it.
public struct PendingLead: Sendable, Hashable {
    /// One pending field: its current winning value and the change it came from.
    public struct Field: Sendable, Hashable {
        public var field: String
        public var property: String
        public var write: Mapping.WriteRule
        public var value: FieldValue
        public var seq: Int64
        public var atMilliseconds: Int64
    }

    /// Opaque cursor: pass the last one to `pendingLeads(limit:after:)` for the next window.
    public var cursor: Int64
    public var lead: String
    public var remoteID: String?
    /// The current value of the field mapped to the identity property, pending or not.
    public var identity: FieldValue?
    public var mark: LeadMark
    public var fields: [Field]
}

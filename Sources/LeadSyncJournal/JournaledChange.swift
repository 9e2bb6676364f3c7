public import LeadSyncSupport

/// A change as the journal holds it: its sequence number, origin and stored fields.
public struct JournaledChange: Sendable, Hashable {
    public var seq: Int64
    public var lead: String
    public var atMilliseconds: Int64
    public var fields: [String: FieldValue]
    public var origin: ChangeOrigin
}

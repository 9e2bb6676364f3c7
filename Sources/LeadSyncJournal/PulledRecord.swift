public import LeadSyncSupport

/// A remote record's mapped values, as pull hands them to `Journal.appendPulled(_:)`.
public struct PulledRecord: Sendable, Hashable {
    /// The lead it belongs to (an existing one it matched, or a new id such as `hubspot-512`).
    public var lead: String
    public var remoteID: String
    /// When the remote record was last modified (epoch milliseconds).
    public var atMilliseconds: Int64
    /// Lead field → the remote value (already mapped from properties to fields).
    public var fields: [String: FieldValue]

    public init(lead: String, remoteID: String, atMilliseconds: Int64, fields: [String: FieldValue]) {
        self.lead = lead
        self.remoteID = remoteID
        self.atMilliseconds = atMilliseconds
        self.fields = fields
    }
}

/// What `appendPulled` did with one record.
public struct PulledResult: Sendable, Hashable {
    /// The lead did not exist before.
    public var createdLead: Bool
    /// The lead was not linked to this remote id before.
    public var linked: Bool
    /// Fields whose remote value became the lead's current value.
    public var takenFields: [String]
    /// The seq of the journaled change, when any field differed from the current value.
    public var seq: Int64?
}

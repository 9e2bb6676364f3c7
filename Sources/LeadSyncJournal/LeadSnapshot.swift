public import LeadSyncSupport

/// One lead as an import from the remote sees it: its remote id, current values, which fields
/// hold a pending local value, and its base values.
public struct LeadSnapshot: Sendable, Hashable {
    public var lead: String
    /// The remote record the lead is linked to, if any.
    public var remoteID: String?
    /// Current value of each field (absent: never set).
    public var fields: [String: FieldValue]
    /// Fields whose current value is a pending local one.
    public var pendingFields: Set<String>
    /// Property → the last value known to be in the remote.
    public var baseValues: [String: String]

    public init(
        lead: String, remoteID: String?, fields: [String: FieldValue] = [:], pendingFields: Set<String> = [],
        baseValues: [String: String] = [:]
    ) {
        self.lead = lead
        self.remoteID = remoteID
        self.fields = fields
        self.pendingFields = pendingFields
        self.baseValues = baseValues
    }
}

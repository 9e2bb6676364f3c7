public import LeadSyncSupport

/// What a pull needs to know of one local lead to link a contact to it and merge the contact's
/// values: its HubSpot id, its current field values, and which fields hold a local value not yet
/// acknowledged by HubSpot.
public struct PullLeadState: Sendable, Hashable {
    public let lead: String
    /// The HubSpot contact id the lead is linked to, if any.
    public let remoteId: String?
    /// Current value of each field (absent: never set).
    public let values: [String: FieldValue]
    /// Fields with a pending local value.
    public let pendingFields: Set<String>

    public init(lead: String, remoteId: String?, values: [String: FieldValue], pendingFields: Set<String>) {
        self.lead = lead
        self.remoteId = remoteId
        self.values = values
        self.pendingFields = pendingFields
    }
}

package import LeadSyncSupport

/// One lead as an import from the remote sees it: its remote id, current values, which fields
/// hold a pending local value, and its base values.
package struct LeadSnapshot: Sendable, Hashable {
    package var lead: String
    /// The remote record the lead is linked to, if any.
    package var remoteID: String?
    /// Current value of each field (absent: never set).
    package var fields: [String: FieldValue]
    /// Fields whose current value is a pending local one.
    package var pendingFields: Set<String>
    /// Property → the last value known to be in the remote.
    package var baseValues: [String: String]

    package init(
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

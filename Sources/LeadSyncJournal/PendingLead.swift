package import LeadSyncSupport

/// A lead with mapped values waiting to be sent, as the sync engine reads it.
package struct PendingLead: Sendable, Hashable {
    /// One pending field: its current winning value and the change it came from.
    package struct Field: Sendable, Hashable {
        package var field: String
        package var property: String
        package var write: Mapping.WriteRule
        package var value: FieldValue
        package var seq: Int64
        package var atMilliseconds: Int64
    }

    /// Opaque cursor: pass the last one to `pendingLeads(limit:after:)` for the next window.
    package var cursor: Int64
    package var lead: String
    package var remoteID: String?
    /// The current value of the field mapped to the identity property, pending or not.
    package var identity: FieldValue?
    package var mark: LeadMark
    package var fields: [Field]
}

package import LeadSyncSupport

/// What an import decided for one remote record (`Journal.applyPulled`): the lead it belongs to,
/// the values to journal, and the remote's values to remember as base values.
///
/// The caller has already compared values (so equal-but-differently-written values, such as an
/// email's case, journal nothing) and gives base values for every mapped property, including
/// empty ones and those whose local value stays pending.
package struct PulledUpdate: Sendable, Hashable {
    package var lead: String
    /// The remote record; the lead is linked to it.
    package var remoteID: String
    /// When the remote record was last modified (epoch ms): the `at` of the journaled change.
    package var atMilliseconds: Int64
    /// Field → value to journal with origin remote. Fields with a pending local value keep it.
    package var changes: [String: FieldValue]
    /// Property → remote value (`""` when empty), stored as base values.
    package var baseValues: [String: String]

    package init(
        lead: String, remoteID: String, atMilliseconds: Int64, changes: [String: FieldValue],
        baseValues: [String: String]
    ) {
        self.lead = lead
        self.remoteID = remoteID
        self.atMilliseconds = atMilliseconds
        self.changes = changes
        self.baseValues = baseValues
    }
}

/// One lead's coalesced record for one cycle: each mapped property's winning value, converted
/// and checked, plus how the lead is identified at HubSpot.
struct LeadRecord: Sendable, Hashable {
    /// One property's value on its way to HubSpot.
    struct Value: Sendable, Hashable {
        var field: String
        var property: String
        var rule: WriteRule
        /// The string HubSpot receives (`""` for a null).
        var wire: String
        var isNull: Bool
        /// The winning value's position, for ordering records of leads sharing a contact.
        var seq: Int64
        var at: Int64
        /// Every pending value of the field up to this sequence number is resolved with this one.
        var throughSeq: Int64

        func outcome(_ resolution: FieldOutcome.Resolution) -> FieldOutcome {
            FieldOutcome(field: field, property: property, throughSeq: throughSeq, resolution: resolution)
        }
    }

    var lead: String
    /// The HubSpot contact id: updates go by it whenever it is known, even after an email change.
    var remoteID: String?
    /// The usable, normalised email; the upsert and read key when there is no id.
    var email: EmailAddress?
    /// Sorted by property name, so bodies and tests are deterministic.
    var values: [Value]
    /// The lead's highest pending sequence number when the record was built: a lead left waiting
    /// is not looked at again in the same run until a newer change arrives.
    var pendingThrough: Int64

    /// The keys no other record may share in one batch or in two batches in flight.
    var keys: [String] {
        var keys = ["lead:" + lead]
        if let remoteID { keys.append("id:" + remoteID) }
        if let email { keys.append("email:" + email.value) }
        return keys
    }

    /// The newest change the record carries, so records of leads sharing a contact go out in
    /// (`at`, append) order.
    var newest: (Int64, Int64) {
        values.map { ($0.at, $0.seq) }.max { $0 < $1 } ?? (0, 0)
    }
}

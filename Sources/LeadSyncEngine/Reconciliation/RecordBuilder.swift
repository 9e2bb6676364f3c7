import HubSpotAPI
import LeadSyncJournal

/// Turns a lead's pending values (already coalesced by the journal: each field's winning value,
/// latest `at`, ties by append order) into one record: each value converted and checked against
/// HubSpot's property definitions, identity from the HubSpot id, else the trimmed, lowercased
/// email.
struct RecordBuilder: Sendable {
    /// What building a lead's record produced.
    struct Built: Sendable, Hashable {
        /// Nil when nothing can be sent now (nothing left, or awaiting identity).
        var record: LeadRecord?
        /// Values refused locally, without spending a request.
        var rejected: [LeadOutcome.Field]
        /// True when values wait for a usable email (no email, or a refused one, and no id).
        var awaitingIdentity: Bool
    }

    /// HubSpot's contact properties by name.
    var definitions: [String: PropertyDefinition]

    func build(_ lead: PendingLead) -> Built {
        var rejected: [LeadOutcome.Field] = []
        var values: [LeadRecord.Value] = []
        // Sized once: grown by appends, five values took room for eight, and the records queued
        // and in flight are most of a sync's heap (docs/benchmarks.md).
        values.reserveCapacity(lead.fields.count)
        var email: EmailAddress?
        var identityPending = false
        for field in lead.fields {
            let isIdentity = field.property == Mapping.identityProperty
            if isIdentity { identityPending = true }
            switch ValueConverter.wireValue(field.value, for: definitions[field.property], property: field.property) {
            case .success(let wire):
                if isIdentity, !field.value.isNull { email = EmailAddress(wire) }
                values.append(
                    LeadRecord.Value(
                        field: field.field, property: field.property, rule: field.write, wire: wire,
                        isNull: field.value.isNull, seq: field.seq, at: field.atMilliseconds))
            case .failure(let refusal):
                rejected.append(
                    LeadOutcome.Field(
                        field: field.field, seq: field.seq,
                        result: .rejected(category: refusal.category, message: refusal.message, source: .local)))
            }
        }
        if !identityPending, let identity = lead.identity, !identity.isNull {
            email = EmailAddress(identity.wireString)
        }
        guard lead.remoteID != nil || email != nil else {
            // The values wait for an email; they go out with it.
            return Built(record: nil, rejected: rejected, awaitingIdentity: !values.isEmpty)
        }
        guard !values.isEmpty else { return Built(record: nil, rejected: rejected, awaitingIdentity: false) }
        values.sort { $0.property < $1.property }
        let record = LeadRecord(
            lead: lead.lead, remoteID: lead.remoteID, email: email, values: values,
            pendingThrough: lead.fields.lazy.map(\.seq).max() ?? 0, mark: lead.mark)
        return Built(record: record, rejected: rejected, awaitingIdentity: false)
    }
}

/// Coalesces a lead's pending values into one record: per mapped field the winning value
/// (latest `at`, ties by append order), converted and checked against HubSpot's property
/// definitions; identity from the HubSpot id, else the trimmed, lowercased email.
struct RecordBuilder: Sendable {
    /// What building a lead's record produced.
    struct Built: Sendable, Hashable {
        /// Nil when nothing can be sent now (nothing left, or awaiting identity).
        var record: LeadRecord?
        /// Values resolved without a request (local refusals, superseded values) and, when the
        /// lead has no usable identity, `waiting = .awaitingIdentity`.
        var outcome: LeadOutcome
    }

    var mappings: [PropertyMapping]
    /// HubSpot's contact properties by name.
    var definitions: [String: PropertyDefinition]

    /// The property that identifies a contact.
    static let emailProperty = "email"

    func build(_ lead: PendingLead) -> Built {
        var outcome = LeadOutcome(lead: lead.lead)
        var values: [LeadRecord.Value] = []
        var pendingEmail: EmailAddress?
        var emailPendingButRefused = false
        for mapping in mappings {
            guard let field = lead.fields[mapping.field], let winner = Self.winner(of: field.pending) else { continue }
            let throughSeq = field.pending.map(\.seq).max() ?? winner.seq
            if let current = field.current, current.seq != winner.seq, current.wins(over: winner) {
                outcome.fields.append(
                    FieldOutcome(
                        field: mapping.field, property: mapping.property, throughSeq: throughSeq, resolution: .superseded))
                continue
            }
            switch ValueConverter.wireValue(
                winner.value, for: definitions[mapping.property], property: mapping.property)
            {
            case .success(let wire):
                if mapping.property == Self.emailProperty, !winner.value.isNull {
                    pendingEmail = EmailAddress(wire)
                }
                values.append(
                    LeadRecord.Value(
                        field: mapping.field, property: mapping.property, rule: mapping.rule, wire: wire,
                        isNull: winner.value.isNull, seq: winner.seq, at: winner.at, throughSeq: throughSeq))
            case .failure(let refusal):
                if mapping.property == Self.emailProperty { emailPendingButRefused = true }
                outcome.fields.append(
                    FieldOutcome(
                        field: mapping.field, property: mapping.property, throughSeq: throughSeq,
                        resolution: .rejected(refusal)))
            }
        }
        let emailFieldPending = values.contains { $0.property == Self.emailProperty }
        let email: EmailAddress? =
            if emailFieldPending || emailPendingButRefused {
                pendingEmail
            } else {
                lead.currentEmail.flatMap { $0.isNull ? nil : EmailAddress($0.wireString) }
            }
        guard lead.remoteID != nil || email != nil else {
            // The values wait for an email; they go out with it.
            if !values.isEmpty { outcome.waiting = .awaitingIdentity }
            return Built(record: nil, outcome: outcome)
        }
        guard !values.isEmpty else { return Built(record: nil, outcome: outcome) }
        values.sort { $0.property < $1.property }
        return Built(
            record: LeadRecord(
                lead: lead.lead, remoteID: lead.remoteID, email: email, values: values,
                pendingThrough: lead.maxPendingSeq),
            outcome: outcome)
    }

    /// The winning value: latest `at`, ties broken by the later append.
    static func winner(of values: [JournaledValue]) -> JournaledValue? {
        values.max { $1.wins(over: $0) }
    }
}

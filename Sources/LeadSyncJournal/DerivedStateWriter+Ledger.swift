package import LeadSyncSupport

/// A rejected entry an outcome makes, for the store to keep (`rejectedEntries()` lists it).
package struct Refusal: Sendable {
    package var leadID: Int64
    package var fields: [String: FieldValue]
    package var category: String
    package var message: String
    package var source: RejectedEntry.Source
}

/// The delivery ledger's rules, the same for every store: what the remote's answers, the sync's
/// marks, a new account and a retry do to a lead's state.
extension DerivedStateWriter {
    /// Applies the remote's answer for one lead (see `DeliveryLedger.recordOutcomes`) and
    /// returns the rejected entries it makes, one per category, message and source, already
    /// counted: the store keeps them.
    /// - Throws: `JournalError.unknownLead` when the store has no such lead.
    package func record(_ outcome: LeadOutcome) throws -> [Refusal] {
        guard let leadID = try leadID(outcome.lead, create: false) else {
            throw JournalError(.unknownLead, "unknown lead \(outcome.lead)")
        }
        switch outcome.remoteID {
        case .keep: break
        case .set(let id): try setRemoteID(leadID, id)
        case .clear: try setRemoteID(leadID, nil)
        }
        var refusals: [RefusalKey: [String: FieldValue]] = [:]
        // The lead is taken once per outcome, not once per field (as a fold takes it once per
        // change).
        if !outcome.fields.isEmpty {
            try change(leadID) { lead in try record(outcome.fields, in: &lead, refusals: &refusals) }
        }
        guard !refusals.isEmpty else { return [] }
        count(.rejected, Int64(refusals.count))
        return refusals.sorted { $0.key.message < $1.key.message }.map { key, fields in
            Refusal(
                leadID: leadID, fields: fields, category: key.category, message: key.message, source: key.source)
        }
    }

    /// Applies the outcomes of `fields` to `lead`, gathering the refused values in `refusals`;
    /// false when nothing changed.
    private func record(
        _ fields: [LeadOutcome.Field], in lead: inout StoredLead,
        refusals: inout [RefusalKey: [String: FieldValue]]
    ) throws -> Bool {
        var changed = false
        for field in fields {
            // Only the value the outcome is about changes state: a newer one stays pending.
            guard var row = lead.field(field.field), row.seq == field.seq, row.state == .pending else {
                if case .delivered(let property, let sent) = field.result {
                    lead.setBaseValue(property, sent)
                    changed = true
                }
                continue
            }
            changed = true
            switch field.result {
            case .delivered(let property, let sent):
                lead.setBaseValue(property, sent)
                row.state = .delivered
            case .rejected(let category, let message, let source):
                row.state = .rejected
                refusals[RefusalKey(category: category, message: message, source: source), default: [:]][
                    field.field] = try FieldsCodec.decodeValue(row.value)
            case .skipped(let property, let remoteValue):
                count(.skipped, 1)
                if let remoteValue {
                    lead.setBaseValue(property, remoteValue)
                    row.value = FieldsCodec.encode(.string(remoteValue))
                }
                row.state = .skipped
            }
            lead.setField(field.field, row)
        }
        return changed
    }

    private struct RefusalKey: Hashable {
        var category: String
        var message: String
        var source: RejectedEntry.Source
    }

    /// Sets what the sync found about pending leads' identity (see `DeliveryLedger.markLeads`).
    /// - Throws: `JournalError.unknownLead` when the store has no such lead.
    package func mark(_ marks: [String: LeadMark]) throws {
        for (lead, mark) in marks {
            guard let leadID = try leadID(lead, create: false) else {
                throw JournalError(.unknownLead, "unknown lead \(lead)")
            }
            try self.mark(leadID, mark)
        }
    }

    /// Links the lead of a pulled record (creating it when new) and stores the record's base
    /// values; returns the change to journal with origin remote, if any.
    package func link(_ update: PulledUpdate) throws -> LeadChange? {
        let leadID = try leadID(update.lead, create: true)!
        try setRemoteID(leadID, update.remoteID)
        for (property, value) in update.baseValues { try setBaseValue(leadID, property, value) }
        guard !update.changes.isEmpty else { return nil }
        return LeadChange(lead: update.lead, fields: update.changes, atMilliseconds: update.atMilliseconds)
    }

    /// Forgets what the remote account told of `lead`: it is unlinked, and its mapped values
    /// the remote had answered for are pending again (a new account).
    package func forgetRemote(of lead: StoredLead) throws {
        try setRemoteID(lead.id, nil)
        for (field, row) in lead.fields
        where mappings[field] != nil && [.delivered, .rejected, .skipped].contains(row.state) {
            try setState(lead.id, field, row, to: .pending)
        }
    }

    /// Makes the refused `fields` of a rejected entry of lead `leadID` pending again (local
    /// only when no longer mapped), each still the field's current value; the store removes the
    /// entry, counted here.
    package func retry(leadID: Int64, fields: [String]) throws {
        for field in fields {
            guard let row = try fieldRow(leadID, field), row.state == .rejected else { continue }
            try setState(leadID, field, row, to: mappings[field] == nil ? .unmapped : .pending)
        }
        count(.rejected, -1)
    }
}

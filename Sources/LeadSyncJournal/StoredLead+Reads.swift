package import LeadSyncSupport

/// What the reads of lead state make of a stored lead: the same for every store, whichever way
/// it read the lead.
extension StoredLead {
    /// The distinct seqs of the lead's pending values, ascending.
    package var pendingSeqs: [Int64] {
        Set(fields.lazy.filter { $0.row.state == .pending }.map(\.row.seq)).sorted()
    }

    /// When the lead's oldest pending value was set (epoch ms), nil when none is pending.
    package var oldestPendingAt: Int64? {
        fields.lazy.filter { $0.row.state == .pending }.map(\.row.at).min()
    }

    /// The lead's current value of `field` (the identity field), nil when it has none.
    package func value(of field: String) throws -> FieldValue? {
        try self.field(field).map { try FieldsCodec.decodeValue($0.value) }
    }
}

extension PendingLead {
    /// `lead` as a drain reads it: its pending mapped fields and its identity value.
    package init(_ lead: StoredLead, mappings: [String: Mapping]) throws {
        let identityField = mappings.values.first { $0.property == Mapping.identityProperty }?.field
        self.init(cursor: lead.id, lead: lead.key, remoteID: lead.remoteID, identity: nil, mark: lead.mark, fields: [])
        fields.reserveCapacity(max(0, Int(lead.pendingFields)))
        for (field, row) in lead.fields {
            let isIdentity = field == identityField
            guard row.state == .pending, let mapping = mappings[field] else {
                if isIdentity { identity = try FieldsCodec.decodeValue(row.value) }
                continue
            }
            // The identity is usually pending too: its text is decoded once.
            let value = try FieldsCodec.decodeValue(row.value)
            if isIdentity { identity = value }
            fields.append(
                PendingLead.Field(
                    field: field, property: mapping.property, write: mapping.write, value: value, seq: row.seq,
                    atMilliseconds: row.at))
        }
    }
}

extension LinkedLead {
    /// `lead` with its base values; the lead must be linked.
    package init(_ lead: StoredLead) {
        self.init(
            cursor: lead.id, lead: lead.key, remoteID: lead.remoteID ?? "",
            baseValues: Dictionary(lead.baseValues, uniquingKeysWith: { _, last in last }))
    }
}

extension LeadSnapshot {
    /// What pull needs to know of `lead`.
    package init(_ lead: StoredLead) throws {
        self.init(lead: lead.key, remoteID: lead.remoteID)
        for (field, row) in lead.fields {
            fields[field] = try FieldsCodec.decodeValue(row.value)
            if row.state == .pending { pendingFields.insert(field) }
        }
        baseValues = Dictionary(lead.baseValues, uniquingKeysWith: { _, last in last })
    }
}

extension LeadRecord {
    /// `lead show`'s record of `lead`: `pending` are its changes with a pending value (those of
    /// `pendingSeqs`), `rejected` its rejected entries.
    package init(
        _ lead: StoredLead, mappings: [String: Mapping], pending: [PendingChange], rejected: [RejectedEntry]
    ) throws {
        var fields: [String: FieldValue] = [:]
        var delivery: [String: FieldDelivery] = [:]
        for (field, row) in lead.fields {
            let value = try FieldsCodec.decodeValue(row.value)
            fields[field] = value
            delivery[field] = FieldDelivery(
                property: mappings[field]?.property, state: row.state, value: value, atMilliseconds: row.at)
        }
        let state: LeadState
        if lead.pendingFields > 0 {
            switch lead.mark {
            case .awaitingIdentity: state = .awaitingIdentity
            case .unmatched: state = .unmatched
            case .none: state = .pending
            }
        } else if delivery.values.contains(where: { $0.state == .rejected }) {
            state = .rejected
        } else {
            state = .synced
        }
        self.init(
            lead: lead.key, remoteID: lead.remoteID, state: state, fields: fields, delivery: delivery, pending: pending,
            rejected: rejected)
    }
}

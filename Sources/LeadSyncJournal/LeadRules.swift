internal import LeadSyncSupport

/// The rules that turn a lead's values into its delivery state, given the mappings: which state
/// a value gets, and what the lead waits for. ``DerivedStateWriter`` applies them to every lead
/// it writes; ``LeadWinners`` to the leads an ingest folds as new, on its own thread.
struct LeadRules: Sendable {
    let mappings: [String: Mapping]
    /// The field mapped to the identity property (email), if any.
    let identityField: String?

    init(mappings: [String: Mapping]) {
        self.mappings = mappings
        identityField = mappings.values.first { $0.property == Mapping.identityProperty }?.field
    }

    /// The state of a value of `field` that becomes its current value: a local one waits to be
    /// sent when the field is mapped; a pulled one is what the remote holds.
    func state(of field: String, origin: ChangeOrigin) -> DeliveryState {
        guard mappings[field] != nil else { return .unmapped }
        return origin == .local ? .pending : .delivered
    }

    /// Sets `lead`'s pending counts and mark from its fields, as they are written: `old` is what
    /// they were when the lead was read, `explicit` a mark the sync set meanwhile.
    func finish(_ lead: inout StoredLead, old: DerivedStateWriter.Counted, explicit: LeadMark?) {
        (lead.pendingFields, lead.pendingChanges) = lead.pendingCounts
        lead.mark = mark(lead, old: old, explicit: explicit)
    }

    /// A lead new to the journal whose local changes set each of `fields` once (a value as
    /// compact JSON text, and the seq and `at` of its change), as folding them and writing it
    /// leaves it: each value wins.
    func newLead(key: String, fields: [(name: String, value: String, seq: Int64, at: Int64)]) -> StoredLead {
        var lead = StoredLead(id: 0, key: key)
        lead.fields = fields.map { field in
            let row = StoredLead.FieldRow(
                value: field.value, seq: field.seq, at: field.at, state: state(of: field.name, origin: .local))
            return (field.name, row)
        }
        // StoredLead keeps its fields sorted by name.
        lead.fields.sort { $0.name < $1.name }
        finish(&lead, old: .none, explicit: nil)
        return lead
    }

    /// What a lead waits for: nothing once no value is pending; its identity while it has no
    /// remote id and no usable identity value; otherwise what the sync last found.
    private func mark(_ lead: StoredLead, old: DerivedStateWriter.Counted, explicit: LeadMark?) -> LeadMark {
        let linked = lead.remoteID != nil
        if lead.pendingFields <= 0 { return .none }
        if !linked, !hasUsableIdentity(lead) { return .awaitingIdentity }
        if let explicit { return explicit == .awaitingIdentity && linked ? .none : explicit }
        return old.mark == .awaitingIdentity ? .none : old.mark
    }

    private func hasUsableIdentity(_ lead: StoredLead) -> Bool {
        guard let identityField, let row = lead.field(identityField), row.state != .rejected else { return false }
        // A JSON string with a printable ASCII character other than a quote or an escape holds
        // more than whitespace: the usual case, answered without parsing the value.
        let text = row.value.utf8
        if text.first == UInt8(ascii: "\""),
            text.contains(where: { (0x21..<0x7F).contains($0) && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") })
        {
            return true
        }
        let value = (try? FieldsCodec.decodeValue(row.value)) ?? .null
        // Matching trims whitespace, so a value of spaces only is no identity.
        return value.wireString.unicodeScalars.contains { !$0.properties.isWhitespace }
    }
}

public import LeadSyncSupport

/// One journaled value of a lead field: the value, its append order and when it happened.
public struct JournaledValue: Sendable, Hashable {
    public var value: FieldValue
    /// Append order (the journal's sequence number).
    public var seq: Int64
    /// When the change happened, epoch milliseconds.
    public var at: Int64

    public init(value: FieldValue, seq: Int64, at: Int64) {
        self.value = value
        self.seq = seq
        self.at = at
    }

    /// Latest `at` wins; for equal `at`, the later append wins.
    public func wins(over other: JournaledValue) -> Bool {
        (at, seq) > (other.at, other.seq)
    }
}

/// What the reconciler reads for one lead with pending values: its identity and, per field, the
/// pending values plus the lead's current winning value of that field.
public struct PendingLead: Sendable, Hashable {
    /// One field's unfinished business.
    public struct Field: Sendable, Hashable {
        /// The values appended and not yet delivered, rejected or skipped.
        public var pending: [JournaledValue]
        /// The field's winning value over the whole journal. When it is not among `pending`, a
        /// newer value was already resolved and every pending value is superseded (a late,
        /// older change must never land after a newer one).
        public var current: JournaledValue?

        public init(pending: [JournaledValue], current: JournaledValue?) {
            self.pending = pending
            self.current = current
        }
    }

    public var lead: String
    /// The lead's HubSpot contact id, when known.
    public var remoteID: String?
    /// Pending fields by name (unmapped fields may be present; they stay local).
    public var fields: [String: Field]
    /// The lead's current value of the identity field (the one mapped to `email`), pending or not.
    public var currentEmail: FieldValue?

    public init(lead: String, remoteID: String?, fields: [String: Field], currentEmail: FieldValue?) {
        self.lead = lead
        self.remoteID = remoteID
        self.fields = fields
        self.currentEmail = currentEmail
    }

    /// The highest sequence number among the lead's pending values.
    public var maxPendingSeq: Int64 {
        fields.values.lazy.flatMap(\.pending).map(\.seq).max() ?? 0
    }
}

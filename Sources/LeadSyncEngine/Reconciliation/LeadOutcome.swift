/// How one field of one lead ended in a cycle: the journal records it in the same transaction as
/// the rest of the lead's outcome.
public struct FieldOutcome: Sendable, Hashable {
    public enum Resolution: Sendable, Hashable {
        /// HubSpot acknowledged `value` (the string sent); it becomes the base value.
        case delivered(value: String)
        /// A newer value of the same field was already resolved; nothing was sent.
        case superseded
        /// Refused for good, by local validation or by HubSpot.
        case rejected(Refusal)
        /// An `if-empty` rule decided not to send. `hubSpotValue` is HubSpot's non-empty value,
        /// which becomes the lead's current value (nil when the skip was of a null).
        case skipped(hubSpotValue: String?)
    }

    public var field: String
    /// The property the field maps to.
    public var property: String
    /// Every pending value of this field with `seq <= throughSeq` is resolved by this outcome.
    public var throughSeq: Int64
    public var resolution: Resolution

    public init(field: String, property: String, throughSeq: Int64, resolution: Resolution) {
        self.field = field
        self.property = property
        self.throughSeq = throughSeq
        self.resolution = resolution
    }
}

/// Everything one cycle learned about one lead, recorded transactionally.
public struct LeadOutcome: Sendable, Hashable {
    /// What the lead waits for when it could not be sent.
    public enum Waiting: String, Sendable, Hashable {
        /// No usable email and no HubSpot id.
        case awaitingIdentity = "awaiting_identity"
        /// Create is off and no contact has the lead's email.
        case unmatched
    }

    /// A change of the lead's link to its HubSpot contact.
    public enum Link: Sendable, Hashable {
        /// The lead now goes by this contact id (created, matched, or relinked after a merge).
        case linked(String)
        /// The known id is gone (deleted, archived, GDPR-deleted): forget it.
        case unlinked
    }

    public var lead: String
    public var fields: [FieldOutcome]
    public var link: Link?
    /// Set when the lead stays pending for a reason only the user or HubSpot can lift;
    /// cleared (nil) once it was sent.
    public var waiting: Waiting?

    public init(lead: String, fields: [FieldOutcome] = [], link: Link? = nil, waiting: Waiting? = nil) {
        self.lead = lead
        self.fields = fields
        self.link = link
        self.waiting = waiting
    }

    var isEmpty: Bool { fields.isEmpty && link == nil && waiting == nil }
}

public import Foundation
public import LeadSyncSupport

/// One lead change: at time `at`, lead `lead`'s fields became `fields` (null clears a field).
public struct LeadChange: Sendable, Hashable {
    /// The lead's own id (non-empty).
    public var lead: String
    /// When the change happened, in milliseconds since 1970-01-01T00:00:00Z.
    public var atMilliseconds: Int64
    /// Field name → new value. Field names are lead fields, not remote properties.
    public var fields: [String: FieldValue]

    public init(lead: String, fields: [String: FieldValue], atMilliseconds: Int64) {
        self.lead = lead
        self.fields = fields
        self.atMilliseconds = atMilliseconds
    }

    public init(lead: String, fields: [String: FieldValue], at: Date = Date()) {
        self.init(lead: lead, fields: fields, atMilliseconds: Timestamp.epochMilliseconds(at))
    }
}

extension LeadChange {
    /// Checks what every journal requires of a change before appending it.
    /// - Throws: `JournalError` (`invalidChange`) for an empty lead id.
    package func validate() throws { try Self.validate(lead: lead) }

    /// Checks a change's lead id (``validate()``'s check, for a change in another form).
    static func validate(lead: String) throws {
        guard !lead.isEmpty else { throw JournalError(.invalidChange, "a change needs a non-empty lead id") }
    }
}

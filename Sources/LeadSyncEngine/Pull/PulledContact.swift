package import HubSpotAPI

/// A HubSpot contact as a pull reads it (from list or search): its record id, the requested
/// properties that have a value, and when HubSpot last modified it.
///
/// HubSpot either omits requested properties without a value or returns them as null
/// (hubspot-api.md §2 leaves it open); both, and `""`, mean "empty" here, so `properties` holds
/// only non-empty values.
package struct PulledContact: Sendable, Hashable {
    /// The record id (`hs_object_id`), decimal digits.
    package let id: String
    /// The record id as a number, for the id tie-break (`hs_object_id GT n`).
    let numericId: UInt64
    /// `lastmodifieddate` in epoch milliseconds: the incremental pull's sort key.
    package let lastModified: Int64
    /// Non-empty property values by property name.
    package let properties: [String: String]

    /// The property HubSpot moves on every change of a contact, and the incremental pull's key.
    package static let lastModifiedProperty = "lastmodifieddate"
    /// The record id as a searchable, sortable property: the tie-break between equal timestamps.
    package static let idProperty = "hs_object_id"
    /// The primary email: identity for linking.
    package static let emailProperty = "email"
    /// Secondary emails, `;`-separated: also identity for linking.
    package static let additionalEmailsProperty = "hs_additional_emails"

    /// Builds a contact from a record as HubSpot sends it.
    ///
    /// - Parameters:
    ///   - id: the record's `id`.
    ///   - properties: its `properties`, nulls included.
    ///   - updatedAt: the record's `updatedAt`, used when `lastmodifieddate` was not returned.
    /// - Throws: `PullError.malformedContact` when the id is not a record id or no modification
    ///   time can be read.
    package init(id: String, properties: [String: String?], updatedAt: String? = nil) throws(PullError) {
        guard let numericId = UInt64(id) else {
            throw PullError(.malformedContact, "contact id \"\(id)\" is not a HubSpot record id")
        }
        var values: [String: String] = [:]
        for case (let name, let value?) in properties where !value.isEmpty { values[name] = value }
        guard
            let modified = values[Self.lastModifiedProperty].flatMap(PropertyInstant.epochMilliseconds)
                ?? updatedAt.flatMap(PropertyInstant.epochMilliseconds)
        else {
            throw PullError(.malformedContact, "contact \(id) has no readable \(Self.lastModifiedProperty)")
        }
        self.id = id
        self.numericId = numericId
        self.lastModified = modified
        self.properties = values
    }

    /// Builds a contact from the client's record.
    ///
    /// - Throws: `PullError.malformedContact` as `init(id:properties:updatedAt:)`.
    package init(_ contact: Contact) throws(PullError) {
        try self.init(id: contact.id, properties: contact.properties.mapValues { $0 }, updatedAt: contact.updatedAt)
    }

    /// The emails that identify this contact, trimmed and lowercased: the primary one first, then
    /// each of `hs_additional_emails` in order, without repeats.
    package var identityEmails: [String] {
        var emails: [String] = []
        let primary = properties[Self.emailProperty].map { [$0] } ?? []
        let additional = properties[Self.additionalEmailsProperty]?.split(separator: ";").map(String.init) ?? []
        for raw in primary + additional {
            let email = EmailIdentity.normalize(raw)
            if !email.isEmpty, !emails.contains(email) { emails.append(email) }
        }
        return emails
    }
}

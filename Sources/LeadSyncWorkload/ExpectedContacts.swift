internal import Foundation
import LeadSyncSupport

/// What HubSpot should hold once every change was drained, computed from the input alone: per
/// lead with an accepted email, each mapped property's winning value (latest `at`, ties by input
/// order) as sent, keyed by the lead's trimmed, lowercased email. A winning value HubSpot would
/// refuse is never sent, so its property is expected to stay empty (a lead whose winning email is
/// refused has no contact at all).
///
/// Tests compare it with the simulator's contacts; `leadsync bench` with the contacts it reads
/// back after its drain.
///
/// ```swift
/// let expected = ExpectedContacts(changes, mappings: ["email": "email", "first_name": "firstname"])
/// #expect(expected.contacts == harness.contactsByEmail(properties: expected.properties))
/// ```
package struct ExpectedContacts: Sendable {
    /// Email → property → value.
    package let contacts: [String: [String: String]]
    /// The properties compared.
    package let properties: Set<String>
    /// Lead → the email key of its contact, for every lead expected to have one.
    package let leadEmails: [String: String]

    /// `mappings` is field → property; the field mapped to `email` is the identity. `accepts`
    /// says whether HubSpot takes a value for a property (default: every value).
    package init(
        _ changes: [GeneratedChange], mappings: [String: String],
        accepts: (_ property: String, _ value: String) -> Bool = { _, _ in true }
    ) {
        var winners: [String: [String: (at: Int64, order: Int, value: FieldValue)]] = [:]
        for (order, change) in changes.enumerated() {
            for field in change.fields where mappings[field.name] != nil {
                let current = winners[change.lead]?[field.name]
                if current == nil || (change.atMilliseconds, order) > (current!.at, current!.order) {
                    winners[change.lead, default: [:]][field.name] = (change.atMilliseconds, order, field.value)
                }
            }
        }
        var contacts: [String: [String: String]] = [:]
        var leadEmails: [String: String] = [:]
        for (lead, fields) in winners {
            guard let email = fields.first(where: { mappings[$0.key] == "email" })?.value.value,
                !email.isNull, accepts("email", email.wireString)
            else { continue }
            let key = email.wireString.trimmingCharacters(in: .whitespaces).lowercased()
            var properties: [String: String] = [:]
            for (field, winner) in fields {
                let property = mappings[field]!
                guard accepts(property, winner.value.wireString) else { continue }
                properties[property] = property == "email" ? key : winner.value.wireString
            }
            contacts[key] = properties
            leadEmails[lead] = key
        }
        self.contacts = contacts
        self.properties = Set(mappings.values)
        self.leadEmails = leadEmails
    }
}

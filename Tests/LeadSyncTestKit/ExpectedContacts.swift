import Foundation
import LeadSyncSupport
public import LeadSyncWorkload

/// What HubSpot should hold once every change was drained, computed from the input alone: per
/// lead with an email, each mapped property's winning value (latest `at`, ties by input order)
/// as sent, keyed by the lead's trimmed, lowercased email.
///
/// ```swift
/// let expected = ExpectedContacts(changes, mappings: ["email": "email", "first_name": "firstname"])
/// #expect(expected.contacts == harness.contactsByEmail(properties: expected.properties))
/// ```
public struct ExpectedContacts: Sendable {
    /// Email → property → value.
    public let contacts: [String: [String: String]]
    /// The properties compared.
    public let properties: Set<String>

    /// `mappings` is field → property; the field mapped to `email` is the identity.
    public init(_ changes: [GeneratedChange], mappings: [String: String]) {
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
        for fields in winners.values {
            guard let email = fields.first(where: { mappings[$0.key] == "email" })?.value.value,
                !email.isNull
            else { continue }
            let key = email.wireString.trimmingCharacters(in: .whitespaces).lowercased()
            var properties: [String: String] = [:]
            for (field, winner) in fields {
                let property = mappings[field]!
                properties[property] = property == "email" ? key : winner.value.wireString
            }
            contacts[key] = properties
        }
        self.contacts = contacts
        self.properties = Set(mappings.values)
    }
}

import Foundation
package import HubSpotAPI

/// One pull rule as the engine applies it: a condition on one contact property. A contact comes in
/// when it satisfies every filter; no filters means every contact.
///
/// Rules are evaluated here, on the values a pull reads, for the full pull (list paging has no
/// filters) and the incremental one alike, so both bring in exactly the same contacts. Conditions
/// HubSpot's search evaluates the same way are also sent with the search (`searchFilter`) to read
/// fewer contacts; see docs/decisions/0006-pull-rules-evaluated-locally.md.
package struct PullFilter: Sendable, Hashable {
    /// What the property's value must be.
    package enum Condition: Sendable, Hashable {
        /// Equal to the value, compared trimmed and case-insensitively (as HubSpot's `EQ` on text).
        case equals(String)
        /// Equal to one of the values, compared as `equals`.
        case oneOf([String])
        /// Any non-empty value.
        case hasValue
        /// Empty: absent, null or `""`.
        case notSet
        /// A date or datetime strictly after the instant; `text` is the rule as the user wrote it.
        case after(text: String, epochMilliseconds: Int64)
    }

    package let property: String
    package let condition: Condition

    package init(property: String, condition: Condition) {
        self.property = property
        self.condition = condition
    }

    /// Parses a rule in its stored and JSON form (`pull-rules list --json`): `op` one of `eq`, `in`,
    /// `has_value`, `not_set`, `after`, with its values.
    ///
    /// - Throws: `PullError.invalidRule` naming the property and what is wrong.
    package init(property: String, op: String, values: [String]) throws(PullError) {
        func invalid(_ why: String) -> PullError { PullError(.invalidRule, "pull rule on \"\(property)\": \(why)") }
        guard !property.isEmpty else { throw invalid("the property name is empty") }
        switch op {
        case "eq":
            guard values.count == 1 else { throw invalid("eq takes exactly one value, got \(values.count)") }
            self.init(property: property, condition: .equals(values[0]))
        case "in":
            guard !values.isEmpty else { throw invalid("in takes at least one value") }
            self.init(property: property, condition: .oneOf(values))
        case "has_value", "not_set":
            guard values.isEmpty else { throw invalid("\(op) takes no value") }
            self.init(property: property, condition: op == "has_value" ? .hasValue : .notSet)
        case "after":
            guard values.count == 1 else { throw invalid("after takes exactly one date") }
            guard let ms = PropertyInstant.epochMilliseconds(values[0]) else {
                throw invalid("\"\(values[0])\" is not a date (YYYY-MM-DD, RFC 3339 or epoch milliseconds)")
            }
            self.init(property: property, condition: .after(text: values[0], epochMilliseconds: ms))
        default:
            throw invalid("unknown operator \"\(op)\" (eq, in, has_value, not_set, after)")
        }
    }

    /// The operator's name in the stored and JSON form.
    package var op: String {
        switch condition {
        case .equals: "eq"
        case .oneOf: "in"
        case .hasValue: "has_value"
        case .notSet: "not_set"
        case .after: "after"
        }
    }

    /// The values in the stored and JSON form.
    package var values: [String] {
        switch condition {
        case .equals(let value): [value]
        case .oneOf(let values): values
        case .hasValue, .notSet: []
        case .after(let text, _): [text]
        }
    }

    /// Whether a contact whose property has `value` (nil when empty) satisfies this filter.
    package func admits(_ value: String?) -> Bool {
        let value = value.flatMap { $0.isEmpty ? nil : $0 }
        switch condition {
        case .equals(let expected): return value.map { Self.sameText($0, expected) } ?? false
        case .oneOf(let expected): return value.map { v in expected.contains { Self.sameText(v, $0) } } ?? false
        case .hasValue: return value != nil
        case .notSet: return value == nil
        case .after(_, let instant):
            return value.flatMap(PropertyInstant.epochMilliseconds).map { $0 > instant } ?? false
        }
    }

    /// Whether `contact` satisfies every filter of `filters` (true when there are none).
    package static func admit(_ contact: PulledContact, _ filters: [PullFilter]) -> Bool {
        filters.allSatisfy { $0.admits(contact.properties[$0.property]) }
    }

    /// The same condition for HubSpot's search, when search evaluates it exactly as `admits` does;
    /// nil for `eq`/`in`, whose case rules differ at HubSpot between text and enumeration properties
    /// (hubspot-api.md §4.2), so they are only evaluated locally.
    package var searchFilter: ContactSearch.Filter? {
        switch condition {
        case .hasValue: ContactSearch.Filter(propertyName: property, operator: "HAS_PROPERTY")
        case .notSet: ContactSearch.Filter(propertyName: property, operator: "NOT_HAS_PROPERTY")
        case .after(_, let instant):
            ContactSearch.Filter(propertyName: property, operator: "GT", value: String(instant))
        case .equals, .oneOf: nil
        }
    }

    private static func sameText(_ a: String, _ b: String) -> Bool {
        a.trimmingCharacters(in: .whitespaces).lowercased() == b.trimmingCharacters(in: .whitespaces).lowercased()
    }
}

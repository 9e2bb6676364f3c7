import Foundation
import LeadSyncSupport

/// Why a value will not reach HubSpot: HubSpot's own category and message, as local validation
/// says it before spending a request.
package struct Refusal: Sendable, Hashable, Error {
    /// HubSpot's `category`, e.g. `VALIDATION_ERROR`, `OBJECT_NOT_FOUND`.
    package var category: String
    /// HubSpot's `message`, verbatim.
    package var message: String

    package init(category: String, message: String) {
        self.category = category
        self.message = message
    }
}

extension Refusal {
    /// A local refusal of one property value, worded as HubSpot's `VALIDATION_ERROR`
    /// (hubspot-api.md §5.3): `Property values were not valid: [{"isValid":false,...}]`.
    static func invalidProperty(_ property: String, code: String, message: String) -> Refusal {
        let item =
            #"{"isValid":false,"message":"# + JSONText.quoted(message) + #","error":"# + JSONText.quoted(code)
            + #","name":"# + JSONText.quoted(property) + #","localizedErrorMessage":"# + JSONText.quoted(message) + "}"
        return Refusal(
            category: "VALIDATION_ERROR", message: "Property values were not valid: [\(item)]")
    }

    /// The properties a HubSpot validation message names (`"name":"…"` items of the array
    /// HubSpot embeds in the message), so only those values are refused and the rest re-sent.
    static func propertyNames(inValidationMessage message: String) -> [String] {
        guard let start = message.firstIndex(of: "["),
            let data = message[start...].data(using: .utf8),
            let items = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]]
        else { return [] }
        return items.compactMap { $0["name"] as? String }
    }
}

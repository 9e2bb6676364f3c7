import Foundation
package import HubSpotAPI
package import LeadSyncSupport

/// Turns a lead field's value into the string HubSpot receives for a property, or refuses it
/// locally with the category and message HubSpot would answer (hubspot-api.md §5.3, §5.4;
/// cli-contract.md "Values go to HubSpot as strings").
///
/// ```swift
/// ValueConverter.wireValue(.number("0.10"), for: budget)   // .success("0.10")
/// ValueConverter.wireValue(.string("soon"), for: closeDate) // .failure(INVALID_DATE)
/// ```
package enum ValueConverter {
    /// HubSpot's longest string value; longer ones are refused, never truncated.
    package static let maximumStringLength = 65_536

    /// Converts `value` for `definition` (nil: HubSpot has no such property, named `property`).
    package static func wireValue(
        _ value: FieldValue, for definition: PropertyDefinition?, property: String
    ) -> Result<String, Refusal> {
        guard let definition else {
            return .failure(
                .invalidProperty(
                    property, code: "PROPERTY_DOESNT_EXIST", message: "Property \"\(property)\" does not exist"))
        }
        if !definition.isWritable {
            return .failure(
                .invalidProperty(
                    property, code: "READ_ONLY_VALUE",
                    message: "\(property) is a read only property; its value cannot be set."))
        }
        // Every type is cleared the same way.
        if value.isNull { return .success("") }
        let text = value.wireString
        switch definition.type {
        case "number":
            if isBool(value) { return .failure(invalidNumber(text, property)) }
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            return isDecimal(trimmed) ? .success(trimmed) : .failure(invalidNumber(text, property))
        case "bool":
            let lowered = text.lowercased()
            guard lowered == "true" || lowered == "false" else {
                return .failure(
                    .invalidProperty(
                        property, code: "INVALID_BOOLEAN", message: "\(text) was not a valid boolean (true or false)."))
            }
            return .success(lowered)
        case "enumeration":
            return enumerationValue(text, definition)
        case "date":
            return dateValue(value, text, property)
        case "datetime":
            if isBool(value) { return .failure(invalidDatetime(text, property)) }
            return epochMilliseconds(text) != nil ? .success(text) : .failure(invalidDatetime(text, property))
        default:
            if property == "email" {
                guard let email = EmailAddress(text) else { return .failure(invalidEmail(text)) }
                return .success(email.value)
            }
            // HubSpot counts UTF-16 code units.
            let length = text.utf16.count
            guard length <= maximumStringLength else {
                return .failure(
                    .invalidProperty(
                        property, code: "INVALID_STRING_LENGTH",
                        message:
                            "\(property) value is \(length) characters long, the maximum is \(maximumStringLength)."
                    ))
            }
            return .success(text)
        }
    }

    /// HubSpot's refusal of an email value (the lead's identity).
    package static func invalidEmail(_ text: String) -> Refusal {
        .invalidProperty("email", code: "INVALID_EMAIL", message: "Email address \(text) is invalid")
    }

    private static func enumerationValue(_ text: String, _ definition: PropertyDefinition) -> Result<String, Refusal> {
        let allowed = definition.options.map(\.value)
        // Multi-select (checkbox) values are `;`-separated; a leading `;` appends to the set.
        let chosen: [Substring] =
            definition.fieldType == "checkbox"
            ? text.split(separator: ";", omittingEmptySubsequences: true) : [Substring(text)]
        for option in chosen where !allowed.contains(String(option)) {
            return .failure(
                .invalidProperty(
                    definition.name, code: "INVALID_OPTION",
                    message: "\(option) was not one of the allowed options: [\(allowed.joined(separator: ", "))]"))
        }
        return .success(text)
    }

    private static func dateValue(_ value: FieldValue, _ text: String, _ property: String) -> Result<String, Refusal> {
        guard !isBool(value), let ms = epochMilliseconds(text) else { return .failure(invalidDate(text, property)) }
        let remainder = ((ms % 86_400_000) + 86_400_000) % 86_400_000
        guard remainder == 0 else {
            let clock = Timestamp.format(epochMilliseconds: ms).dropFirst(11).dropLast()  // hh:mm:ss.sss
            return .failure(
                .invalidProperty(property, code: "INVALID_DATE", message: "\(text) is at \(clock) UTC, not midnight!"))
        }
        return .success(text)
    }

    /// Epoch milliseconds from digits, a calendar day `YYYY-MM-DD` or an RFC 3339 timestamp: what
    /// HubSpot reads in a date or datetime property.
    private static func epochMilliseconds(_ text: String) -> Int64? {
        if isInteger(text) { return Int64(text) }
        // The RFC 3339 parser checks month lengths and leap years for a bare day too.
        if text.utf8.count == 10 { return Timestamp.parse(text + "T00:00:00Z") }
        return Timestamp.parse(text)
    }

    private static func isBool(_ value: FieldValue) -> Bool {
        if case .bool = value { true } else { false }
    }

    private static func invalidNumber(_ text: String, _ property: String) -> Refusal {
        .invalidProperty(property, code: "INVALID_INTEGER", message: "\(text) was not a valid number.")
    }

    private static func invalidDate(_ text: String, _ property: String) -> Refusal {
        .invalidProperty(property, code: "INVALID_DATE", message: "\(text) was not a valid date.")
    }

    private static func invalidDatetime(_ text: String, _ property: String) -> Refusal {
        .invalidProperty(property, code: "INVALID_DATETIME", message: "\(text) was not a valid datetime.")
    }

    /// Digits with at most one decimal point and an optional leading minus (hubspot-api.md §5.4).
    static func isDecimal(_ text: String) -> Bool {
        var digits = 0
        var points = 0
        for (i, c) in text.utf8.enumerated() {
            if c >= 48 && c <= 57 {
                digits += 1
            } else if c == 46 {
                points += 1
            } else if c == 45 && i == 0 {
                continue
            } else {
                return false
            }
        }
        return digits > 0 && points <= 1
    }

    private static func isInteger(_ text: String) -> Bool {
        let body = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        return !body.isEmpty && body.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }
    }
}

import LeadSyncSupport

/// Checks one property value the way HubSpot does on write, and normalises what it stores
/// (dates to `YYYY-MM-DD`, datetimes to ISO 8601 with milliseconds, emails trimmed).
enum PropertyValidator {
    /// Why one value was refused: `code` is HubSpot's `error`/`code` (e.g. `INVALID_OPTION`).
    struct Problem: Error, Equatable {
        var name: String
        var code: String
        var message: String
    }

    static let maximumStringLength = 65_536

    /// The value to store for `name = value`, or the problem that refuses it. `""` clears a
    /// writable property and is always accepted.
    static func check(
        name: String, value: String, property: SimProperty?, lowercaseEmails: Bool
    ) -> Result<String, Problem> {
        guard let property else {
            return .failure(Problem(name: name, code: "PROPERTY_DOESNT_EXIST", message: "Property \"\(name)\" does not exist"))
        }
        if property.readOnlyValue || property.calculated {
            return .failure(Problem(
                name: name, code: "READ_ONLY_VALUE",
                message: "\(name) is a read only property; its value cannot be set."))
        }
        if value.isEmpty { return .success(value) }
        if value.utf16.count > maximumStringLength {
            return .failure(Problem(
                name: name, code: "INVALID_STRING_LENGTH",
                message: "\(name) value is \(value.utf16.count) characters long, the maximum is \(maximumStringLength)."))
        }
        switch property.type {
        case "number":
            guard isNumber(value) else {
                return .failure(Problem(name: name, code: "INVALID_INTEGER", message: "\(value) was not a valid number."))
            }
            return .success(value)
        case "bool":
            guard value == "true" || value == "false" else {
                return .failure(Problem(
                    name: name, code: "INVALID_BOOLEAN", message: "\(value) was not a valid boolean (true or false)."))
            }
            return .success(value)
        case "date":
            return date(name: name, value: value)
        case "datetime":
            guard let ms = epochMilliseconds(value) else {
                return .failure(Problem(name: name, code: "INVALID_DATETIME", message: "\(value) was not a valid datetime."))
            }
            return .success(Timestamp.format(epochMilliseconds: ms))
        case "enumeration":
            if name == "hs_additional_emails" { return additionalEmails(value, lowercase: lowercaseEmails) }
            let allowed = property.options.map(\.value)
            // Multi-select (checkbox) values are `;`-separated; a leading `;` appends to the set.
            let parts = property.fieldType == "checkbox"
                ? value.split(separator: ";", omittingEmptySubsequences: true).map(String.init) : [value]
            for part in parts where !allowed.contains(part) {
                return .failure(Problem(
                    name: name, code: "INVALID_OPTION",
                    message: "\(part) was not one of the allowed options: [\(allowed.joined(separator: ", "))]"))
            }
            return .success(value)
        default:
            if name == "email" {
                let trimmed = value.trimmingCharacters(in: .whitespaces)
                guard isEmail(trimmed) else {
                    return .failure(Problem(name: name, code: "INVALID_EMAIL", message: "Email address \(value) is invalid"))
                }
                return .success(lowercaseEmails ? trimmed.lowercased() : trimmed)
            }
            return .success(value)
        }
    }

    private static func additionalEmails(_ value: String, lowercase: Bool) -> Result<String, Problem> {
        var emails: [String] = []
        for part in value.split(separator: ";", omittingEmptySubsequences: true) {
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            guard isEmail(trimmed) else {
                return .failure(Problem(
                    name: "hs_additional_emails", code: "INVALID_EMAIL", message: "Email address \(trimmed) is invalid"))
            }
            emails.append(lowercase ? trimmed.lowercased() : trimmed)
        }
        return .success(emails.joined(separator: ";"))
    }

    private static func date(name: String, value: String) -> Result<String, Problem> {
        guard let ms = epochMilliseconds(value) else {
            return .failure(Problem(name: name, code: "INVALID_DATE", message: "\(value) was not a valid date."))
        }
        let dayMs: Int64 = 86_400_000
        let within = ((ms % dayMs) + dayMs) % dayMs
        guard within == 0 else {
            let h = within / 3_600_000, m = within / 60_000 % 60, s = within / 1000 % 60, f = within % 1000
            func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
            let millis = f < 10 ? "00\(f)" : f < 100 ? "0\(f)" : "\(f)"
            return .failure(Problem(
                name: name, code: "INVALID_DATE",
                message: "\(value) is at \(two(h)):\(two(m)):\(two(s)).\(millis) UTC, not midnight!"))
        }
        return .success(String(Timestamp.format(epochMilliseconds: ms).prefix(10)))
    }

    /// Epoch milliseconds from digits, `YYYY-MM-DD`, or an RFC 3339 timestamp.
    static func epochMilliseconds(_ value: String) -> Int64? {
        if let ms = Int64(value) { return ms }
        if value.utf8.count == 10, let ms = Timestamp.parse(value + "T00:00:00Z") { return ms }
        return Timestamp.parse(value)
    }

    /// Digits with at most one decimal point and an optional leading minus.
    static func isNumber(_ value: String) -> Bool {
        var digits = 0
        var points = 0
        for (i, c) in value.utf8.enumerated() {
            switch c {
            case 0x30...0x39: digits += 1
            case 0x2E: points += 1
            case 0x2D where i == 0: continue
            default: return false
            }
        }
        return digits > 0 && points <= 1
    }

    /// Syntax check: one `@`, a non-empty local part, a dotted domain whose last label has two or
    /// more letters, no spaces. HubSpot also checks deliverability; the simulator cannot.
    static func isEmail(_ value: String) -> Bool {
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].utf8.count <= 64, !value.contains(" ") else { return false }
        let labels = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty && !$0.hasPrefix("-") && !$0.hasSuffix("-") }),
            let tld = labels.last, tld.count >= 2, tld.allSatisfy({ $0.isLetter })
        else { return false }
        return parts[1].allSatisfy { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" }
    }
}

import Foundation

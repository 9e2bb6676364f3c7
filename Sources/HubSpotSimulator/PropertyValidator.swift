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

    /// What a property accepts, reduced from its definition so the write path looks up one
    /// small value per property instead of copying a whole ``SimProperty``.
    struct Rule {
        enum Kind { case string, email, number, bool, date, datetime, enumeration, multiEnumeration, additionalEmails }
        var kind: Kind
        var writable: Bool
        var options: [String]

        init(_ property: SimProperty) {
            writable = !property.readOnlyValue && !property.calculated
            options = property.options.map(\.value)
            switch (property.name, property.type) {
            case ("email", _): kind = .email
            case ("hs_additional_emails", _): kind = .additionalEmails
            case (_, "number"): kind = .number
            case (_, "bool"): kind = .bool
            case (_, "date"): kind = .date
            case (_, "datetime"): kind = .datetime
            case (_, "enumeration"): kind = property.fieldType == "checkbox" ? .multiEnumeration : .enumeration
            default: kind = .string
            }
        }
    }

    /// The value to store for `name = value`, or the problem that refuses it. `""` clears a
    /// writable property and is always accepted.
    static func check(
        name: String, value: String, rule: Rule?, lowercaseEmails: Bool
    ) -> Result<String, Problem> {
        guard let rule else {
            return .failure(
                Problem(name: name, code: "PROPERTY_DOESNT_EXIST", message: "Property \"\(name)\" does not exist"))
        }
        if !rule.writable {
            return .failure(
                Problem(
                    name: name, code: "READ_ONLY_VALUE",
                    message: "\(name) is a read only property; its value cannot be set."))
        }
        if value.isEmpty { return .success(value) }
        if value.utf16.count > maximumStringLength {
            return .failure(
                Problem(
                    name: name, code: "INVALID_STRING_LENGTH",
                    message:
                        "\(name) value is \(value.utf16.count) characters long, the maximum is \(maximumStringLength).")
            )
        }
        switch rule.kind {
        case .number:
            guard isNumber(value) else {
                return .failure(
                    Problem(name: name, code: "INVALID_INTEGER", message: "\(value) was not a valid number."))
            }
            return .success(value)
        case .bool:
            guard value == "true" || value == "false" else {
                return .failure(
                    Problem(
                        name: name, code: "INVALID_BOOLEAN",
                        message: "\(value) was not a valid boolean (true or false)."))
            }
            return .success(value)
        case .date:
            return date(name: name, value: value)
        case .datetime:
            guard let ms = epochMilliseconds(value) else {
                return .failure(
                    Problem(name: name, code: "INVALID_DATETIME", message: "\(value) was not a valid datetime."))
            }
            return .success(ISOTimestamp.format(ms))
        case .additionalEmails:
            return additionalEmails(value, lowercase: lowercaseEmails)
        case .enumeration, .multiEnumeration:
            // Multi-select (checkbox) values are `;`-separated; a leading `;` appends to the set.
            let parts =
                rule.kind == .multiEnumeration
                ? value.split(separator: ";", omittingEmptySubsequences: true).map(String.init) : [value]
            for part in parts where !rule.options.contains(part) {
                return .failure(
                    Problem(
                        name: name, code: "INVALID_OPTION",
                        message: "\(part) was not one of the allowed options: [\(rule.options.joined(separator: ", "))]"
                    ))
            }
            return .success(value)
        case .email:
            let trimmed = value.trimmedSpaces
            guard isEmail(trimmed) else {
                return .failure(
                    Problem(name: name, code: "INVALID_EMAIL", message: "Email address \(value) is invalid"))
            }
            return .success(lowercaseEmails ? trimmed.emailKey : trimmed)
        case .string:
            return .success(value)
        }
    }

    private static func additionalEmails(_ value: String, lowercase: Bool) -> Result<String, Problem> {
        var emails: [String] = []
        for part in value.split(separator: ";", omittingEmptySubsequences: true) {
            let trimmed = part.trimmedSpaces
            guard isEmail(trimmed) else {
                return .failure(
                    Problem(
                        name: "hs_additional_emails", code: "INVALID_EMAIL",
                        message: "Email address \(trimmed) is invalid"))
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
            let h = within / 3_600_000
            let m = within / 60_000 % 60
            let s = within / 1000 % 60
            let f = within % 1000
            func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
            let millis = f < 10 ? "00\(f)" : f < 100 ? "0\(f)" : "\(f)"
            return .failure(
                Problem(
                    name: name, code: "INVALID_DATE",
                    message: "\(value) is at \(two(h)):\(two(m)):\(two(s)).\(millis) UTC, not midnight!"))
        }
        return .success(String(ISOTimestamp.format(ms).prefix(10)))
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
        var text = value
        return text.withUTF8(isEmail)
    }

    private static func isEmail(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let at = bytes.firstIndex(of: 0x40), at > 0, at <= 64, bytes.lastIndex(of: 0x40) == at,
            !bytes.contains(0x20), !bytes.contains(0x09)
        else { return false }
        // Domain: dot-separated labels of letters, digits and inner hyphens (non-ASCII allowed for
        // internationalised names); the last label has two or more letters.
        var labelStart = at + 1
        var labels = 0
        var tldLetters = true
        for i in (at + 1)...bytes.count {
            if i == bytes.count || bytes[i] == 0x2E {
                let length = i - labelStart
                guard length > 0, bytes[labelStart] != 0x2D, bytes[i - 1] != 0x2D else { return false }
                labels += 1
                tldLetters =
                    length >= 2 && bytes[labelStart..<i].allSatisfy { ($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A }
                labelStart = i + 1
                continue
            }
            let b = bytes[i]
            let allowed = (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A || b >= 0x30 && b <= 0x39 || b == 0x2D || b >= 0x80
            guard allowed else { return false }
        }
        return labels >= 2 && tldLetters
    }
}

extension PropertyDefinition {
    /// Why HubSpot would refuse `value` for this property, or nil when it would accept it.
    /// The empty string (clearing) is always accepted. Checks the forms of HubSpot's §5.4:
    /// decimal numbers, `true`/`false`, dates at midnight UTC, datetimes, enumeration option
    /// values (`;`-separated for multiple checkboxes).
    package func problem(with value: String) -> String? {
        guard !value.isEmpty else { return nil }
        switch type {
        case "number":
            return Self.isDecimal(value) ? nil : "\"\(value)\" is not a number"
        case "bool":
            return value == "true" || value == "false" ? nil : "\"\(value)\" is not true or false"
        case "date":
            return HubSpotValue.date(value) == nil ? "\"\(value)\" is not a date at midnight UTC" : nil
        case "datetime":
            return HubSpotValue.datetime(value) == nil ? "\"\(value)\" is not a date and time" : nil
        case "enumeration" where fieldType == "booleancheckbox":
            return value == "true" || value == "false" ? nil : "\"\(value)\" is not true or false"
        case "enumeration":
            let allowed = Set(options.map(\.value))
            let parts = fieldType == "checkbox" ? value.split(separator: ";").map(String.init) : [value]
            guard let bad = parts.first(where: { !allowed.contains($0) }) else { return nil }
            return "\"\(bad)\" is not one of the options (\(options.map(\.value).joined(separator: ", ")))"
        default:
            return nil
        }
    }

    /// Digits with at most one decimal point and an optional leading minus.
    private static func isDecimal(_ text: String) -> Bool {
        var digits = 0
        var points = 0
        for (index, c) in text.utf8.enumerated() {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits += 1
            case UInt8(ascii: "."): points += 1
            case UInt8(ascii: "-") where index == 0: break
            default: return false
            }
        }
        return digits > 0 && points <= 1
    }
}

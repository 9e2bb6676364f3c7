/// A record search can filter and sort: contacts and notes.
protocol SearchableRecord {
    var id: String { get }
    /// The value of a property, server-managed ones included.
    func value(_ name: String) -> String?
    /// Ids of the associated records of an object type (`contact`), for `associations.contact`.
    func associatedIds(_ type: String) -> [String]
}

extension SimContact: SearchableRecord {
    func associatedIds(_ type: String) -> [String] { [] }
}

extension SimNote: SearchableRecord {
    func associatedIds(_ type: String) -> [String] { ObjectType(pathSegment: type) == .contacts ? contactIds : [] }
}

/// One search filter, compiled.
struct Filter {
    var property: String
    var type: String
    var op: String
    var value: String?
    var highValue: String?
    var values: [String]

    static let operators: Set<String> = [
        "EQ", "NEQ", "LT", "LTE", "GT", "GTE", "BETWEEN", "IN", "NOT_IN", "HAS_PROPERTY", "NOT_HAS_PROPERTY",
        "CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN",
    ]

    static func parse(_ raw: JSONValue, properties: [String: SimProperty]) -> Result<Filter, InvalidRequest> {
        guard let name = raw["propertyName"]?.stringValue else {
            return .failure(InvalidRequest("A filter needs a propertyName."))
        }
        guard let op = raw["operator"]?.stringValue, operators.contains(op) else {
            return .failure(
                InvalidRequest("Unknown filter operator \(raw["operator"]?.stringValue ?? "(none)") on \(name)."))
        }
        let type = properties[name]?.type ?? (name == "hs_object_id" ? "number" : "string")
        let values = raw["values"]?.arrayValue?.compactMap(\.propertyString) ?? []
        let filter = Filter(
            property: name, type: type, op: op, value: raw["value"]?.propertyString,
            highValue: raw["highValue"]?.propertyString,
            values: values)
        switch op {
        case "HAS_PROPERTY", "NOT_HAS_PROPERTY": break
        case "IN", "NOT_IN": if values.isEmpty { return .failure(InvalidRequest("\(op) on \(name) needs values.")) }
        case "BETWEEN":
            if filter.value == nil || filter.highValue == nil {
                return .failure(InvalidRequest("BETWEEN on \(name) needs value and highValue."))
            }
        default: if filter.value == nil { return .failure(InvalidRequest("\(op) on \(name) needs a value.")) }
        }
        return .success(filter)
    }

    func matches(_ record: some SearchableRecord) -> Bool {
        // `associations.{type}` filters on the ids of associated records (DOC-SEARCH).
        if property.hasPrefix("associations.") {
            let ids = record.associatedIds(String(property.dropFirst("associations.".count)))
            switch op {
            case "EQ": return ids.contains(value!)
            case "NEQ": return !ids.contains(value!)
            case "IN": return values.contains(where: ids.contains)
            case "NOT_IN": return !values.contains(where: ids.contains)
            case "HAS_PROPERTY": return !ids.isEmpty
            case "NOT_HAS_PROPERTY": return ids.isEmpty
            default: return false
            }
        }
        let actual = record.value(property)
        switch op {
        case "HAS_PROPERTY": return actual != nil
        case "NOT_HAS_PROPERTY": return actual == nil
        case "NEQ": return actual == nil || !equal(actual!, value!)
        case "NOT_IN": return actual == nil || !values.contains { equal(actual!, $0) }
        case "NOT_CONTAINS_TOKEN": return actual == nil || !containsToken(actual!, value!)
        default: break
        }
        guard let actual else { return false }
        switch op {
        case "EQ": return equal(actual, value!)
        case "IN": return values.contains { equal(actual, $0) }
        case "LT": return Self.compare(actual, value, type: type) < 0
        case "LTE": return Self.compare(actual, value, type: type) <= 0
        case "GT": return Self.compare(actual, value, type: type) > 0
        case "GTE": return Self.compare(actual, value, type: type) >= 0
        case "BETWEEN":
            return Self.compare(actual, value, type: type) >= 0 && Self.compare(actual, highValue, type: type) <= 0
        case "CONTAINS_TOKEN": return containsToken(actual, value!)
        default: return false
        }
    }

    /// Equality: enumerations case-sensitive, other strings case-insensitive, numbers and dates
    /// by value.
    private func equal(_ actual: String, _ expected: String) -> Bool {
        switch type {
        case "enumeration", "bool": return actual == expected
        case "number", "date", "datetime": return Self.compare(actual, expected, type: type) == 0
        default: return actual.lowercased() == expected.lowercased()
        }
    }

    /// Token match: `*` is a wildcard; tokens split on spaces and punctuation except `@` and `.`.
    private func containsToken(_ actual: String, _ pattern: String) -> Bool {
        let needle = pattern.lowercased()
        let text = actual.lowercased()
        if needle.contains("*") {
            let parts = needle.split(separator: "*", omittingEmptySubsequences: false).map(String.init)
            var index = text.startIndex
            for (i, part) in parts.enumerated() where !part.isEmpty {
                guard let range = text.range(of: part, range: index..<text.endIndex) else { return false }
                if i == 0, range.lowerBound != text.startIndex { return false }
                index = range.upperBound
            }
            return parts.last?.isEmpty ?? true || index == text.endIndex
        }
        if text == needle { return true }
        return text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "-" || $0 == "_" }).contains {
            $0 == needle
        }
    }

    /// Orders two values of a property type; a missing value sorts last.
    static func compare(_ a: String?, _ b: String?, type: String) -> Int {
        guard let a else { return b == nil ? 0 : 1 }
        guard let b else { return -1 }
        switch type {
        case "number":
            if let x = Double(a), let y = Double(b) { return x < y ? -1 : x > y ? 1 : 0 }
        case "date", "datetime":
            if let x = PropertyValidator.epochMilliseconds(a), let y = PropertyValidator.epochMilliseconds(b) {
                return x < y ? -1 : x > y ? 1 : 0
            }
        default:
            break
        }
        let x = a.lowercased()
        let y = b.lowercased()
        return x < y ? -1 : x > y ? 1 : 0
    }
}

/// A JSON document as the simulator reads and writes it.
///
/// The simulator keeps its own JSON code, independent of the HubSpot client's, so a misreading of
/// HubSpot's wire format cannot hide in both. Numbers keep their text; objects keep key order.
enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number as written (`12`, `0.5`, `1e3`).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])
    /// A value already written as JSON text (a rendered record), copied as is when serialised:
    /// records are written straight to bytes instead of through a tree of values per record.
    /// Its members cannot be looked up.
    case raw([UInt8])

    static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.number(let a), .number(let b)): a == b
        case (.string(let a), .string(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)):
            a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case (.raw(let a), .raw(let b)): a == b
        default: false
        }
    }

    /// The member named `key` of an object (first occurrence); nil for other values.
    subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.0 == key }?.1
    }

    var stringValue: String? { if case .string(let s) = self { s } else { nil } }
    var arrayValue: [JSONValue]? { if case .array(let a) = self { a } else { nil } }
    var objectValue: [(String, JSONValue)]? { if case .object(let o) = self { o } else { nil } }
    var boolValue: Bool? { if case .bool(let b) = self { b } else { nil } }
    var isNull: Bool { if case .null = self { true } else { false } }

    /// An integer from a number (or a numeric string, as HubSpot accepts `"after": "10"`).
    var intValue: Int? {
        switch self {
        case .number(let text), .string(let text): Int(text)
        default: nil
        }
    }

    /// The value as HubSpot stores a property: strings as is, numbers as their text, booleans as
    /// `true`/`false`, null as nil.
    var propertyString: String? {
        switch self {
        case .string(let s): s
        case .number(let n): n
        case .bool(let b): b ? "true" : "false"
        default: nil
        }
    }

    /// Serialises to UTF-8 bytes.
    var bytes: [UInt8] {
        // Room for the rendered records up front: a batch answer's buffer is not regrown (and
        // copied) over and over as its hundred records go in.
        var writer = JSONWriter(capacity: 1024 + rawByteCount)
        writer.write(self)
        return writer.bytes
    }

    /// The length of the already written JSON text (``raw``) this value holds.
    private var rawByteCount: Int {
        switch self {
        case .raw(let text): text.count
        case .array(let items): items.reduce(0) { $0 + $1.rawByteCount }
        case .object(let members): members.reduce(0) { $0 + $1.1.rawByteCount }
        default: 0
        }
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    init(stringLiteral value: String) { self = .string(value) }
    init(booleanLiteral value: Bool) { self = .bool(value) }
    init(integerLiteral value: Int) { self = .number(String(value)) }
    init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(elements) }
    init(nilLiteral: ()) { self = .null }

    /// A number from an integer.
    static func int<I: BinaryInteger>(_ value: I) -> JSONValue { .number(String(value)) }
    /// An array of strings.
    static func strings(_ values: [String]) -> JSONValue { .array(values.map(JSONValue.string)) }
}

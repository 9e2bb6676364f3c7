/// A parsed JSON value. Objects keep their keys in input order; numbers keep their decimal text
/// (normalised from exponent form), so `0.10` is never turned into a binary float.
package enum JSONValue: Sendable, Hashable {
    case object([(key: String, value: JSONValue)])
    case array([JSONValue])
    case string(String)
    case number(String)
    case bool(Bool)
    case null

    package static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.object(let a), .object(let b)):
            a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case (.array(let a), .array(let b)): a == b
        case (.string(let a), .string(let b)): a == b
        case (.number(let a), .number(let b)): a == b
        case (.bool(let a), .bool(let b)): a == b
        case (.null, .null): true
        default: false
        }
    }

    package func hash(into hasher: inout Hasher) {
        switch self {
        case .object(let members):
            for member in members {
                hasher.combine(member.key)
                hasher.combine(member.value)
            }
        case .array(let values): hasher.combine(values)
        case .string(let s): hasher.combine(s)
        case .number(let n): hasher.combine(n)
        case .bool(let b): hasher.combine(b)
        case .null: hasher.combine(0)
        }
    }

    /// The field value this JSON value stands for, or nil for arrays and objects.
    package var fieldValue: FieldValue? {
        switch self {
        case .string(let s): .string(s)
        case .number(let n): .number(n)
        case .bool(let b): .bool(b)
        case .null: .null
        case .object, .array: nil
        }
    }
}

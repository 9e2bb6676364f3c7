/// Literals for the values an app writes most: `["email": "ada@example.com", "name": "\(first) \(last)", "seats": 40,
/// "trial": true]`. Fractions have no literal, so their decimal text is never a binary float's:
/// write `.number("12.50")`.
extension FieldValue: ExpressibleByStringInterpolation, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(String(value)) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

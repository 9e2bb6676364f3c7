/// One lead field's value as a change carried it.
///
/// Numbers keep the decimal text they were written with (`0.10` stays `"0.10"`, `1e3` becomes
/// `"1000"`), because HubSpot receives every value as a string and a binary float would change
/// what the user wrote.
public enum FieldValue: Sendable, Hashable {
    case string(String)
    /// Plain decimal text, already normalised from exponent form (`1e3` → `1000`).
    case number(String)
    case bool(Bool)
    /// Clears the field; sent to HubSpot as `""`.
    case null

    /// The string HubSpot receives for this value: numbers as plain decimal text, booleans as
    /// `true`/`false`, null as the empty string that clears a property.
    public var wireString: String {
        switch self {
        case .string(let s): s
        case .number(let n): n
        case .bool(let b): b ? "true" : "false"
        case .null: ""
        }
    }

    public var isNull: Bool { if case .null = self { true } else { false } }
}

public import LeadSyncSupport

/// The compact JSON text a change's fields are stored as: `{"budget":5000,"email":"a@b.c"}`.
///
/// Keys are sorted so one set of fields always has one encoding; numbers are written as their
/// decimal text, so they round-trip exactly.
public enum FieldsCodec {
    /// Encodes fields as a JSON object.
    public static func encode(_ fields: [String: FieldValue]) -> String {
        var out: [UInt8] = [UInt8(ascii: "{")]
        out.reserveCapacity(16 + fields.count * 24)
        for (offset, key) in fields.keys.sorted().enumerated() {
            if offset > 0 { out.append(UInt8(ascii: ",")) }
            appendString(key, to: &out)
            out.append(UInt8(ascii: ":"))
            appendValue(fields[key]!, to: &out)
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    /// Encodes one value as JSON (`"text"`, `5000`, `true`, `null`).
    public static func encode(_ value: FieldValue) -> String {
        var out: [UInt8] = []
        appendValue(value, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes what `encode(_:)` wrote.
    public static func decode(_ text: String) throws(JSONParser.ParseError) -> [String: FieldValue] {
        guard case .object(let members) = try JSONParser.parse(text) else {
            throw JSONParser.ParseError(message: "stored fields are not a JSON object")
        }
        var fields: [String: FieldValue] = [:]
        for member in members {
            guard let value = member.value.fieldValue else {
                throw JSONParser.ParseError(message: "stored field \"\(member.key)\" is not a scalar")
            }
            fields[member.key] = value
        }
        return fields
    }

    /// Decodes what `encode(_ value:)` wrote.
    public static func decodeValue(_ text: String) throws(JSONParser.ParseError) -> FieldValue {
        guard let value = try JSONParser.parse(text).fieldValue else {
            throw JSONParser.ParseError(message: "stored value is not a scalar")
        }
        return value
    }

    static func appendValue(_ value: FieldValue, to out: inout [UInt8]) {
        switch value {
        case .string(let s): appendString(s, to: &out)
        case .number(let n): out.append(contentsOf: n.utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .null: out.append(contentsOf: "null".utf8)
        }
    }

    /// Appends `s` as a JSON string literal.
    public static func appendString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// `s` as a JSON string literal.
    public static func quoted(_ s: String) -> String {
        var out: [UInt8] = []
        appendString(s, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}

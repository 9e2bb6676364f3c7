package import LeadSyncSupport

/// The compact JSON text a change's fields are stored as: `{"budget":5000,"email":"a@b.c"}`.
///
/// Numbers are written as their decimal text, so they round-trip exactly.
package enum FieldsCodec {
    /// Encodes fields as a JSON object.
    package static func encode(_ fields: [String: FieldValue]) -> String {
        var out: [UInt8] = []
        encode(fields, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the JSON object for `fields` to `out`, in their order (a dictionary's, or a
    /// line's): the text of one set of fields may differ between processes, its meaning never
    /// does, and not sorting keeps the append path lean. Each name must come once.
    package static func encode<Fields: Sequence<(key: String, value: FieldValue)>>(
        _ fields: Fields, into out: inout [UInt8]
    ) {
        out.append(UInt8(ascii: "{"))
        var first = true
        for (key, value) in fields {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            JSONText.appendString(key, to: &out)
            out.append(UInt8(ascii: ":"))
            JSONText.appendValue(value, to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    /// Encodes one value as JSON (`"text"`, `5000`, `true`, `null`).
    package static func encode(_ value: FieldValue) -> String {
        var out: [UInt8] = []
        appendValue(value, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes what `encode(_:)` wrote.
    package static func decode(_ text: String) throws(JSONParser.ParseError) -> [String: FieldValue] {
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
    package static func decodeValue(_ text: String) throws(JSONParser.ParseError) -> FieldValue {
        if let value = decodeWithoutEscapes(text) { return value }
        guard let value = try JSONParser.parse(text).fieldValue else {
            throw JSONParser.ParseError(message: "stored value is not a scalar")
        }
        return value
    }

    /// The value of a text `encode(_ value:)` wrote, when it needs no parsing: a string without
    /// escapes, `true`, `false` or `null`.
    /// Nil for anything else (the parser decides). The drain decodes every pending value.
    private static func decodeWithoutEscapes(_ text: String) -> FieldValue? {
        var text = text
        // On the contiguous bytes: the generic `UTF8View` walk was half of what turning a
        // window's leads into pending leads cost (profile of the drain).
        return text.withUTF8 { bytes -> FieldValue? in
            guard let first = bytes.first else { return nil }
            switch first {
            case UInt8(ascii: "\""):
                guard bytes.count >= 2, bytes[bytes.count - 1] == UInt8(ascii: "\""),
                    !bytes.contains(where: { $0 == UInt8(ascii: "\\") || $0 < 0x20 })
                else { return nil }
                let inside = UnsafeBufferPointer(rebasing: bytes[1..<bytes.count - 1])
                return .string(String(decoding: inside, as: UTF8.self))
            case UInt8(ascii: "t") where bytes.elementsEqual("true".utf8): return .bool(true)
            case UInt8(ascii: "f") where bytes.elementsEqual("false".utf8): return .bool(false)
            case UInt8(ascii: "n") where bytes.elementsEqual("null".utf8): return .null
            default: return nil
            }
        }
    }

    static func appendValue(_ value: FieldValue, to out: inout [UInt8]) { JSONText.appendValue(value, to: &out) }

    static func appendString(_ s: String, to out: inout [UInt8]) { JSONText.appendString(s, to: &out) }

    /// `s` as a JSON string literal.
    package static func quoted(_ s: String) -> String { JSONText.quoted(s) }
}

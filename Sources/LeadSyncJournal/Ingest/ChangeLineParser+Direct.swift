internal import LeadSyncSupport

extension ChangeLineParser {
    /// The usual line read straight from its bytes into a change, without building a JSON tree:
    /// an object of `lead`, `at` and `fields` whose strings have no `\u` escape, whose numbers
    /// have no exponent and whose field values are scalars. Parsing was most of an ingest's time once its
    /// fold visited each lead once (docs/benchmarks.md, issue 10, eighth pass).
    ///
    /// - Returns: nil for any other line, valid or not: ``parse(_:defaultAt:)`` then parses it
    ///   the general way, which gives the same change for every line this accepts, and the
    ///   error for every invalid one.
    static func parseDirect(_ bytes: UnsafeBufferPointer<UInt8>, defaultAt: Int64) -> IngestLine? {
        var scanner = DirectScanner(bytes: bytes)
        var lead: String?
        var at: Int64?
        var fields: [String: FieldValue]?
        guard scanner.take(UInt8(ascii: "{")) else { return nil }
        repeat {
            guard let (key, _) = scanner.plainString() else { return nil }
            guard scanner.take(UInt8(ascii: ":")) else { return nil }
            switch key.count {
            case 4
            where key[0] == UInt8(ascii: "l") && key[1] == UInt8(ascii: "e") && key[2] == UInt8(ascii: "a")
                && key[3] == UInt8(ascii: "d"):
                guard lead == nil, let id = scanner.string(), ChangeRules.leadProblem(id) == nil else { return nil }
                lead = id
            case 2 where key[0] == UInt8(ascii: "a") && key[1] == UInt8(ascii: "t"):
                guard at == nil, let ms = scanner.at(), ChangeRules.atProblem(ms) == nil else { return nil }
                at = ms
            case 6 where key.elementsEqual(Self.fieldsKey):
                guard fields == nil, let parsed = scanner.fields() else { return nil }
                fields = parsed
            default:
                return nil
            }
        } while scanner.take(UInt8(ascii: ","))
        guard scanner.take(UInt8(ascii: "}")), scanner.atEnd, let lead, let fields else { return nil }
        return IngestLine(change: LeadChange(lead: lead, fields: fields, atMilliseconds: at ?? defaultAt))
    }

    private static let fieldsKey = Array("fields".utf8)
}

/// Reads the tokens of the usual line; every method returns nil (or false) for what it does not
/// expect, leaving the line to the general parser.
private struct DirectScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    var atEnd: Bool {
        mutating get {
            skipWhitespace()
            return index == bytes.count
        }
    }

    mutating func skipWhitespace() {
        while index < bytes.count,
            bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0A
                || bytes[index] == 0x0D
        {
            index += 1
        }
    }

    /// Skips whitespace, then `byte` when it is next.
    mutating func take(_ byte: UInt8) -> Bool {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    /// A string without escapes or control characters, as its bytes (not yet checked as UTF-8),
    /// and whether they are all ASCII.
    mutating func plainString() -> (bytes: UnsafeBufferPointer<UInt8>, ascii: Bool)? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = index
        var high: UInt8 = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return (UnsafeBufferPointer(rebasing: bytes[start..<index - 1]), high < 0x80)
            }
            guard byte >= 0x20, byte != UInt8(ascii: "\\") else { return nil }
            high |= byte
            index += 1
        }
        return nil
    }

    /// A string, nil when it is not valid UTF-8 or has a `\u` escape (ASCII needs no check).
    mutating func string() -> String? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = index
        var high: UInt8 = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                let text = UnsafeBufferPointer(rebasing: bytes[start..<index - 1])
                return high < 0x80 ? String(decoding: text, as: UTF8.self) : String(validating: text, as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") { return escapedString(from: start) }
            guard byte >= 0x20 else { return nil }
            high |= byte
            index += 1
        }
        return nil
    }

    /// The rest of a string from its first escape at `index` (it began at `start`).
    private mutating func escapedString(from start: Int) -> String? {
        var utf8 = Array(bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""): return String(validating: utf8, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { return nil }
                let escaped = bytes[index]
                index += 1
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escaped)
                case UInt8(ascii: "b"): utf8.append(0x08)
                case UInt8(ascii: "f"): utf8.append(0x0C)
                case UInt8(ascii: "n"): utf8.append(0x0A)
                case UInt8(ascii: "r"): utf8.append(0x0D)
                case UInt8(ascii: "t"): utf8.append(0x09)
                default: return nil
                }
            case ..<0x20: return nil
            default: utf8.append(byte)
            }
        }
        return nil
    }

    /// `at`: whole epoch milliseconds, or an RFC 3339 string.
    mutating func at() -> Int64? {
        skipWhitespace()
        guard index < bytes.count else { return nil }
        if bytes[index] == UInt8(ascii: "\"") {
            // A timestamp is ASCII: other bytes make it no timestamp, whatever their encoding.
            guard let (text, _) = plainString() else { return nil }
            return Timestamp.parse(utf8: text)
        }
        guard let number = number(), !number.contains(UInt8(ascii: ".")) else { return nil }
        return Int64(String(decoding: number, as: UTF8.self))
    }

    /// A number without an exponent (the general parser rewrites one as plain decimal text), in
    /// JSON's grammar, as its bytes.
    mutating func number() -> UnsafeBufferPointer<UInt8>? {
        let start = index
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else { return nil }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            let fraction = index
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            guard index > fraction else { return nil }
        }
        if index < bytes.count,
            isDigit(bytes[index]) || bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")
        {
            return nil
        }
        return UnsafeBufferPointer(rebasing: bytes[start..<index])
    }

    /// `fields`: an object of non-empty names, each once, with scalar values.
    mutating func fields() -> [String: FieldValue]? {
        guard take(UInt8(ascii: "{")) else { return nil }
        var fields: [String: FieldValue] = [:]
        if take(UInt8(ascii: "}")) { return fields }
        repeat {
            guard let key = string(), !key.isEmpty, take(UInt8(ascii: ":")), let value = value(),
                fields.updateValue(value, forKey: key) == nil
            else { return nil }
        } while take(UInt8(ascii: ","))
        guard take(UInt8(ascii: "}")) else { return nil }
        return fields
    }

    /// A field's value: a string, a number, `true`, `false` or `null`.
    mutating func value() -> FieldValue? {
        skipWhitespace()
        guard index < bytes.count else { return nil }
        switch bytes[index] {
        case UInt8(ascii: "\""): return string().map { .string($0) }
        case UInt8(ascii: "t"): return literal("true") ? .bool(true) : nil
        case UInt8(ascii: "f"): return literal("false") ? .bool(false) : nil
        case UInt8(ascii: "n"): return literal("null") ? .null : nil
        default: return number().map { .number(String(decoding: $0, as: UTF8.self)) }
        }
    }

    private mutating func literal(_ text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        for offset in 0..<count where bytes[index + offset] != text.utf8Start[offset] { return false }
        index += count
        return true
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}

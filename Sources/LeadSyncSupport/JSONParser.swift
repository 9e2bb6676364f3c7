/// The one strict JSON parser of the journal, the CLI and the engine, over UTF-8 bytes (RFC 8259).
/// (The simulator keeps its own, so it stays independent of the code it tests.)
///
/// Beyond the grammar it refuses duplicate keys in an object (which value would win is not
/// defined by JSON), and it keeps numbers as decimal text: `1e3` becomes `"1000"`, `0.10` stays
/// `"0.10"`. Errors name what was found and its byte offset.
package struct JSONParser {
    /// Why a text is not acceptable JSON.
    package struct ParseError: Error, CustomStringConvertible, Sendable, Equatable {
        package let message: String
        package init(message: String) { self.message = message }
        package var description: String { message }
    }

    /// Maximum nesting depth; lead changes are two levels deep, so a deep document is an attack
    /// or a mistake.
    static let maxDepth = 64

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0

    private init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// Parses one JSON document that must fill `bytes` (surrounding whitespace allowed).
    package static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(ParseError) -> JSONValue {
        var parser = JSONParser(bytes)
        parser.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw parser.failure("unexpected text after the JSON value") }
        return value
    }

    /// Parses one JSON document held in a string.
    package static func parse(_ text: String) throws(ParseError) -> JSONValue {
        var text = text
        let result = text.withUTF8 { buffer in
            Result<JSONValue, ParseError> { () throws(ParseError) -> JSONValue in try parse(buffer) }
        }
        return try result.get()
    }

    // MARK: Reading token by token

    /// A parser that reads `bytes` token by token, for a caller that knows the shape it expects
    /// and builds its own value instead of a ``JSONValue`` tree (an ingest's change lines,
    /// HubSpot's answers). Each
    /// read throws what ``parse(_:)`` would for the same bytes.
    package init(reading bytes: UnsafeBufferPointer<UInt8>) { self.init(bytes) }

    /// Skips whitespace, then takes `byte` (punctuation such as `{` or `,`) when it comes next.
    package mutating func take(_ byte: UInt8) -> Bool {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    /// Skips whitespace; the next byte, not taken, or nil at the end.
    package mutating func peek() -> UInt8? {
        skipWhitespace()
        return index < bytes.count ? bytes[index] : nil
    }

    /// Skips whitespace, then reads a string.
    package mutating func readString() throws(ParseError) -> String {
        guard peek() == UInt8(ascii: "\"") else { throw failure("expected a quoted string") }
        return try parseString()
    }

    /// Skips whitespace, then reads a value of any kind (numbers as decimal text).
    package mutating func readValue() throws(ParseError) -> JSONValue {
        _ = peek()
        return try parseValue(depth: 0)
    }

    /// Skips whitespace, then reads a value of any kind and drops it, throwing what
    /// ``readValue()`` would: for a reader that wants only some of an object's members (the
    /// properties a caller asked for). A string of ASCII without escapes and a number without an
    /// exponent, the usual scalars, are passed over without making a value.
    package mutating func skipValue() throws(ParseError) {
        // The end of input, as any other byte, goes to parseValue, which says what is wrong.
        switch peek() ?? 0 {
        case UInt8(ascii: "\""):
            if let end = plainStringEnd() { index = end } else { _ = try parseString() }
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            _ = try scanNumber()
        default:
            _ = try parseValue(depth: 0)
        }
    }

    /// Skips whitespace, then reads a scalar (a string, a number, `true`, `false` or `null`) and
    /// appends to `out` the compact JSON text ``JSONText/appendValue(_:to:)`` writes for the value
    /// read: the bytes as they are for the usual scalar (a string of ASCII without escapes, a
    /// number without an exponent), so a caller that stores JSON text needs no value in between.
    ///
    /// - Returns: false, having read nothing, when an object or an array comes next.
    package mutating func readScalarText(into out: inout [UInt8]) throws(ParseError) -> Bool {
        guard let first = peek() else { throw failure("unexpected end of input") }
        let start = index
        switch first {
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            return false
        case UInt8(ascii: "\""):
            if let end = plainStringEnd() {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<end]))
                index = end
            } else {
                JSONText.appendString(try parseString(), to: &out)
            }
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            if let rewritten = try scanNumber() {
                out.append(contentsOf: rewritten.utf8)
            } else {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
            }
        default:
            // A literal, or what parseValue refuses with its message.
            switch try parseValue(depth: 0) {
            case .bool(let flag): out.append(contentsOf: (flag ? "true" : "false").utf8)
            default: out.append(contentsOf: "null".utf8)
            }
        }
        return true
    }

    /// Where the string starting at `index` ends (after its closing quote) when it is ASCII
    /// without escapes or control characters: its JSON text is then its bytes as they are. Nil
    /// for any other string (``parseString()`` reads it, or says what is wrong).
    private func plainStringEnd() -> Int? {
        var end = index + 1
        while end < bytes.count {
            let byte = bytes[end]
            if byte == UInt8(ascii: "\"") { return end + 1 }
            if byte == UInt8(ascii: "\\") || byte < 0x20 || byte >= 0x80 { return nil }
            end += 1
        }
        return nil
    }

    // MARK: The grammar

    private mutating func parseValue(depth: Int) throws(ParseError) -> JSONValue {
        guard index < bytes.count else { throw failure("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw failure("unexpected \(describe(bytes[index]))")
        }
    }

    private mutating func parseObject(depth: Int) throws(ParseError) -> JSONValue {
        guard depth <= Self.maxDepth else { throw failure("nesting deeper than \(Self.maxDepth)") }
        index += 1
        var members: [(key: String, value: JSONValue)] = []
        var seen = Set<String>()
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                throw failure("expected a quoted key")
            }
            let keyOffset = index
            let key = try parseString()
            guard seen.insert(key).inserted else {
                throw ParseError(message: "duplicate key \"\(key)\" at byte \(keyOffset + 1)")
            }
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw failure("expected ':'") }
            index += 1
            skipWhitespace()
            members.append((key, try parseValue(depth: depth)))
            skipWhitespace()
            guard index < bytes.count else { throw failure("unterminated object") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
            } else if bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(members)
            } else {
                throw failure("expected ',' or '}'")
            }
        }
    }

    private mutating func parseArray(depth: Int) throws(ParseError) -> JSONValue {
        guard depth <= Self.maxDepth else { throw failure("nesting deeper than \(Self.maxDepth)") }
        index += 1
        var values: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(values)
        }
        while true {
            skipWhitespace()
            values.append(try parseValue(depth: depth))
            skipWhitespace()
            guard index < bytes.count else { throw failure("unterminated array") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
            } else if bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(values)
            } else {
                throw failure("expected ',' or ']'")
            }
        }
    }

    private mutating func parseString() throws(ParseError) -> String {
        let start = index
        index += 1
        // Only a string with escapes is copied before it becomes a String; one of ASCII alone
        // needs no UTF-8 validation.
        var unescaped: [UInt8]?
        var runStart = index
        var high: UInt8 = 0
        while true {
            guard index < bytes.count else {
                throw ParseError(message: "unterminated string starting at byte \(start + 1)")
            }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let run = UnsafeBufferPointer(rebasing: bytes[runStart..<index])
                index += 1
                let string: String?
                if var utf8 = unescaped {
                    utf8.append(contentsOf: run)
                    string = String(validating: utf8, as: UTF8.self)
                } else if high < 0x80 {
                    string = String(decoding: run, as: UTF8.self)
                } else {
                    string = String(validating: run, as: UTF8.self)
                }
                guard let string else {
                    throw ParseError(message: "string starting at byte \(start + 1) is not valid UTF-8")
                }
                return string
            }
            if byte < 0x20 {
                throw failure(byte == 0 ? "NUL byte inside a string" : "unescaped control character in a string")
            }
            if byte == UInt8(ascii: "\\") {
                var utf8 = unescaped.take() ?? []
                utf8.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                try parseEscape(into: &utf8)
                unescaped = utf8
                runStart = index
            } else {
                high |= byte
                index += 1
            }
        }
    }

    private mutating func parseEscape(into utf8: inout [UInt8]) throws(ParseError) {
        index += 1
        guard index < bytes.count else { throw failure("unterminated escape") }
        let escaped = bytes[index]
        index += 1
        switch escaped {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escaped)
        case UInt8(ascii: "b"): utf8.append(0x08)
        case UInt8(ascii: "f"): utf8.append(0x0C)
        case UInt8(ascii: "n"): utf8.append(0x0A)
        case UInt8(ascii: "r"): utf8.append(0x0D)
        case UInt8(ascii: "t"): utf8.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try parseHex4()
            if (0xD800...0xDBFF).contains(scalar) {
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                else { throw failure("unpaired surrogate escape") }
                index += 2
                let low = try parseHex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw failure("unpaired surrogate escape") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw failure("unpaired surrogate escape")
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw failure("invalid \\u escape") }
            utf8.append(contentsOf: Array(String(Character(unicode)).utf8))
        default:
            index -= 1
            throw failure("invalid escape \\\(describe(escaped))")
        }
    }

    private mutating func parseHex4() throws(ParseError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw failure("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw failure("invalid hex digit in \\u escape")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    private mutating func parseNumber() throws(ParseError) -> String {
        let start = index
        if let rewritten = try scanNumber() { return rewritten }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
    }

    /// Reads a number: nil when its text as written is its decimal text (no exponent), else the
    /// plain decimal text it stands for.
    private mutating func scanNumber() throws(ParseError) -> String? {
        let negative = bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        let integerStart = index
        guard index < bytes.count, isDigit(bytes[index]) else { throw failure("invalid number") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count, isDigit(bytes[index]) { throw failure("leading zero in a number") }
        } else {
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        let integerEnd = index
        var fractionDigits = index..<index
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            let fractionStart = index
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            guard index > fractionStart else { throw failure("digit expected after '.'") }
            fractionDigits = fractionStart..<index
        }
        guard index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") else {
            return nil
        }
        index += 1
        var exponentNegative = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            exponentNegative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        let exponentStart = index
        var exponent = 0
        while index < bytes.count, isDigit(bytes[index]) {
            exponent = exponent * 10 + Int(bytes[index] - UInt8(ascii: "0"))
            guard exponent <= 1000 else { throw failure("number exponent out of range") }
            index += 1
        }
        guard index > exponentStart else { throw failure("digit expected in exponent") }
        return Self.plainDecimal(
            negative: negative, integer: Array(bytes[integerStart..<integerEnd]),
            fraction: Array(bytes[fractionDigits]),
            exponent: exponentNegative ? -exponent : exponent)
    }

    /// Rewrites `d.ddd × 10^exponent` as plain decimal text without going through a float.
    static func plainDecimal(negative: Bool, integer: [UInt8], fraction: [UInt8], exponent: Int) -> String {
        let digits = integer + fraction
        var point = integer.count + exponent
        var padded = digits
        if point > padded.count { padded += Array(repeating: UInt8(ascii: "0"), count: point - padded.count) }
        if point < 0 {
            padded = Array(repeating: UInt8(ascii: "0"), count: -point) + padded
            point = 0
        }
        var whole = Array(padded[..<point])
        let fractional = Array(padded[point...])
        while whole.count > 1, whole.first == UInt8(ascii: "0") { whole.removeFirst() }
        if whole.isEmpty { whole = [UInt8(ascii: "0")] }
        var text = negative ? "-" : ""
        text += String(decoding: whole, as: UTF8.self)
        if !fractional.isEmpty { text += "." + String(decoding: fractional, as: UTF8.self) }
        return text
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(ParseError) {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw failure("invalid literal") }
        for offset in 0..<count where bytes[index + offset] != literal.utf8Start[offset] {
            throw failure("invalid literal")
        }
        index += count
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private func describe(_ byte: UInt8) -> String {
        (0x21..<0x7F).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
    }

    private func failure(_ message: String) -> ParseError {
        ParseError(message: "\(message) at byte \(index + 1)")
    }
}

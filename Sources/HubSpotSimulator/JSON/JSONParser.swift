/// Parses JSON text into a ``JSONValue``, reporting where it broke the way HubSpot's 400 for
/// malformed bodies does ("… on line 3, column 9: …").
struct JSONParser {
    /// Where and why the text is not JSON.
    struct Failure: Error {
        var line: Int
        var column: Int
        var reason: String
        /// HubSpot's wording for an unreadable body (its 400 carries no category).
        var hubSpotMessage: String { "Invalid input JSON on line \(line), column \(column): \(reason)" }
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var depth = 0

    private init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// Parses a whole document; trailing non-space text is an error.
    static func parse(_ data: [UInt8]) throws(Failure) -> JSONValue {
        let result: Result<JSONValue, Failure> = data.withUnsafeBufferPointer { buffer in
            var parser = JSONParser(buffer)
            do throws(Failure) {
                let value = try parser.parseValue()
                parser.skipSpace()
                guard parser.index == buffer.count else {
                    throw parser.failure("Unexpected character after the document")
                }
                return .success(value)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private func failure(_ reason: String) -> Failure {
        var line = 1
        var column = 1
        for i in 0..<min(index, bytes.count) {
            if bytes[i] == 0x0A {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return Failure(line: line, column: column, reason: reason)
    }

    private mutating func skipSpace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func parseValue() throws(Failure) -> JSONValue {
        skipSpace()
        guard index < bytes.count else { throw failure("Unexpected end-of-input") }
        switch bytes[index] {
        case 0x7B: return try parseObject()
        case 0x5B: return try parseArray()
        case 0x22: return .string(try parseString())
        case 0x74:
            try expect("true")
            return .bool(true)
        case 0x66:
            try expect("false")
            return .bool(false)
        case 0x6E:
            try expect("null")
            return .null
        case 0x2D, 0x30...0x39: return try parseNumber()
        default: throw failure("Unexpected character ('\(Character(Unicode.Scalar(bytes[index])))')")
        }
    }

    private mutating func expect(_ word: StaticString) throws(Failure) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw failure("Unexpected end-of-input") }
        for i in 0..<count where bytes[index + i] != word.utf8Start[i] {
            throw failure("Unrecognized token: was expecting \(word)")
        }
        index += count
    }

    private mutating func nest() throws(Failure) {
        depth += 1
        guard depth <= 512 else { throw failure("Document nested too deeply") }
    }

    private mutating func parseObject() throws(Failure) -> JSONValue {
        try nest()
        defer { depth -= 1 }
        index += 1
        var members: [(String, JSONValue)] = []
        skipSpace()
        if index < bytes.count, bytes[index] == 0x7D {
            index += 1
            return .object(members)
        }
        // Room for a typical object (a batch input, its properties): grown from empty, each
        // object's members were reallocated three or four times.
        members.reserveCapacity(8)
        while true {
            skipSpace()
            guard index < bytes.count, bytes[index] == 0x22 else {
                throw failure("Unexpected character: was expecting double-quote to start field name")
            }
            let key = try parseString()
            skipSpace()
            guard index < bytes.count, bytes[index] == 0x3A else {
                throw failure("Unexpected character: was expecting a colon to separate field name and value")
            }
            index += 1
            members.append((key, try parseValue()))
            skipSpace()
            guard index < bytes.count else {
                throw failure("Unexpected end-of-input: expected close marker for Object")
            }
            if bytes[index] == 0x2C {
                index += 1
            } else if bytes[index] == 0x7D {
                index += 1
                return .object(members)
            } else {
                throw failure("Unexpected character: was expecting comma to separate Object entries")
            }
        }
    }

    private mutating func parseArray() throws(Failure) -> JSONValue {
        try nest()
        defer { depth -= 1 }
        index += 1
        var items: [JSONValue] = []
        skipSpace()
        if index < bytes.count, bytes[index] == 0x5D {
            index += 1
            return .array(items)
        }
        while true {
            items.append(try parseValue())
            skipSpace()
            guard index < bytes.count else { throw failure("Unexpected end-of-input: expected close marker for Array") }
            if bytes[index] == 0x2C {
                index += 1
            } else if bytes[index] == 0x5D {
                index += 1
                return .array(items)
            } else {
                throw failure("Unexpected character: was expecting comma to separate Array entries")
            }
        }
    }

    private mutating func parseNumber() throws(Failure) -> JSONValue {
        let start = index
        if bytes[index] == 0x2D { index += 1 }
        func digits(_ p: inout JSONParser) -> Int {
            let s = p.index
            while p.index < p.bytes.count, p.bytes[p.index] >= 0x30, p.bytes[p.index] <= 0x39 { p.index += 1 }
            return p.index - s
        }
        guard digits(&self) > 0 else { throw failure("Invalid numeric value") }
        if index < bytes.count, bytes[index] == 0x2E {
            index += 1
            guard digits(&self) > 0 else {
                throw failure("Invalid numeric value: decimal point not followed by a digit")
            }
        }
        if index < bytes.count, bytes[index] == 0x65 || bytes[index] == 0x45 {
            index += 1
            if index < bytes.count, bytes[index] == 0x2B || bytes[index] == 0x2D { index += 1 }
            guard digits(&self) > 0 else { throw failure("Invalid numeric value: exponent without digits") }
        }
        return .number(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
    }

    private mutating func parseString() throws(Failure) -> String {
        index += 1
        let start = index
        // Fast path: no escapes.
        while index < bytes.count {
            let c = bytes[index]
            if c == 0x22 {
                let s = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                index += 1
                return s
            }
            if c == 0x5C { break }
            if c < 0x20 { throw failure("Illegal unquoted character in a string") }
            index += 1
        }
        var out = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let c = bytes[index]
            if c == 0x22 {
                index += 1
                return String(decoding: out, as: UTF8.self)
            }
            if c < 0x20 { throw failure("Illegal unquoted character in a string") }
            if c != 0x5C {
                out.append(c)
                index += 1
                continue
            }
            index += 1
            guard index < bytes.count else { break }
            let e = bytes[index]
            index += 1
            switch e {
            case 0x22: out.append(0x22)
            case 0x5C: out.append(0x5C)
            case 0x2F: out.append(0x2F)
            case 0x62: out.append(0x08)
            case 0x66: out.append(0x0C)
            case 0x6E: out.append(0x0A)
            case 0x72: out.append(0x0D)
            case 0x74: out.append(0x09)
            case 0x75:
                var scalar = try hex4()
                if (0xD800..<0xDC00).contains(scalar) {
                    guard index + 1 < bytes.count, bytes[index] == 0x5C, bytes[index + 1] == 0x75 else {
                        throw failure("Unpaired surrogate in a string")
                    }
                    index += 2
                    let low = try hex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw failure("Unpaired surrogate in a string") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let unicode = Unicode.Scalar(scalar) else { throw failure("Invalid unicode escape") }
                out.append(contentsOf: String(Character(unicode)).utf8)
            default: throw failure("Unrecognized character escape")
            }
        }
        throw failure("Unexpected end-of-input in a string")
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        guard index + 4 <= bytes.count else { throw failure("Unexpected end-of-input in a unicode escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[index]
            let digit: UInt32
            switch c {
            case 0x30...0x39: digit = UInt32(c - 0x30)
            case 0x41...0x46: digit = UInt32(c - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(c - 0x61 + 10)
            default: throw failure("Invalid unicode escape")
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }
}

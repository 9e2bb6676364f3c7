import LeadSyncSupport
import Testing

@Suite struct JSONParserTests {
    @Test(arguments: [
        ("5000", "5000"), ("0.10", "0.10"), ("1e3", "1000"), ("1E+3", "1000"), ("1.5e2", "150"), ("1.25e1", "12.5"),
        ("1e-2", "0.01"), ("-2.5e-3", "-0.0025"), ("0e5", "0"), ("-0", "-0"),
        ("12345678901234567890123", "12345678901234567890123"),
    ])
    func numbersKeepDecimalTextAndLoseTheirExponent(_ input: String, _ expected: String) throws {
        #expect(try JSONParser.parse(input) == .number(expected))
    }

    @Test(arguments: ["01", "1.", ".5", "1e", "--1", "+1", "0x10", "NaN", "1e1001"])
    func malformedNumbersAreRefused(_ input: String) {
        #expect(throws: JSONParser.ParseError.self) { try JSONParser.parse(input) }
    }

    @Test(arguments: [
        #""plain ascii""#, #""a\"b\\c\/d\n""#, #""Zoë \u00e9 \ud83d\ude00""#, "\"\u{1F600}\"", "12", "-0.50", "1.5e2",
        "1E-2", "true", "false", "null",
    ])
    func aScalarReadAsTextIsTheTextOfItsValue(_ input: String) throws {
        // What a caller storing JSON text gets is what encoding the value read gives.
        var bytes = Array(("  " + input + " ,").utf8)
        let (text, value, next) = try bytes.withUnsafeMutableBufferPointer { buffer in
            var parser = JSONParser(reading: UnsafeBufferPointer(buffer))
            var text: [UInt8] = []
            let read = try parser.readScalarText(into: &text)
            #expect(read)
            return (text, try JSONParser.parse(input), parser.peek())
        }
        var expected: [UInt8] = []
        JSONText.appendValue(try #require(value.fieldValue), to: &expected)
        #expect(String(decoding: text, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
        #expect(next == UInt8(ascii: ","))
    }

    @Test func aScalarReadAsTextLeavesObjectsAndArraysUnread() throws {
        for input in ["{\"a\":1}", "[1]"] {
            var bytes = Array(input.utf8)
            let (read, text, next) = try bytes.withUnsafeMutableBufferPointer { buffer in
                var parser = JSONParser(reading: UnsafeBufferPointer(buffer))
                var text: [UInt8] = []
                let read = try parser.readScalarText(into: &text)
                return (read, text, parser.peek())
            }
            #expect(!read && text.isEmpty && next == input.utf8.first)
        }
    }

    @Test(arguments: [
        #""plain ascii""#, #""a\"b\\c\/d\n""#, #""Zoë \u00e9 \ud83d\ude00""#, "12", "-0.50", "1.5e2", "true", "null",
        #"{"a":[1,{"b":"c"}]}"#, "[]",
    ])
    func aSkippedValueLeavesTheParserAfterIt(_ input: String) throws {
        var bytes = Array(("  " + input + " ,").utf8)
        let next = try bytes.withUnsafeMutableBufferPointer { buffer in
            var parser = JSONParser(reading: UnsafeBufferPointer(buffer))
            try parser.skipValue()
            return parser.peek()
        }
        #expect(next == UInt8(ascii: ","))
    }

    @Test(arguments: [
        "\"unterminated", "\"bad \\q escape\"", "\"control \u{01}\"", "01", "1.", "1e", "nul", "{\"a\":1,\"a\":2}",
        "",
    ])
    func aSkippedValueIsRefusedAsReadingItWouldBe(_ input: String) throws {
        func error(_ read: (inout JSONParser) throws -> Void) -> JSONParser.ParseError? {
            var bytes = Array(input.utf8)
            return bytes.withUnsafeMutableBufferPointer { buffer in
                var parser = JSONParser(reading: UnsafeBufferPointer(buffer))
                do {
                    try read(&parser)
                    return nil
                } catch { return error as? JSONParser.ParseError }
            }
        }
        let refusal = try #require(error { _ = try $0.readValue() })
        #expect(error { try $0.skipValue() } == refusal)
    }

    @Test func stringsDecodeEscapesAndSurrogatePairs() throws {
        #expect(try JSONParser.parse(#""a\"b\\c\/d\n\u00e9\ud83d\ude00""#) == .string("a\"b\\c/d\né😀"))
    }

    @Test func objectsKeepKeyOrderAndRefuseDuplicates() throws {
        let value = try JSONParser.parse(#"{"b": 1, "a": [true, null]}"#)
        #expect(value == .object([("b", .number("1")), ("a", .array([.bool(true), .null]))]))
        #expect(throws: JSONParser.ParseError(message: #"duplicate key "a" at byte 10"#)) {
            try JSONParser.parse(#"{"a": 1, "a": 2}"#)
        }
    }

    @Test func deepNestingIsRefused() {
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: JSONParser.ParseError.self) { try JSONParser.parse(deep) }
    }

    @Test func textRoundTrips() throws {
        let text = #"{"lead":"L-1","fields":{"note":"line\nbreak \"quoted\"","n":0.10,"ok":false,"gone":null}}"#
        #expect(try JSONParser.parse(text).text == text)
    }
}

@Suite struct JSONValueTextTests {
    @Test func booleansAndIntegersPrintAsJSON() {
        #expect(JSONValue.object([("created", .bool(true)), ("n", .integer(3))]).text == #"{"created":true,"n":3}"#)
        #expect(JSONValue.bool(false).text == "false")
    }
}

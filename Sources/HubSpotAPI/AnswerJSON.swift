import Foundation
import LeadSyncHTTP
import LeadSyncSupport

/// An answer HubSpot sent that is JSON but not of the shape the client reads.
struct UnreadableAnswer: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension HubSpotHTTP {
    /// Reads an answer's body with `reader`, token by token from the hand-written parser (no tree:
    /// batch answers are the drain's hot path, and their tree was a sixteenth of an unthrottled
    /// sync). `reader` reads one JSON value, which must be the whole body. What cannot be read is
    /// an error to retry, like any other damaged answer (``decode(_:from:operation:)``).
    func read<T>(_ response: HTTPResponse, operation: String, _ reader: (inout JSONParser) throws -> T) throws -> T {
        do {
            return try response.body.withUnsafeBytes { raw in
                var json = JSONParser(reading: raw.bindMemory(to: UInt8.self))
                let value = try reader(&json)
                guard json.peek() == nil else { throw UnreadableAnswer("text after the answer's JSON") }
                return value
            }
        } catch {
            throw HubSpotError(
                status: response.status, message: "\(operation): unreadable response body (\(error))",
                correlationId: response.headers["X-HubSpot-Correlation-Id"], classification: .retryLater(after: nil))
        }
    }
}

extension JSONParser {
    /// Reads an object (`what` names it in errors), calling `member` with each key and the
    /// parser positioned at its value, which `member` must read.
    static func readObject(
        _ json: inout JSONParser, _ what: String, _ member: (String, inout JSONParser) throws -> Void
    ) throws {
        guard json.take(UInt8(ascii: "{")) else { throw UnreadableAnswer("\(what) is not an object") }
        if json.take(UInt8(ascii: "}")) { return }
        repeat {
            let key = try json.readString()
            guard json.take(UInt8(ascii: ":")) else { throw UnreadableAnswer("no `:` after \"\(key)\" in \(what)") }
            try member(key, &json)
        } while json.take(UInt8(ascii: ","))
        guard json.take(UInt8(ascii: "}")) else { throw UnreadableAnswer("\(what) does not end with `}`") }
    }

    /// Reads an array (`what` names it in errors), each element with `element`; null is empty.
    static func readArray<T>(_ json: inout JSONParser, _ what: String, _ element: (inout JSONParser) throws -> T)
        throws -> [T]
    {
        if json.peek() == UInt8(ascii: "n") {
            guard try json.readValue() == .null else { throw UnreadableAnswer("\(what) is not an array") }
            return []
        }
        guard json.take(UInt8(ascii: "[")) else { throw UnreadableAnswer("\(what) is not an array") }
        var elements: [T] = []
        if json.take(UInt8(ascii: "]")) { return elements }
        repeat { elements.append(try element(&json)) } while json.take(UInt8(ascii: ","))
        guard json.take(UInt8(ascii: "]")) else { throw UnreadableAnswer("\(what) does not end with `]`") }
        return elements
    }
}

extension JSONValue {
    /// The value of an object's member `key`.
    subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// A string, or a number's or boolean's text; nil for null, arrays and objects.
    var scalarText: String? {
        switch self {
        case .string(let text), .number(let text): text
        case .bool(let flag): flag ? "true" : "false"
        case .null, .array, .object: nil
        }
    }
}

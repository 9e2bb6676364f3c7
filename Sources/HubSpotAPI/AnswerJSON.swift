import Foundation
import LeadSyncHTTP
import LeadSyncSupport

/// An answer HubSpot sent that is JSON but not of the shape the client reads.
struct UnreadableAnswer: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension HubSpotHTTP {
    /// Parses an answer's body with the hand-written parser and reads it with `reader`. What cannot
    /// be read is an error to retry, like any other damaged answer (``decode(_:from:operation:)``).
    func read<T>(_ response: HTTPResponse, operation: String, _ reader: (JSONValue) throws -> T) throws -> T {
        do {
            let json = try response.body.withUnsafeBytes { raw in
                try JSONParser.parse(raw.bindMemory(to: UInt8.self))
            }
            return try reader(json)
        } catch {
            throw HubSpotError(
                status: response.status, message: "\(operation): unreadable response body (\(error))",
                correlationId: response.headers["X-HubSpot-Correlation-Id"], classification: .retryLater(after: nil))
        }
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

    /// The elements of an array member, each read by `reader`; none when the member is absent.
    func elements<T>(of key: String, _ reader: (JSONValue) throws -> T) throws -> [T] {
        switch self[key] {
        case nil, .null?: return []
        case .array(let values)?: return try values.map(reader)
        default: throw UnreadableAnswer("`\(key)` is not an array")
        }
    }
}

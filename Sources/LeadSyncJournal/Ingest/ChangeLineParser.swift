internal import LeadSyncSupport

/// Turns one NDJSON line into a `LeadChange`, or says exactly why it cannot.
///
/// `{"lead": "L-1042", "at": "2026-11-28T10:15:00Z", "fields": {"email": "ada@example.com"}}`:
/// `lead` is a non-empty string; `at` is epoch milliseconds (an integer) or RFC 3339 with an
/// offset, and defaults to the time of ingest; `fields` maps names to strings, numbers,
/// booleans or null.
public enum ChangeLineParser {
    /// Parses `bytes` (one line, without its newline).
    public static func parse(_ bytes: [UInt8], defaultAt: Int64) -> Result<LeadChange, IngestLineError> {
        if bytes.contains(0) { return .failure(IngestLineError("line contains a NUL byte")) }
        guard String(validating: bytes, as: UTF8.self) != nil else {
            return .failure(IngestLineError("line is not valid UTF-8"))
        }
        let value: JSONValue
        do {
            value = try bytes.withUnsafeBufferPointer { buffer throws(JSONParser.ParseError) in
                try JSONParser.parse(buffer)
            }
        } catch {
            return .failure(IngestLineError("invalid JSON: \(error.message)"))
        }
        return change(from: value, defaultAt: defaultAt)
    }

    static func change(from value: JSONValue, defaultAt: Int64) -> Result<LeadChange, IngestLineError> {
        guard case .object(let members) = value else {
            return .failure(IngestLineError("expected a JSON object"))
        }
        var lead: String?
        var at = defaultAt
        var fields: [String: FieldValue]?
        for member in members {
            switch member.key {
            case "lead":
                guard case .string(let id) = member.value else {
                    return .failure(IngestLineError("\"lead\" must be a string"))
                }
                if let problem = ChangeRules.leadProblem(id) { return .failure(problem) }
                lead = id
            case "at":
                switch member.value {
                case .number(let text):
                    guard let ms = Int64(text) else {
                        return .failure(IngestLineError("\"at\" must be whole epoch milliseconds, not \(text)"))
                    }
                    at = ms
                case .string(let text):
                    guard let ms = Timestamp.parse(text) else {
                        return .failure(
                            IngestLineError("\"at\" is not an RFC 3339 timestamp with an offset: \(FieldsCodec.quoted(text))"))
                    }
                    at = ms
                default:
                    return .failure(IngestLineError("\"at\" must be a string or a number"))
                }
                if let problem = ChangeRules.atProblem(at) { return .failure(problem) }
            case "fields":
                guard case .object(let entries) = member.value else {
                    return .failure(IngestLineError("\"fields\" must be an object"))
                }
                var parsed: [String: FieldValue] = [:]
                for entry in entries {
                    guard !entry.key.isEmpty else { return .failure(IngestLineError("a field name is empty")) }
                    guard let field = entry.value.fieldValue else {
                        return .failure(
                            IngestLineError("field \"\(entry.key)\" must be a string, number, boolean or null"))
                    }
                    parsed[entry.key] = field
                }
                fields = parsed
            default:
                return .failure(IngestLineError("unknown key \"\(member.key)\" (expected lead, at, fields)"))
            }
        }
        guard let lead else { return .failure(IngestLineError("missing \"lead\"")) }
        guard let fields else { return .failure(IngestLineError("missing \"fields\"")) }
        return .success(LeadChange(lead: lead, fields: fields, atMilliseconds: at))
    }
}

/// Why one input line was not appended.
public struct IngestLineError: Error, Sendable, Hashable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

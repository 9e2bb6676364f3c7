internal import LeadSyncSupport

/// One valid NDJSON line: a lead change, a conversation entry, or both.
package struct IngestLine: Sendable, Hashable {
    /// The line's `fields`; nil when it has none.
    package var change: EncodedChange?
    /// The line's `message` and/or `summary`; nil when it has neither.
    package var conversation: ConversationEntry?

    package init(change: EncodedChange?, conversation: ConversationEntry? = nil) {
        self.change = change
        self.conversation = conversation
    }
}

/// Turns one NDJSON line into a lead change and/or a conversation entry, or says exactly why it
/// cannot.
///
/// `{"lead": "L-1042", "at": "2026-11-28T10:15:00Z", "fields": {"email": "ada@example.com"}}`:
/// `lead` is a non-empty string; `at` is epoch milliseconds (an integer) or RFC 3339 with an
/// offset, and defaults to the time of ingest; `fields` maps names to strings, numbers,
/// booleans or null. Conversation data (cli-contract.md "Conversation data"): `conversation`
/// (the id, required with `message` or `summary`), `message` (`{"id"?, "from", "text"}`) and
/// `summary` (a string, or null to remove it). A line needs `fields`, `message` or `summary`.
package enum ChangeLineParser {
    /// Parses `bytes` (one line, without its newline).
    package static func parse(_ bytes: ArraySlice<UInt8>, defaultAt: Int64) -> Result<IngestLine, IngestLineError> {
        if let line = bytes.withUnsafeBufferPointer({ parseDirect($0, defaultAt: defaultAt) }) { return .success(line) }
        return parseTree(Array(bytes), defaultAt: defaultAt)
    }

    /// Parses `bytes` (one line, without its newline).
    package static func parse(_ bytes: [UInt8], defaultAt: Int64) -> Result<IngestLine, IngestLineError> {
        parse(bytes[...], defaultAt: defaultAt)
    }

    /// Parses `bytes` through a JSON tree: every line, valid or not (``parse(_:defaultAt:)`` reads
    /// the usual line without one, to the same change).
    package static func parseTree(_ bytes: [UInt8], defaultAt: Int64) -> Result<IngestLine, IngestLineError> {
        let value: JSONValue
        do {
            value = try bytes.withUnsafeBufferPointer { buffer throws(JSONParser.ParseError) in
                try JSONParser.parse(buffer)
            }
        } catch {
            // What is wrong with the line as a whole is said before what is wrong with its JSON.
            // A line that parses holds neither: the parser validates every string's UTF-8 and
            // allows only ASCII outside strings.
            if bytes.contains(0) { return .failure(IngestLineError("line contains a NUL byte")) }
            guard String(validating: bytes, as: UTF8.self) != nil else {
                return .failure(IngestLineError("line is not valid UTF-8"))
            }
            return .failure(IngestLineError("invalid JSON: \(error.message)"))
        }
        return change(from: value, defaultAt: defaultAt)
    }

    static func change(from value: JSONValue, defaultAt: Int64) -> Result<IngestLine, IngestLineError> {
        guard case .object(let members) = value else {
            return .failure(IngestLineError("expected a JSON object"))
        }
        var lead: String?
        var at = defaultAt
        var fields: [UInt8]?
        var conversation: String?
        var message: ConversationEntry.Message?
        var summary: ConversationEntry.Summary?
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
                            IngestLineError(
                                "\"at\" is not an RFC 3339 timestamp with an offset: \(FieldsCodec.quoted(text))"))
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
                var parsed: [(key: String, value: FieldValue)] = []
                for entry in entries {
                    guard !entry.key.isEmpty else { return .failure(IngestLineError("a field name is empty")) }
                    guard let field = entry.value.fieldValue else {
                        return .failure(
                            IngestLineError("field \"\(entry.key)\" must be a string, number, boolean or null"))
                    }
                    parsed.append((entry.key, field))
                }
                // In the line's order, as the direct parse writes them (the parser refuses a
                // repeated name).
                var text: [UInt8] = []
                FieldsCodec.encode(parsed, into: &text)
                fields = text
            case "conversation":
                guard case .string(let id) = member.value else {
                    return .failure(IngestLineError("\"conversation\" must be a string"))
                }
                conversation = id
            case "message":
                switch Self.message(from: member.value) {
                case .success(let parsed): message = parsed
                case .failure(let error): return .failure(error)
                }
            case "summary":
                switch member.value {
                case .string(let text): summary = .set(text)
                case .null: summary = .remove
                default: return .failure(IngestLineError("\"summary\" must be a string or null"))
                }
            default:
                return .failure(
                    IngestLineError(
                        "unknown key \"\(member.key)\" (expected lead, at, fields, conversation, message, summary)"))
            }
        }
        guard let lead else { return .failure(IngestLineError("missing \"lead\"")) }
        var entry: ConversationEntry?
        if message != nil || summary != nil {
            guard let conversation else {
                return .failure(IngestLineError("\"conversation\" is required with \"message\" or \"summary\""))
            }
            let candidate = ConversationEntry(
                lead: lead, conversation: conversation, atMilliseconds: at, message: message, summary: summary)
            if let problem = candidate.problem { return .failure(IngestLineError(problem)) }
            entry = candidate
        } else if conversation != nil {
            return .failure(IngestLineError("\"conversation\" needs \"message\" or \"summary\""))
        }
        guard fields != nil || entry != nil else {
            return .failure(IngestLineError("missing \"fields\" (a line needs fields, message or summary)"))
        }
        return .success(
            IngestLine(
                change: fields.map { EncodedChange(lead: lead, atMilliseconds: at, fields: $0) }, conversation: entry))
    }

    /// `{"id"?: string, "from": string, "text": string}`.
    private static func message(from value: JSONValue) -> Result<ConversationEntry.Message, IngestLineError> {
        guard case .object(let members) = value else {
            return .failure(IngestLineError("\"message\" must be an object"))
        }
        var id: String?
        var from: String?
        var text: String?
        for member in members {
            guard case .string(let string) = member.value else {
                return .failure(IngestLineError("message \"\(member.key)\" must be a string"))
            }
            switch member.key {
            case "id": id = string
            case "from": from = string
            case "text": text = string
            default: return .failure(IngestLineError("unknown message key \"\(member.key)\" (expected id, from, text)"))
            }
        }
        guard let from else { return .failure(IngestLineError("message needs \"from\"")) }
        guard let text else { return .failure(IngestLineError("message needs \"text\"")) }
        return .success(.init(id: id, from: from, text: text))
    }
}

/// Why one input line was not appended.
package struct IngestLineError: Error, Sendable, Hashable, CustomStringConvertible {
    package let message: String
    package init(_ message: String) { self.message = message }
    package var description: String { message }
}

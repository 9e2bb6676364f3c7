internal import LeadSyncSupport

extension ChangeLineParser {
    /// The usual line read token by token into a change, without building a JSON tree: an object
    /// of `lead`, `at` and `fields` whose field values are scalars. Parsing was most of an
    /// ingest's time once its fold visited each lead once (docs/benchmarks.md, issue 10, eighth
    /// pass). The tokens come from the one ``JSONParser``, so strings and numbers read as in the tree.
    ///
    /// - Returns: nil for any other line, valid or not: ``parseTree(_:defaultAt:)`` then parses it
    ///   the general way, which gives the same change for every line this accepts, and the error
    ///   for every invalid one.
    static func parseDirect(_ bytes: UnsafeBufferPointer<UInt8>, defaultAt: Int64) -> IngestLine? {
        var json = JSONParser(reading: bytes)
        var lead: String?
        var at: Int64?
        var fields: [String: FieldValue]?
        do throws(JSONParser.ParseError) {
            guard json.take(UInt8(ascii: "{")) else { return nil }
            repeat {
                let key = try json.readString()
                guard json.take(UInt8(ascii: ":")) else { return nil }
                switch key {
                case "lead":
                    guard lead == nil, case .string(let id) = try json.readValue(), ChangeRules.leadProblem(id) == nil
                    else { return nil }
                    lead = id
                case "at":
                    guard at == nil, let ms = Self.milliseconds(try json.readValue()), ChangeRules.atProblem(ms) == nil
                    else { return nil }
                    at = ms
                case "fields":
                    guard fields == nil, let read = try Self.fields(&json) else { return nil }
                    fields = read
                default:
                    return nil
                }
            } while json.take(UInt8(ascii: ","))
            guard json.take(UInt8(ascii: "}")), json.peek() == nil else { return nil }
        } catch {
            return nil
        }
        guard let lead, let fields else { return nil }
        return IngestLine(change: LeadChange(lead: lead, fields: fields, atMilliseconds: at ?? defaultAt))
    }

    /// `at` as the tree reads it: whole epoch milliseconds, or an RFC 3339 string.
    private static func milliseconds(_ value: JSONValue) -> Int64? {
        switch value {
        case .number(let text): Int64(text)
        case .string(let text): Timestamp.parse(text)
        default: nil
        }
    }

    /// `fields`: an object of non-empty names, each once, with scalar values.
    private static func fields(_ json: inout JSONParser) throws(JSONParser.ParseError) -> [String: FieldValue]? {
        guard json.take(UInt8(ascii: "{")) else { return nil }
        var fields: [String: FieldValue] = [:]
        if json.take(UInt8(ascii: "}")) { return fields }
        repeat {
            let name = try json.readString()
            guard !name.isEmpty, json.take(UInt8(ascii: ":")) else { return nil }
            let value: FieldValue
            switch try json.readValue() {
            case .string(let text): value = .string(text)
            case .number(let text): value = .number(text)
            case .bool(let flag): value = .bool(flag)
            case .null: value = .null
            case .object, .array: return nil
            }
            guard fields.updateValue(value, forKey: name) == nil else { return nil }
        } while json.take(UInt8(ascii: ","))
        return json.take(UInt8(ascii: "}")) ? fields : nil
    }
}

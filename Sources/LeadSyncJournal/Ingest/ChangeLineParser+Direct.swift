internal import LeadSyncSupport

extension ChangeLineParser {
    /// The usual line read token by token into a change, without building a JSON tree, its
    /// fields straight into the text the journal stores (``EncodedChange``): an object
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
        // The fields' text, as the journal stores it: one allocation for the whole line.
        var fields: [UInt8] = []
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
                    guard fields.isEmpty else { return nil }
                    fields.reserveCapacity(bytes.count)
                    guard try Self.fields(&json, into: &fields) else { return nil }
                default:
                    return nil
                }
            } while json.take(UInt8(ascii: ","))
            guard json.take(UInt8(ascii: "}")), json.peek() == nil else { return nil }
        } catch {
            return nil
        }
        guard let lead, !fields.isEmpty else { return nil }
        return IngestLine(change: EncodedChange(lead: lead, atMilliseconds: at ?? defaultAt, fields: fields))
    }

    /// `at` as the tree reads it: whole epoch milliseconds, or an RFC 3339 string.
    private static func milliseconds(_ value: JSONValue) -> Int64? {
        switch value {
        case .number(let text): Int64(text)
        case .string(let text): Timestamp.parse(text)
        default: nil
        }
    }

    /// Fields in one line at most for the direct parse (it checks names for repeats among them).
    private static let maxFields = 64

    /// `fields`, an object of non-empty names, each once, with scalar values, appended to `out`
    /// as compact JSON text in the order read; false for any other value.
    private static func fields(_ json: inout JSONParser, into out: inout [UInt8]) throws(JSONParser.ParseError)
        -> Bool
    {
        guard json.take(UInt8(ascii: "{")) else { return false }
        out.append(UInt8(ascii: "{"))
        defer { out.append(UInt8(ascii: "}")) }
        if json.take(UInt8(ascii: "}")) { return true }
        // Where each name's text is in `out` (equal names have equal text), on the stack.
        return try withUnsafeTemporaryAllocation(of: Range<Int>.self, capacity: maxFields) {
            names throws(JSONParser.ParseError) -> Bool in
            var count = 0
            repeat {
                guard json.peek() == UInt8(ascii: "\""), count < maxFields else { return false }
                if count > 0 { out.append(UInt8(ascii: ",")) }
                let start = out.count
                _ = try json.readScalarText(into: &out)
                let name = start..<out.count
                // `""` is the empty name.
                guard name.count > 2, json.take(UInt8(ascii: ":")) else { return false }
                for earlier in names[..<count] where out[earlier].elementsEqual(out[name]) { return false }
                names[count] = name
                count += 1
                out.append(UInt8(ascii: ":"))
                guard try json.readScalarText(into: &out) else { return false }
            } while json.take(UInt8(ascii: ","))
            return json.take(UInt8(ascii: "}"))
        }
    }
}

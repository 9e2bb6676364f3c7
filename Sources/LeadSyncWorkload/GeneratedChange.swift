public import LeadSyncSupport

/// One generated lead change, shaped like an ingest line.
public struct GeneratedChange: Sendable, Hashable {
    public var lead: String
    public var atMilliseconds: Int64
    /// Fields in a stable order, so the NDJSON text is reproducible.
    public var fields: [Field]

    public struct Field: Sendable, Hashable {
        public var name: String
        public var value: FieldValue
    }

    /// The change as one NDJSON line (without the newline), as `leadsync ingest` reads it.
    public var ndjsonLine: String {
        var out: [UInt8] = []
        out.reserveCapacity(96 + fields.count * 32)
        out.append(contentsOf: #"{"lead":"#.utf8)
        JSONText.appendString(lead, to: &out)
        out.append(contentsOf: #","at":"#.utf8)
        JSONText.appendString(Timestamp.format(epochMilliseconds: atMilliseconds), to: &out)
        out.append(contentsOf: #","fields":{"#.utf8)
        for (offset, field) in fields.enumerated() {
            if offset > 0 { out.append(UInt8(ascii: ",")) }
            JSONText.appendString(field.name, to: &out)
            out.append(UInt8(ascii: ":"))
            JSONText.appendValue(field.value, to: &out)
        }
        out.append(contentsOf: "}}".utf8)
        return String(decoding: out, as: UTF8.self)
    }

    /// The fields as a dictionary (the journal's `LeadChange` shape).
    public var fieldDictionary: [String: FieldValue] {
        Dictionary(fields.map { ($0.name, $0.value) }, uniquingKeysWith: { _, last in last })
    }
}

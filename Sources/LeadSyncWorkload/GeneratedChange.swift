package import LeadSyncSupport

/// One generated lead change, shaped like an ingest line.
package struct GeneratedChange: Sendable, Hashable {
    package var lead: String
    package var atMilliseconds: Int64
    /// Fields in a stable order, so the NDJSON text is reproducible.
    package var fields: [Field]

    package struct Field: Sendable, Hashable {
        package var name: String
        package var value: FieldValue
    }

    /// The change as one NDJSON line (without the newline), as `leadsync ingest` reads it.
    package var ndjsonLine: String {
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
    package var fieldDictionary: [String: FieldValue] {
        Dictionary(fields.map { ($0.name, $0.value) }, uniquingKeysWith: { _, last in last })
    }
}

/// A lead change as the journal's `change` row holds it: the lead, `at`, and the fields as the
/// compact JSON object text of ``FieldsCodec``, each name once. An ingest reads the usual line
/// straight into this form, so no dictionary and no string per value is made for it, and the
/// journal's append and the sort of the ingest's changes take the text as it is
/// (docs/benchmarks.md, issue 10, eleventh pass).
///
/// Two encodings of the same fields in another order are different values; their meaning is
/// the same (``decoded()``).
package struct EncodedChange: Sendable, Hashable {
    /// The lead's own id.
    package var lead: String
    /// When the change happened, in milliseconds since 1970-01-01T00:00:00Z.
    package var atMilliseconds: Int64
    /// `{"email":"a@b.c","budget":5000}`: the fields as compact JSON text.
    package var fields: [UInt8]

    /// `fields` must be compact JSON object text as ``FieldsCodec`` writes it.
    package init(lead: String, atMilliseconds: Int64, fields: [UInt8]) {
        self.lead = lead
        self.atMilliseconds = atMilliseconds
        self.fields = fields
    }

    package init(_ change: LeadChange) {
        var fields: [UInt8] = []
        FieldsCodec.encode(change.fields, into: &fields)
        self.init(lead: change.lead, atMilliseconds: change.atMilliseconds, fields: fields)
    }

    /// The change with its fields decoded.
    package func decoded() throws -> LeadChange {
        LeadChange(
            lead: lead, fields: try FieldsCodec.decode(String(decoding: fields, as: UTF8.self)),
            atMilliseconds: atMilliseconds)
    }

    /// Calls `body` with each field's name and value as the text holds them: the name as a
    /// quoted JSON string, the value as JSON text, in the order written.
    package func forEachField(
        _ body: (_ name: UnsafeBufferPointer<UInt8>, _ value: UnsafeBufferPointer<UInt8>) throws -> Void
    ) rethrows {
        try fields.withUnsafeBufferPointer { text in
            // Compact text, as FieldsCodec writes it: no whitespace, and a string ends at the
            // first quote that is not escaped.
            func stringEnd(_ start: Int) -> Int {
                var end = start + 1
                while text[end] != UInt8(ascii: "\"") { end += text[end] == UInt8(ascii: "\\") ? 2 : 1 }
                return end + 1
            }
            var index = 1
            while text[index] != UInt8(ascii: "}") {
                let nameEnd = stringEnd(index)
                let valueStart = nameEnd + 1
                var valueEnd = valueStart
                if text[valueStart] == UInt8(ascii: "\"") {
                    valueEnd = stringEnd(valueStart)
                } else {
                    while text[valueEnd] != UInt8(ascii: ",") && text[valueEnd] != UInt8(ascii: "}") { valueEnd += 1 }
                }
                try body(
                    UnsafeBufferPointer(rebasing: text[index..<nameEnd]),
                    UnsafeBufferPointer(rebasing: text[valueStart..<valueEnd]))
                index = text[valueEnd] == UInt8(ascii: ",") ? valueEnd + 1 : valueEnd
            }
        }
    }
}

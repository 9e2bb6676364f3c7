internal import LeadSyncSupport

/// Changes held in one byte buffer, as the fold needs them: each change's lead, `at`, and every
/// field's name and value as the compact JSON text derived state stores (`FieldsCodec`).
///
/// An ingest keeps a whole fold window of its changes between folds (decision 0020). Held as
/// `LeadChange`s (a dictionary and its strings per change) that costs about 400 bytes a change;
/// packed, about a quarter of that, which is what lets the window be large enough to write each
/// lead page once per many batches (decision 0029).
struct PackedChanges {
    private var bytes: [UInt8] = []
    /// Where each change starts in `bytes`.
    private var starts: [Int] = []
    /// Scratch for one value's text, reused.
    private var value: [UInt8] = []

    var count: Int { starts.count }
    var isEmpty: Bool { starts.isEmpty }

    mutating func append(_ change: LeadChange) {
        starts.append(bytes.count)
        BlobWriter.string(change.lead, &bytes)
        BlobWriter.integer(change.atMilliseconds, &bytes)
        BlobWriter.count(change.fields.count, &bytes)
        for (name, field) in change.fields {
            BlobWriter.string(name, &bytes)
            value.removeAll(keepingCapacity: true)
            JSONText.appendValue(field, to: &value)
            BlobWriter.count(value.count, &bytes)
            bytes.append(contentsOf: value)
        }
    }

    /// Empties the buffer, keeping its capacity for the next window.
    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        starts.removeAll(keepingCapacity: true)
    }

    /// The lead of change `index`.
    func lead(at index: Int) throws -> String {
        try bytes.withUnsafeBytes { buffer in
            var reader = BlobReader(bytes: buffer, index: starts[index])
            return try reader.string()
        }
    }

    /// Calls `body` with change `index`: its lead, `at` and fields (name, value as compact JSON
    /// text).
    func change(at index: Int, _ body: (String, Int64, [(name: String, value: String)]) throws -> Void) throws {
        try bytes.withUnsafeBytes { buffer in
            var reader = BlobReader(bytes: buffer, index: starts[index])
            let lead = try reader.string()
            let at = try reader.integer()
            var fields: [(name: String, value: String)] = []
            for _ in 0..<(try reader.count()) {
                fields.append((try reader.string(), try reader.string()))
            }
            try body(lead, at, fields)
        }
    }
}

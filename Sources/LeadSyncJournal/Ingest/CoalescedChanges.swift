internal import LeadSyncSupport

/// The changes an ingest appended since its last fold, coalesced per lead as the fold would
/// coalesce them: for each field of each lead, only the value that wins (the latest `at`; on a
/// tie the later seq), with that change's seq and `at` (decision 0042).
///
/// The fold keeps the winner of a field among the stored value and every change in seq order,
/// so folding the window's winners gives the same lead as folding each of its changes. What this
/// buys: a lead changed many times in a window is read, decoded, encoded and written once, and
/// the window's memory grows with the leads it touches, not with the changes, so one window can
/// span a whole ingest of a lead set whose fields fit in its capacity.
///
/// Each lead's record (key, then per field: name, value as the compact JSON text derived state
/// stores, seq, `at`) is one stretch of a single byte buffer of fixed capacity. A lead changed
/// again gets a new record at the end; the old one is garbage until the buffer is compacted in
/// place.
struct CoalescedChanges {
    /// One field of a record in `bytes`: its name's number, and the whole field (name, value,
    /// seq and `at`, encoded) to copy when it is kept.
    private struct HeldField {
        var name: Int
        var encoded: Range<Int>
        var at: Int64
    }

    /// The bytes of records the window holds at most; one record larger than this still fits
    /// an empty window.
    let capacity: Int
    /// The records: each lead's key, the order it appeared in the window (new leads get their
    /// ids in that order), its fields (each name by its number in `names`).
    private var bytes: [UInt8] = []
    /// The field names of the window's records, numbered in order of appearance: a record
    /// holds a name's number, a byte where the name took ten, so more leads fit the capacity.
    private var names: [String] = []
    private var numbers: [String: Int] = [:]
    /// The bytes of `names`, counted in the window's capacity.
    private var namesSize = 0
    private var garbage = 0
    /// Each lead's current record, found by its key: open addressing over the keys in `bytes`,
    /// each bucket the record's offset + 1 (0: empty). Four bytes a bucket where a dictionary of
    /// strings took 32, for the 10^5 leads a window holds (decision 0042).
    private var buckets = [Int32](repeating: 0, count: 1 << 10)
    /// Leads in the window.
    private var leads = 0
    /// A bucket whose lead's record is being replaced while the buffer is compacted: probes pass
    /// over it, and its old record is garbage.
    private static let replacing = Int32.max
    /// Scratch, reused: the fields of the lead's record being replaced, the record being built,
    /// a value's JSON text.
    private var held: [HeldField] = []
    private var changed: [(name: Int, value: FieldValue)] = []
    private var record: [UInt8] = []
    private var value: [UInt8] = []

    /// Changes added since the window was last emptied.
    private(set) var changes = 0
    var isEmpty: Bool { changes == 0 }

    init(capacity: Int) {
        precondition(capacity < Int(Int32.max) / 2, "a window's offsets are 32-bit")
        self.capacity = capacity
    }

    /// Adds `change`, appended with sequence number `seq` (larger than every seq added before).
    ///
    /// - Returns: false, adding nothing, when the window is full: the records it holds and this
    ///   change's would not fit its capacity. An empty window takes any change.
    mutating func add(_ change: LeadChange, seq: Int64) throws -> Bool {
        if bytes.capacity < capacity { bytes.reserveCapacity(capacity) }
        held.removeAll(keepingCapacity: true)
        let bucket = try find(change.lead)
        let previous = buckets[bucket] == 0 ? nil : Int(buckets[bucket] - 1)
        var appearance = leads
        var replaced = 0
        if let previous { (appearance, replaced) = try readRecord(at: previous) }
        encodeRecord(change, appearance: appearance, seq: seq)
        let fits = namesSize + bytes.count + record.count <= capacity
        // Compacting pays when it frees a quarter of the buffer; short of that the window is full.
        let fitsCompacted =
            namesSize + bytes.count - garbage - replaced + record.count <= capacity
            && garbage + replaced >= capacity / 4
        let alone = leads == (previous == nil ? 0 : 1)
        guard fits || fitsCompacted || alone else { return false }
        garbage += replaced
        if !fits {
            // The lead's old record goes with the rest of the garbage; its bucket stays put.
            buckets[bucket] = Self.replacing
            try compact()
        }
        buckets[bucket] = Int32(bytes.count + 1)
        bytes.append(contentsOf: record)
        changes += 1
        if previous == nil {
            leads += 1
            if leads * 2 > buckets.count { try grow() }
        }
        return true
    }

    /// Empties the window, keeping its buffers for the next one.
    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        names.removeAll(keepingCapacity: true)
        numbers.removeAll(keepingCapacity: true)
        namesSize = 0
        for index in buckets.indices { buckets[index] = 0 }
        leads = 0
        garbage = 0
        changes = 0
    }

    /// Calls `body` for each lead, in the order `rank` gives (smaller first; ties: order of
    /// appearance), with the lead's winning fields (name, value as compact JSON text, seq, `at`).
    func forEachLead(
        rankedBy rank: (String) throws -> Int64,
        _ body: (String, [(name: String, value: String, seq: Int64, at: Int64)]) throws -> Void
    ) throws {
        // Each lead's rank and record: its key is read again below rather than held here, which
        // would add a string to each of a window's entries.
        var order: [(rank: Int64, appearance: Int, offset: Int)] = []
        order.reserveCapacity(leads)
        try bytes.withUnsafeBytes { buffer in
            for bucket in buckets where bucket != 0 {
                var reader = BlobReader(bytes: buffer, index: Int(bucket - 1))
                let lead = try reader.string()
                order.append((try rank(lead), try reader.count(), Int(bucket - 1)))
            }
        }
        order.sort { ($0.rank, $0.appearance) < ($1.rank, $1.appearance) }
        var fields: [(name: String, value: String, seq: Int64, at: Int64)] = []
        try bytes.withUnsafeBytes { buffer in
            for entry in order {
                var reader = BlobReader(bytes: buffer, index: entry.offset)
                let lead = try reader.string()
                _ = try reader.count()  // appearance
                fields.removeAll(keepingCapacity: true)
                for _ in 0..<(try reader.count()) {
                    fields.append(
                        (names[try reader.count()], try reader.string(), try reader.integer(), try reader.integer()))
                }
                try body(lead, fields)
            }
        }
    }

    /// Builds in `record` the lead's record after `change`: each field `held` has that the
    /// change does not win, then each of the change's fields that wins (a held field loses to
    /// the change unless it is newer; a tie goes to the later seq, the change's).
    private mutating func encodeRecord(_ change: LeadChange, appearance: Int, seq: Int64) {
        changed.removeAll(keepingCapacity: true)
        for (name, value) in change.fields { changed.append((number(of: name), value)) }
        record.removeAll(keepingCapacity: true)
        BlobWriter.string(change.lead, &record)
        BlobWriter.count(appearance, &record)
        let at = change.atMilliseconds
        let untouched = held.count { field in !changed.contains { $0.name == field.name } }
        BlobWriter.count(untouched + changed.count, &record)
        for field in held where at < field.at || !changed.contains(where: { $0.name == field.name }) {
            record.append(contentsOf: bytes[field.encoded])
        }
        for (name, fieldValue) in changed {
            if let field = held.first(where: { $0.name == name }), at < field.at { continue }
            BlobWriter.count(name, &record)
            value.removeAll(keepingCapacity: true)
            JSONText.appendValue(fieldValue, to: &value)
            BlobWriter.count(value.count, &record)
            record.append(contentsOf: value)
            BlobWriter.integer(seq, &record)
            BlobWriter.integer(at, &record)
        }
    }

    /// The number of field `name` in `names`, numbering it when new.
    private mutating func number(of name: String) -> Int {
        if let number = numbers[name] { return number }
        names.append(name)
        numbers[name] = names.count - 1
        namesSize += name.utf8.count + 64
        return names.count - 1
    }

    /// Reads the record at `offset`, its fields into `held`; returns the lead's order of
    /// appearance and the record's length.
    private mutating func readRecord(at offset: Int) throws -> (appearance: Int, length: Int) {
        // Moved out and back, so appending never copies it.
        var fields: [HeldField] = []
        swap(&fields, &held)
        defer { swap(&fields, &held) }
        return try bytes.withUnsafeBytes { buffer in
            var reader = BlobReader(bytes: buffer, index: offset)
            _ = try reader.text()  // key
            let appearance = try reader.count()
            for _ in 0..<(try reader.count()) {
                let start = reader.index
                let name = try reader.count()
                _ = try reader.text()  // value
                _ = try reader.integer()  // seq
                let at = try reader.integer()
                fields.append(HeldField(name: name, encoded: start..<reader.index, at: at))
            }
            return (appearance, reader.index - offset)
        }
    }

    /// Drops the garbage: moves every lead's current record down over the dead ones, in place.
    private mutating func compact() throws {
        var read = 0
        var write = 0
        while read < bytes.count {
            held.removeAll(keepingCapacity: true)
            let end = read + (try readRecord(at: read)).length
            let bucket = try find(keyAt: read)
            if buckets[bucket] == Int32(read + 1) {
                if write != read {
                    bytes.withUnsafeMutableBufferPointer { buffer in
                        let base = buffer.baseAddress!
                        (base + write).update(from: base + read, count: end - read)
                    }
                }
                buckets[bucket] = Int32(write + 1)
                write += end - read
            }
            read = end
        }
        held.removeAll(keepingCapacity: true)
        bytes.removeLast(bytes.count - write)
        garbage = 0
    }

    /// The bucket of `lead`: the one holding its record, or the empty one where it would go.
    private func find(_ lead: String) throws -> Int {
        var key = lead
        return try key.withUTF8 { try find(UnsafeRawBufferPointer($0)) }
    }

    /// The bucket of the key of the record at `offset`.
    private func find(keyAt offset: Int) throws -> Int {
        try bytes.withUnsafeBytes { buffer in
            var reader = BlobReader(bytes: buffer, index: offset)
            return try find(UnsafeRawBufferPointer(rebasing: buffer[try reader.text()]))
        }
    }

    private func find(_ key: UnsafeRawBufferPointer) throws -> Int {
        var hasher = Hasher()
        hasher.combine(bytes: key)
        let mask = buckets.count - 1
        var bucket = hasher.finalize() & mask
        try bytes.withUnsafeBytes { buffer in
            while buckets[bucket] != 0 {
                if buckets[bucket] != Self.replacing {
                    var reader = BlobReader(bytes: buffer, index: Int(buckets[bucket] - 1))
                    if buffer[try reader.text()].elementsEqual(key) { return }
                }
                bucket = (bucket + 1) & mask
            }
        }
        return bucket
    }

    /// Doubles the buckets, placing every record again.
    private mutating func grow() throws {
        let offsets = buckets.filter { $0 != 0 }
        buckets = [Int32](repeating: 0, count: buckets.count * 2)
        for offset in offsets { buckets[try find(keyAt: Int(offset - 1))] = offset }
    }
}

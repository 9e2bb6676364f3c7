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
/// Each lead's record is one stretch of a single byte buffer of fixed capacity: the key, then
/// the fields grouped by the change that won them (its seq and `at`, each as a difference from
/// the window's first, so a few bytes; then each field's name and value as the compact JSON text
/// derived state stores). A lead changed again gets a new record at the end; the old one is
/// garbage until the buffer is compacted in place. The denser the records, the more leads a
/// window holds, and the fewer times a fold reads and writes each lead (decision 0042).
struct CoalescedChanges {
    /// One field of a record in `bytes`: its name's number, its group (the change that won it)
    /// in `heldGroups`, and its name and value, encoded, to copy when it is kept.
    private struct HeldField {
        var name: Int
        var group: Int
        var encoded: Range<Int>
    }

    /// The change that won fields of a record: its seq and `at`.
    private struct HeldGroup {
        var seq: Int64
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
    /// The seq and `at` of the window's first change: records hold their differences from these.
    private var firstSeq: Int64 = 0
    private var firstAt: Int64 = 0
    /// Scratch, reused: the fields and groups of the lead's record being replaced, the record
    /// being built, a value's JSON text.
    private var held: [HeldField] = []
    private var heldGroups: [HeldGroup] = []
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
        if isEmpty { (firstSeq, firstAt) = (seq, change.atMilliseconds) }
        held.removeAll(keepingCapacity: true)
        heldGroups.removeAll(keepingCapacity: true)
        let bucket = try find(change.lead)
        let previous = buckets[bucket] == 0 ? nil : Int(buckets[bucket] - 1)
        var appearance = leads
        var replaced = 0
        if let previous { (appearance, replaced) = try readRecord(at: previous) }
        encodeRecord(change, appearance: appearance, seq: seq)
        let fits = namesSize + bytes.count + record.count <= capacity
        // Compacting pays when it frees an eighth of the buffer; short of that the window is full.
        let fitsCompacted =
            namesSize + bytes.count - garbage - replaced + record.count <= capacity
            && garbage + replaced >= capacity / 8
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

    /// The fields of one lead that one change won: what a fold applies as that change.
    struct Won {
        var seq: Int64
        var at: Int64
        /// Each field's name and value as compact JSON text.
        var fields: [(name: String, value: String)]
    }

    /// Calls `body` for each lead, in the order `rank` gives (smaller first; ties: order of
    /// appearance), with its rank and its winning fields grouped by the change that won them,
    /// in seq order.
    func forEachLead(
        rankedBy rank: (String) throws -> Int64,
        _ body: (_ lead: String, _ rank: Int64, _ won: [Won]) throws -> Void
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
        var won: [Won] = []
        try bytes.withUnsafeBytes { buffer in
            for entry in order {
                var reader = BlobReader(bytes: buffer, index: entry.offset)
                let lead = try reader.string()
                _ = try reader.count()  // appearance
                won.removeAll(keepingCapacity: true)
                for _ in 0..<(try reader.count()) {
                    var group = Won(
                        seq: firstSeq + Int64(try reader.unsigned()), at: firstAt + (try reader.integer()), fields: [])
                    for _ in 0..<(try reader.count()) {
                        group.fields.append((names[try reader.count()], try reader.string()))
                    }
                    won.append(group)
                }
                try body(lead, entry.rank, won)
            }
        }
    }

    /// Builds in `record` the lead's record after `change`: the fields `held` has that the change
    /// does not win, in their groups (seq order), then a group of the change's fields that win (a
    /// held field loses to the change unless it is newer; a tie goes to the later seq, the
    /// change's).
    private mutating func encodeRecord(_ change: LeadChange, appearance: Int, seq: Int64) {
        changed.removeAll(keepingCapacity: true)
        let at = change.atMilliseconds
        for (name, value) in change.fields {
            let number = number(of: name)
            if let field = held.first(where: { $0.name == number }), at < heldGroups[field.group].at { continue }
            changed.append((number, value))
        }
        record.removeAll(keepingCapacity: true)
        BlobWriter.string(change.lead, &record)
        BlobWriter.count(appearance, &record)
        let keptGroups = heldGroups.indices.count { group in held.contains { $0.group == group && isKept($0) } }
        BlobWriter.count(keptGroups + (changed.isEmpty ? 0 : 1), &record)
        for (index, group) in heldGroups.enumerated() {
            let kept = held.count { $0.group == index && isKept($0) }
            guard kept > 0 else { continue }
            writeGroupHeader(seq: group.seq, at: group.at, fields: kept)
            for field in held where field.group == index && isKept(field) {
                record.append(contentsOf: bytes[field.encoded])
            }
        }
        guard !changed.isEmpty else { return }
        writeGroupHeader(seq: seq, at: at, fields: changed.count)
        for (name, fieldValue) in changed {
            BlobWriter.count(name, &record)
            value.removeAll(keepingCapacity: true)
            JSONText.appendValue(fieldValue, to: &value)
            BlobWriter.count(value.count, &record)
            record.append(contentsOf: value)
        }
    }

    /// Whether a field of the record being replaced stays: the change being added does not win it.
    private func isKept(_ field: HeldField) -> Bool { !changed.contains { $0.name == field.name } }

    /// A group's seq and `at` as differences from the window's first (`at` is within 1990–2099,
    /// so the difference cannot overflow), and its field count.
    private mutating func writeGroupHeader(seq: Int64, at: Int64, fields: Int) {
        BlobWriter.unsigned(UInt64(seq - firstSeq), &record)
        BlobWriter.integer(at - firstAt, &record)
        BlobWriter.count(fields, &record)
    }

    /// The number of field `name` in `names`, numbering it when new.
    private mutating func number(of name: String) -> Int {
        if let number = numbers[name] { return number }
        names.append(name)
        numbers[name] = names.count - 1
        namesSize += name.utf8.count + 64
        return names.count - 1
    }

    /// Reads the record at `offset`, its fields into `held` and their groups into `heldGroups`
    /// (replacing what they held); returns the lead's order of appearance and the record's length.
    private mutating func readRecord(at offset: Int) throws -> (appearance: Int, length: Int) {
        // Moved out and back, so appending never copies them.
        var fields: [HeldField] = []
        var groups: [HeldGroup] = []
        swap(&fields, &held)
        swap(&groups, &heldGroups)
        defer {
            swap(&fields, &held)
            swap(&groups, &heldGroups)
        }
        fields.removeAll(keepingCapacity: true)
        groups.removeAll(keepingCapacity: true)
        return try bytes.withUnsafeBytes { buffer in
            var reader = BlobReader(bytes: buffer, index: offset)
            _ = try reader.text()  // key
            let appearance = try reader.count()
            for group in 0..<(try reader.count()) {
                groups.append(
                    HeldGroup(seq: firstSeq + Int64(try reader.unsigned()), at: firstAt + (try reader.integer())))
                for _ in 0..<(try reader.count()) {
                    let start = reader.index
                    let name = try reader.count()
                    _ = try reader.text()  // value
                    fields.append(HeldField(name: name, group: group, encoded: start..<reader.index))
                }
            }
            return (appearance, reader.index - offset)
        }
    }

    /// Drops the garbage: moves every lead's current record down over the dead ones, in place.
    private mutating func compact() throws {
        var read = 0
        var write = 0
        while read < bytes.count {
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

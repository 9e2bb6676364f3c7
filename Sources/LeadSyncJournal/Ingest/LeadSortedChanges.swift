internal import Dispatch
internal import LeadSyncSupport

#if canImport(Glibc)
    internal import Glibc
#elseif canImport(Darwin)
    internal import Darwin
#endif

/// The changes an ingest appends, sorted by lead in bounded memory, so that its fold reads and
/// writes each lead once, however the input spreads its changes over the leads (decision 0044).
///
/// The ingest's parsing thread adds each chunk's changes before the journal appends them (it is
/// idle half the time while the writer is busy: docs/benchmarks.md, issue 10, tenth pass), so a
/// change is known here by its ordinal, its place among the changes added; the appends tell
/// which seq each ordinal got (``AppendedSeqs``). Changes are packed into a byte buffer of half
/// the capacity: each change's lead, ordinal, `at`, and every field as the index of its name
/// (``names``) and its value as the compact JSON text derived state stores (as the change's
/// text holds it: ``EncodedChange``).
/// When the next change does not fit, the buffer is handed to a thread of its own, which sorts
/// its changes by lead (a lead's changes stay in ordinal order) and writes them as one run to an
/// unlinked temporary file beside the journal, while changes go on filling the other half;
/// ``leads(_:)`` merges the runs. Memory: the two buffers, then a small read buffer per run
/// (10^7 changes of about 110 bytes are about 260 runs of 4 MiB: 8 MB of read buffers, and a
/// 1.1 GB temporary file while the ingest runs).
final class LeadSortedChanges {
    /// The bytes of changes held in memory at most, in two buffers; one change larger than a
    /// buffer still fits an empty one.
    let capacity: Int
    /// Where the file of runs is made.
    private let directory: String
    /// The buffer being filled.
    private var filling = SortBuffer()
    /// The buffer being sorted and written as a run, if any.
    private var spilling: Spill?
    private let spiller = DispatchQueue(label: "leadsync.ingest.sort")
    /// The file of runs (-1 until the first run), and each run's bytes in it.
    private var file: Int32 = -1
    private var runs: [Range<Int64>] = []
    private var fileSize: Int64 = 0
    /// The fields' names, each once, by the index records hold.
    private(set) var names: [String] = []
    /// Each name's JSON text, by the same index, and the index of each text.
    private var nameTexts: [[UInt8]] = []
    private var nameIndex: [[UInt8]: Int] = [:]
    /// The name index of each field of the change added before, in its order: most changes name
    /// their fields in the same order, so a name is nearly always found without hashing it.
    private var lastNames: [Int] = []

    /// Changes added.
    private(set) var count = 0

    /// Bytes read from the file of runs at a time, per run, when merging.
    static let readBuffer = 32 << 10

    init(capacity: Int, directory: String) {
        precondition(capacity < Int(Int32.max) / 2, "a buffer's offsets are 32-bit")
        self.capacity = capacity
        self.directory = directory
    }

    deinit {
        spilling?.done.wait()
        if file >= 0 { close(file) }
    }

    /// Adds `change`, whose ordinal is ``count`` before the call.
    func add(_ change: EncodedChange) throws {
        let limit = capacity / 2
        if filling.bytes.capacity < limit { filling.bytes.reserveCapacity(limit) }
        let start = filling.bytes.count
        BlobWriter.string(change.lead, &filling.bytes)
        BlobWriter.count(count, &filling.bytes)
        BlobWriter.integer(change.atMilliseconds, &filling.bytes)
        // The field count goes before the fields, once they are counted.
        let countAt = filling.bytes.count
        filling.bytes.append(0)
        var fields = 0
        try change.forEachField { name, value in
            BlobWriter.count(try index(of: name, at: fields), &filling.bytes)
            BlobWriter.count(value.count, &filling.bytes)
            filling.bytes.append(contentsOf: value)
            fields += 1
        }
        if fields < 0x80 {
            filling.bytes[countAt] = UInt8(fields)
        } else {
            var count: [UInt8] = []
            BlobWriter.count(fields, &count)
            filling.bytes.replaceSubrange(countAt...countAt, with: count)
        }
        var recordStart = start
        if filling.bytes.count > limit, start > 0 {
            // It does not fit: what came before is a run, and this change starts the next.
            let record = Array(filling.bytes[start...])
            filling.bytes.removeLast(filling.bytes.count - start)
            try startSpill()
            filling.bytes.append(contentsOf: record)
            recordStart = 0
        }
        var key = change.lead
        let prefix = key.withUTF8 { SortBuffer.prefix(UnsafeRawBufferPointer($0)) }
        filling.records.append(.init(prefix: prefix, start: Int32(recordStart), end: Int32(filling.bytes.count)))
        count += 1
    }

    /// Names compared one by one before one is hashed (hashing bytes goes byte by byte).
    private static let namesScanned = 16

    /// The index of the name whose JSON text is `text`, the `position`th field of its change.
    private func index(of text: UnsafeBufferPointer<UInt8>, at position: Int) throws -> Int {
        if position < lastNames.count, nameTexts[lastNames[position]].elementsEqual(text) {
            return lastNames[position]
        }
        let index: Int
        if names.count <= Self.namesScanned, let known = nameTexts.firstIndex(where: { $0.elementsEqual(text) }) {
            index = known
        } else if names.count > Self.namesScanned, let known = nameIndex[Array(text)] {
            index = known
        } else {
            let key = Array(text)
            guard case .string(let name) = try FieldsCodec.decodeValue(String(decoding: text, as: UTF8.self)) else {
                throw JournalError(
                    .corrupt, "a field name is not a JSON string: \(String(decoding: text, as: UTF8.self))")
            }
            index = names.count
            names.append(name)
            nameTexts.append(key)
            nameIndex[key] = index
        }
        if position < lastNames.count {
            lastNames[position] = index
        } else {
            lastNames.append(index)
        }
        return index
    }

    /// Forgets every change and the file of runs.
    func removeAll() {
        _ = try? finishSpill()
        filling = SortBuffer()
        runs = []
        fileSize = 0
        count = 0
        if file >= 0 { close(file) }
        file = -1
    }

    /// The leads in the order of their keys' UTF-8 bytes, each with its changes that were
    /// appended (`seqs`) in seq order. Releases the buffers: call once, after the last
    /// ``add(_:)``.
    func leads(_ seqs: AppendedSeqs) throws -> Leads {
        var sources: [RunReader] = []
        if runs.isEmpty, spilling == nil {
            var staging: [UInt8] = []
            filling.sorted { staging.append(contentsOf: $0) }
            sources.append(RunReader(holding: staging))
        } else {
            if !filling.records.isEmpty { try startSpill() }
            _ = try finishSpill()
            for run in runs { sources.append(RunReader(file: file, run: run)) }
        }
        filling = SortBuffer()
        return try Leads(sources, names: names, seqs: seqs)
    }

    /// Hands the buffer being filled to the sorting thread, once the run before is written, and
    /// fills that one's buffer next.
    private func startSpill() throws {
        if file < 0 { file = try Self.makeFile(in: directory) }
        let spare = try finishSpill()
        let spill = Spill(filling, file: file, at: fileSize)
        filling = spare ?? SortBuffer()
        spilling = spill
        spiller.async { spill.run() }
    }

    /// Waits for the run being written, if any, and records it; returns its emptied buffer.
    private func finishSpill() throws -> SortBuffer? {
        guard let spill = spilling else { return nil }
        spilling = nil
        spill.done.wait()
        let end = try spill.result!.get()
        runs.append(fileSize..<end)
        fileSize = end
        spill.buffer.bytes.removeAll(keepingCapacity: true)
        spill.buffer.records.removeAll(keepingCapacity: true)
        return spill.buffer
    }

    /// A full buffer, sorted and written as a run at `offset` of the file of runs on the sorting
    /// thread; read back once `done` is signalled.
    private final class Spill: @unchecked Sendable {
        var buffer: SortBuffer
        let file: Int32
        let offset: Int64
        /// The file's end after the run.
        var result: Result<Int64, any Error>?
        let done = DispatchSemaphore(value: 0)

        init(_ buffer: SortBuffer, file: Int32, at offset: Int64) {
            self.buffer = buffer
            self.file = file
            self.offset = offset
        }

        func run() {
            result = Result {
                var end = offset
                var staging: [UInt8] = []
                staging.reserveCapacity(LeadSortedChanges.readBuffer * 8)
                var failure: (any Error)?
                func flush() throws {
                    try staging.withUnsafeBytes { bytes in
                        var written = 0
                        while written < bytes.count {
                            let n = pwrite(file, bytes.baseAddress! + written, bytes.count - written, off_t(end))
                            guard n > 0 else { throw SortFileError(operation: "write", errno: errno) }
                            written += n
                            end += Int64(n)
                        }
                    }
                    staging.removeAll(keepingCapacity: true)
                }
                buffer.sorted { record in
                    guard failure == nil else { return }
                    staging.append(contentsOf: record)
                    if staging.count >= LeadSortedChanges.readBuffer * 8 {
                        do { try flush() } catch { failure = error }
                    }
                }
                if let failure { throw failure }
                try flush()
                return end
            }
            done.signal()
        }
    }

    /// Compares two keys by their bytes (as SQLite's BINARY collation does).
    static func compare(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
        let common = min(a.count, b.count)
        if common > 0 {
            let order = memcmp(a.baseAddress!, b.baseAddress!, common)
            if order != 0 { return Int(order) }
        }
        return a.count - b.count
    }

    /// An unlinked file in `directory` (the journal's: sized for it, unlike a RAM-backed /tmp).
    private static func makeFile(in directory: String) throws -> Int32 {
        var template = Array("\(directory)/.leadsync-ingest-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw SortFileError(operation: "create a temporary file in \(directory)", errno: errno) }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        return fd
    }

    /// The leads of the merged runs, in order, one at a time: ``next()`` moves to the next lead,
    /// whose changes are then in ``changes``, ``fields`` and ``values`` (bytes, not strings:
    /// only the values that win are made strings, by the fold). A struct, as are its readers:
    /// the fold's loop then needs no runtime exclusivity checks, which were a quarter of its time
    /// on a class (docs/benchmarks.md, issue 10, tenth pass).
    struct Leads {
        /// One appended change of the current lead.
        struct Change {
            var seq: Int64
            var at: Int64
            /// Its fields in ``fields``.
            var fields: Range<Int>
        }

        /// One field of a change: the index of its name in ``names``, its value's JSON text in
        /// ``values``.
        struct Field {
            var name: Int
            var value: Range<Int>
        }

        /// The current lead's key, as bytes: the fold copies it as they are.
        private(set) var key: [UInt8] = []
        /// Its appended changes, in seq order.
        private(set) var changes: [Change] = []
        private(set) var fields: [Field] = []
        private(set) var values: [UInt8] = []
        /// The fields' names, by ``Field/name``.
        let names: [String]
        private let seqs: AppendedSeqs
        private var sources: [RunReader]
        /// Indices in `sources` of those with a record, as a binary min-heap by (key, index):
        /// runs were written in ordinal order, so a lead's changes come out in ordinal order,
        /// which is seq order.
        private var heap: [Int] = []

        fileprivate init(_ sources: [RunReader], names: [String], seqs: AppendedSeqs) throws {
            self.sources = sources
            self.names = names
            self.seqs = seqs
            for index in self.sources.indices where try self.sources[index].advance() { heap.append(index) }
            for position in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(position) }
        }

        /// Moves to the next lead; false after the last. A lead whose changes were all refused
        /// comes with none.
        mutating func next() throws -> Bool {
            changes.removeAll(keepingCapacity: true)
            fields.removeAll(keepingCapacity: true)
            values.removeAll(keepingCapacity: true)
            guard let first = heap.first else { return false }
            key.removeAll(keepingCapacity: true)
            sources[first].withKey { key.append(contentsOf: $0) }
            while let top = heap.first,
                key.withUnsafeBytes({ key in sources[top].withKey { LeadSortedChanges.compare(key, $0) == 0 } })
            {
                let start = fields.count
                let (ordinal, at) = try sources[top].readChange(fields: &fields, values: &values)
                if let seq = seqs.seq(ordinal: ordinal) {
                    changes.append(Change(seq: seq, at: at, fields: start..<fields.count))
                } else {
                    fields.removeLast(fields.count - start)
                }
                if try sources[top].advance() {
                    siftDown(0)
                } else {
                    heap.swapAt(0, heap.count - 1)
                    heap.removeLast()
                    if !heap.isEmpty { siftDown(0) }
                }
            }
            return true
        }

        private func precedes(_ a: Int, _ b: Int) -> Bool {
            let order = sources[a].withKey { ka in sources[b].withKey { kb in LeadSortedChanges.compare(ka, kb) } }
            return order != 0 ? order < 0 : a < b
        }

        private mutating func siftDown(_ start: Int) {
            var parent = start
            while true {
                let left = parent * 2 + 1
                guard left < heap.count else { return }
                var child = left
                if left + 1 < heap.count, precedes(heap[left + 1], heap[left]) { child = left + 1 }
                guard precedes(heap[child], heap[parent]) else { return }
                heap.swapAt(child, parent)
                parent = child
            }
        }
    }
}

/// Changes packed one after another (``LeadSortedChanges/add(_:)``), and where each is.
private struct SortBuffer {
    var bytes: [UInt8] = []
    /// Each change in `bytes`, in the order added.
    var records: [Record] = []

    /// Where a change is in `bytes`, and the first eight bytes of its lead as a big-endian
    /// number: most comparisons of a sort end there, without reading the keys.
    struct Record {
        var prefix: UInt64
        var start: Int32
        var end: Int32
    }

    /// Sorts the records by lead (ties in the order added, which is ordinal order), then calls
    /// `body` with each, prefixed by its length.
    mutating func sorted(_ body: (UnsafeRawBufferPointer) -> Void) {
        bytes.withUnsafeBytes { buffer in
            records.sort { a, b in
                if a.prefix != b.prefix { return a.prefix < b.prefix }
                let order = LeadSortedChanges.compare(Self.key(buffer, Int(a.start)), Self.key(buffer, Int(b.start)))
                return order != 0 ? order < 0 : a.start < b.start
            }
            var length: [UInt8] = []
            for record in records {
                length.removeAll(keepingCapacity: true)
                BlobWriter.count(Int(record.end - record.start), &length)
                length.withUnsafeBytes { body($0) }
                body(UnsafeRawBufferPointer(rebasing: buffer[Int(record.start)..<Int(record.end)]))
            }
        }
    }

    /// The lead key of the record at `offset`.
    static func key(_ buffer: UnsafeRawBufferPointer, _ offset: Int) -> UnsafeRawBufferPointer {
        var reader = BlobReader(bytes: buffer, index: offset)
        // Records are written by this process: a bad length cannot occur.
        let key = (try? reader.text()) ?? offset..<offset
        return UnsafeRawBufferPointer(rebasing: buffer[key])
    }

    /// A key's first eight bytes as a big-endian number (zeros after a shorter key): a smaller
    /// prefix is a smaller key.
    static func prefix(_ key: UnsafeRawBufferPointer) -> UInt64 {
        var prefix: UInt64 = 0
        for index in 0..<8 { prefix = prefix << 8 | UInt64(index < key.count ? key[index] : 0) }
        return prefix
    }
}

/// The seq each change an ingest added to ``LeadSortedChanges`` got, by its ordinal there: its
/// appends are consecutive but for the changes of lines refused whole (a conversation entry
/// naming another lead's conversation), which have none. Built on the journal's queue as each
/// chunk is appended.
struct AppendedSeqs {
    /// The seq of the first appended change; nil until one is.
    private(set) var first: Int64?
    /// Changes appended.
    private(set) var count = 0
    /// The ordinals of the changes not appended, ascending.
    private var refused: [Int] = []

    /// The seqs appended, nil when none was.
    var range: ClosedRange<Int64>? { first.map { $0...($0 + Int64(count) - 1) } }

    /// Records a chunk's appends: `changes` changes from ordinal `base`, but for those at the
    /// offsets `refused` (ascending), appended through seq `last`.
    ///
    /// - Returns: false when they do not follow the earlier chunks' (another writer's changes
    ///   came between): the seqs are then not known.
    mutating func record(base: Int, changes: Int, refused offsets: [Int], last: Int64?) -> Bool {
        refused += offsets.map { base + $0 }
        let appended = changes - offsets.count
        guard appended > 0, let last else { return true }
        let chunkFirst = last - Int64(appended) + 1
        if let first, chunkFirst != first + Int64(count) { return false }
        if first == nil { first = chunkFirst }
        count += appended
        return true
    }

    /// The seq of the change with `ordinal`, nil when it was refused.
    func seq(ordinal: Int) -> Int64? {
        guard let first else { return nil }
        guard !refused.isEmpty else { return first + Int64(ordinal) }
        // The number of refused ordinals below `ordinal`, and whether it is one.
        var low = 0
        var high = refused.count
        while low < high {
            let middle = (low + high) / 2
            if refused[middle] < ordinal { low = middle + 1 } else { high = middle }
        }
        if low < refused.count, refused[low] == ordinal { return nil }
        return first + Int64(ordinal - low)
    }
}

/// Reads one run's records, each prefixed by its length, from the file of runs (or from memory
/// when nothing was spilled).
private struct RunReader {
    private let file: Int32
    private var position: Int64
    private let end: Int64
    private var buffer: [UInt8]
    private var head = 0
    private var tail = 0
    /// The current record in `buffer`, and its key.
    private var record = 0..<0
    private var key = 0..<0

    init(file: Int32, run: Range<Int64>) {
        self.file = file
        position = run.lowerBound
        end = run.upperBound
        buffer = [UInt8](repeating: 0, count: LeadSortedChanges.readBuffer)
    }

    init(holding records: [UInt8]) {
        file = -1
        position = 0
        end = 0
        buffer = records
        tail = records.count
    }

    /// Moves to the next record; false at the end of the run.
    mutating func advance() throws -> Bool {
        guard head < tail || position < end else { return false }
        try ensure(min(10, tail - head + Int(end - position)))
        let (length, lengthBytes) = try buffer.withUnsafeBytes { bytes in
            var reader = BlobReader(bytes: UnsafeRawBufferPointer(rebasing: bytes[head..<tail]))
            return (Int(try reader.unsigned()), reader.index)
        }
        guard length <= tail - head - lengthBytes + Int(end - position) else {
            throw JournalError(.corrupt, "an ingest's run of sorted changes ends early")
        }
        try ensure(lengthBytes + length)
        record = head + lengthBytes..<head + lengthBytes + length
        key = try buffer.withUnsafeBytes { bytes in
            var reader = BlobReader(bytes: bytes, index: record.lowerBound)
            return try reader.text()
        }
        head = record.upperBound
        return true
    }

    func withKey<T>(_ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        try buffer.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[key])) }
    }

    /// Appends the current record's fields to `fields`, their values to `values`; returns its
    /// ordinal and `at`.
    func readChange(fields: inout [LeadSortedChanges.Leads.Field], values: inout [UInt8]) throws -> (
        ordinal: Int, at: Int64
    ) {
        try buffer.withUnsafeBytes { bytes in
            var reader = BlobReader(
                bytes: UnsafeRawBufferPointer(rebasing: bytes[..<record.upperBound]), index: key.upperBound)
            let ordinal = Int(try reader.unsigned())
            let at = try reader.integer()
            let count = try reader.count()
            for _ in 0..<count {
                let name = Int(try reader.unsigned())
                let text = try reader.text()
                let start = values.count
                values.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[text]))
                fields.append(.init(name: name, value: start..<values.count))
            }
            return (ordinal, at)
        }
    }

    /// Makes the next `count` bytes of the run readable in `buffer[head...]`.
    private mutating func ensure(_ count: Int) throws {
        guard tail - head < count else { return }
        if head > 0 {
            buffer.withUnsafeMutableBytes { bytes in
                bytes.baseAddress!.copyMemory(from: bytes.baseAddress! + head, byteCount: tail - head)
            }
            tail -= head
            head = 0
        }
        if count > buffer.count { buffer.append(contentsOf: repeatElement(0, count: count - buffer.count)) }
        while tail < count {
            let wanted = min(buffer.count - tail, Int(end - position))
            guard wanted > 0 else { throw JournalError(.corrupt, "an ingest's run of sorted changes ends early") }
            let n = try buffer.withUnsafeMutableBytes { bytes in
                let n = pread(file, bytes.baseAddress! + tail, wanted, off_t(position))
                guard n > 0 else { throw SortFileError(operation: "read", errno: errno) }
                return n
            }
            tail += n
            position += Int64(n)
        }
    }
}

/// A read or write of the file of sorted runs failed.
struct SortFileError: Error, CustomStringConvertible {
    let operation: String
    let errno: Int32
    var description: String {
        "cannot \(operation) for sorting an ingest's changes: \(String(cString: strerror(errno)))"
    }
}

internal import LeadSyncSupport

#if canImport(Glibc)
    internal import Glibc
#elseif canImport(Darwin)
    internal import Darwin
#endif

/// The changes an ingest appended, sorted by lead in bounded memory, so that its fold reads and
/// writes each lead once, however the input spreads its changes over the leads (decision 0044).
///
/// Changes are packed into one byte buffer of fixed capacity: each change's lead, seq, `at`, and
/// every field's name and value as the compact JSON text derived state stores (encoded once,
/// here). When the next change does not fit, the buffer's changes are sorted by lead (a lead's
/// changes stay in seq order) and written as one run to an unlinked temporary file beside the
/// journal; ``leads()`` merges the runs. Memory: the buffer, then a small read buffer per run
/// (10^7 changes of about 110 bytes are about 130 runs of 8 MiB: 8 MB of read buffers, and a
/// 1.1 GB temporary file while the ingest runs).
final class LeadSortedChanges {
    /// One change of a lead, as the fold applies it.
    struct Change {
        var seq: Int64
        var at: Int64
        /// Each field's name and value as compact JSON text.
        var fields: [(name: String, value: String)]
    }

    /// The bytes of changes held in memory at most; one change larger than this still fits an
    /// empty buffer.
    let capacity: Int
    /// Where the file of runs is made.
    private let directory: String
    private var bytes: [UInt8] = []
    /// Each change in `bytes`, in the order added (seq order).
    private var records: [Record] = []
    /// The file of runs (-1 until the first run), and each run's bytes in it.
    private var file: Int32 = -1
    private var runs: [Range<Int64>] = []
    private var fileSize: Int64 = 0
    /// Scratch: a value's JSON text, a run being written.
    private var value: [UInt8] = []
    private var staging: [UInt8] = []

    /// Where a change is in `bytes`, and the first eight bytes of its lead as a big-endian number:
    /// most comparisons of a sort end there, without reading the keys.
    private struct Record {
        var prefix: UInt64
        var start: Int32
        var end: Int32
    }

    /// Changes added.
    private(set) var count = 0
    var isEmpty: Bool { count == 0 }

    /// Bytes read from the file of runs at a time, per run, when merging.
    static let readBuffer = 64 << 10

    init(capacity: Int, directory: String) {
        precondition(capacity < Int(Int32.max) / 2, "a buffer's offsets are 32-bit")
        self.capacity = capacity
        self.directory = directory
    }

    deinit { if file >= 0 { close(file) } }

    /// Adds `change`, appended with sequence number `seq` (larger than every seq added before).
    func add(_ change: LeadChange, seq: Int64) throws {
        if bytes.capacity < capacity { bytes.reserveCapacity(capacity) }
        let start = bytes.count
        BlobWriter.string(change.lead, &bytes)
        BlobWriter.unsigned(UInt64(seq), &bytes)
        BlobWriter.integer(change.atMilliseconds, &bytes)
        BlobWriter.count(change.fields.count, &bytes)
        for (name, fieldValue) in change.fields {
            BlobWriter.string(name, &bytes)
            value.removeAll(keepingCapacity: true)
            JSONText.appendValue(fieldValue, to: &value)
            BlobWriter.count(value.count, &bytes)
            bytes.append(contentsOf: value)
        }
        var recordStart = start
        if bytes.count > capacity, start > 0 {
            // It does not fit: what came before is a run, and this change starts the next.
            let record = Array(bytes[start...])
            bytes.removeLast(bytes.count - start)
            try spill()
            bytes.append(contentsOf: record)
            recordStart = 0
        }
        var key = change.lead
        let prefix = key.withUTF8 { Self.prefix(UnsafeRawBufferPointer($0)) }
        records.append(Record(prefix: prefix, start: Int32(recordStart), end: Int32(bytes.count)))
        count += 1
    }

    /// Forgets every change and the file of runs.
    func removeAll() {
        bytes = []
        records = []
        runs = []
        fileSize = 0
        count = 0
        if file >= 0 { close(file) }
        file = -1
    }

    /// The leads in the order of their keys' UTF-8 bytes, each with its changes in seq order.
    /// Releases the buffer: call once, after the last ``add(_:seq:)``.
    func leads() throws -> Leads {
        var sources: [RunReader] = []
        if runs.isEmpty {
            staging.removeAll(keepingCapacity: true)
            sortedRecords { staging.append(contentsOf: $0) }
            sources.append(RunReader(holding: staging))
        } else {
            if !records.isEmpty { try spill() }
            for run in runs { sources.append(RunReader(file: file, run: run)) }
        }
        bytes = []
        records = []
        staging = []
        return try Leads(sources)
    }

    /// Sorts the buffer's records by lead (ties in seq order) and writes them as a run.
    private func spill() throws {
        if file < 0 { file = try Self.makeFile(in: directory) }
        let start = fileSize
        staging.removeAll(keepingCapacity: true)
        staging.reserveCapacity(Self.readBuffer * 4)
        var failure: (any Error)?
        sortedRecords { record in
            guard failure == nil else { return }
            staging.append(contentsOf: record)
            if staging.count >= Self.readBuffer * 4 {
                do { try flushStaging() } catch { failure = error }
            }
        }
        if let failure { throw failure }
        try flushStaging()
        runs.append(start..<fileSize)
        bytes.removeAll(keepingCapacity: true)
        records.removeAll(keepingCapacity: true)
    }

    private func flushStaging() throws {
        var written = 0
        try staging.withUnsafeBytes { buffer in
            while written < buffer.count {
                let n = pwrite(file, buffer.baseAddress! + written, buffer.count - written, off_t(fileSize))
                guard n > 0 else { throw SortFileError(operation: "write", errno: errno) }
                written += n
                fileSize += Int64(n)
            }
        }
        staging.removeAll(keepingCapacity: true)
    }

    /// Calls `body` with each record of the buffer, prefixed by its length, sorted by lead (ties
    /// in the order added, which is seq order).
    private func sortedRecords(_ body: (UnsafeRawBufferPointer) -> Void) {
        bytes.withUnsafeBytes { buffer in
            records.sort { a, b in
                if a.prefix != b.prefix { return a.prefix < b.prefix }
                let order = Self.compare(Self.key(buffer, Int(a.start)), Self.key(buffer, Int(b.start)))
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

    /// The leads of the merged runs, in order.
    final class Leads {
        private var sources: [RunReader]
        /// Indices in `sources` of those with a record, as a binary min-heap by (key, index):
        /// runs were written in seq order, so a lead's changes come out in seq order.
        private var heap: [Int] = []

        fileprivate init(_ sources: [RunReader]) throws {
            self.sources = sources
            for (index, source) in sources.enumerated() where try source.advance() { heap.append(index) }
            for position in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(position) }
        }

        /// The next lead and its changes in seq order, or nil after the last.
        func next() throws -> (lead: String, changes: [Change])? {
            guard let first = heap.first else { return nil }
            let key = sources[first].withKey { [UInt8]($0) }
            var changes: [Change] = []
            while let top = heap.first,
                key.withUnsafeBytes({ key in sources[top].withKey { LeadSortedChanges.compare(key, $0) == 0 } })
            {
                changes.append(try sources[top].change())
                if try sources[top].advance() {
                    siftDown(0)
                } else {
                    heap.swapAt(0, heap.count - 1)
                    heap.removeLast()
                    if !heap.isEmpty { siftDown(0) }
                }
            }
            return (String(decoding: key, as: UTF8.self), changes)
        }

        private func precedes(_ a: Int, _ b: Int) -> Bool {
            let order = sources[a].withKey { ka in sources[b].withKey { kb in LeadSortedChanges.compare(ka, kb) } }
            return order != 0 ? order < 0 : a < b
        }

        private func siftDown(_ start: Int) {
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

/// Reads one run's records, each prefixed by its length, from the file of runs (or from memory
/// when nothing was spilled).
private final class RunReader {
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
    func advance() throws -> Bool {
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

    /// The current record's change.
    func change() throws -> LeadSortedChanges.Change {
        try buffer.withUnsafeBytes { bytes in
            var reader = BlobReader(
                bytes: UnsafeRawBufferPointer(rebasing: bytes[..<record.upperBound]), index: key.upperBound)
            var change = LeadSortedChanges.Change(
                seq: Int64(bitPattern: try reader.unsigned()), at: try reader.integer(), fields: [])
            let fields = try reader.count()
            change.fields.reserveCapacity(fields)
            for _ in 0..<fields { change.fields.append((try reader.string(), try reader.string())) }
            return change
        }
    }

    /// Makes the next `count` bytes of the run readable in `buffer[head...]`.
    private func ensure(_ count: Int) throws {
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

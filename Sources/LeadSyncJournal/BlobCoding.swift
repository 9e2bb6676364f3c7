/// The varint encoding of the journal's compact binary records: the `state` blob of a lead row
/// (`StoredLead`) and the changes an ingest sorts by lead (`LeadSortedChanges`). Counts and
/// lengths are LEB128 varints, integers zigzag-encoded, texts a length and their UTF-8 bytes.
enum BlobWriter {
    static func count(_ value: Int, _ out: inout [UInt8]) { unsigned(UInt64(value), &out) }

    static func integer(_ value: Int64, _ out: inout [UInt8]) {
        unsigned(UInt64(bitPattern: (value << 1) ^ (value >> 63)), &out)
    }

    static func string(_ value: String, _ out: inout [UInt8]) {
        var value = value
        value.withUTF8 { bytes in
            unsigned(UInt64(bytes.count), &out)
            out.append(contentsOf: bytes)
        }
    }

    static func unsigned(_ value: UInt64, _ out: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        out.append(UInt8(value))
    }
}

struct BlobReader {
    let bytes: UnsafeRawBufferPointer
    var index = 0

    var atEnd: Bool { index == bytes.count }

    func corrupt(_ id: Int64) -> JournalError { JournalError(.corrupt, "lead \(id) has an unreadable state") }

    mutating func unsigned() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while index < bytes.count, shift < 64 {
            let byte = bytes[index]
            index += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
        throw JournalError(.corrupt, "a lead's state blob ends inside a number")
    }

    mutating func count() throws -> Int {
        let value = try unsigned()
        guard value <= UInt64(bytes.count) else { throw JournalError(.corrupt, "a lead's state blob has a bad count") }
        return Int(value)
    }

    mutating func integer() throws -> Int64 {
        let value = try unsigned()
        return Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1)
    }

    mutating func string() throws -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: bytes[try text()]), as: UTF8.self)
    }

    /// Reads past a text; returns where its UTF-8 lies in `bytes`.
    mutating func text() throws -> Range<Int> {
        let length = try count()
        guard index + length <= bytes.count else {
            throw JournalError(.corrupt, "a lead's state blob ends inside a text")
        }
        defer { index += length }
        return index..<index + length
    }
}

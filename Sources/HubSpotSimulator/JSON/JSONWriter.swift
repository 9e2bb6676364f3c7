/// Appends JSON text to a byte buffer, escaping strings per RFC 8259.
///
/// Besides whole values, it writes objects member by member (``beginObject()``, ``key(_:)``, a
/// value, …, ``endObject()``), so hot answers are written without building a tree first.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []
    /// Whether a value was just written inside an object, so the next member needs a comma.
    private var needsComma = false

    init(capacity: Int = 1024) { bytes.reserveCapacity(capacity) }

    /// Opens an object whose members follow through ``key(_:)``.
    mutating func beginObject() {
        bytes.append(0x7B)
        needsComma = false
    }

    /// Closes the object ``beginObject()`` opened.
    mutating func endObject() {
        bytes.append(0x7D)
        needsComma = true
    }

    /// Writes a member's name, after a comma unless it is the object's first; its value follows.
    mutating func key(_ name: String) {
        if needsComma { bytes.append(0x2C) }
        write(string: name)
        bytes.append(0x3A)
        needsComma = false
    }

    /// Writes epoch milliseconds as an ISO 8601 string, without making a `String` of it.
    mutating func write(timestamp milliseconds: Int64) {
        bytes.append(0x22)
        ISOTimestamp.append(milliseconds, to: &bytes)
        bytes.append(0x22)
        needsComma = true
    }

    mutating func write(_ value: JSONValue) {
        defer { needsComma = true }
        switch value {
        case .null: bytes.append(contentsOf: "null".utf8)
        case .bool(let b): bytes.append(contentsOf: b ? "true".utf8 : "false".utf8)
        case .number(let n): bytes.append(contentsOf: n.utf8)
        case .string(let s): write(string: s)
        case .raw(let text): bytes.append(contentsOf: text)
        case .array(let items):
            bytes.append(0x5B)
            for (i, item) in items.enumerated() {
                if i > 0 { bytes.append(0x2C) }
                write(item)
            }
            bytes.append(0x5D)
        case .object(let members):
            bytes.append(0x7B)
            for (i, member) in members.enumerated() {
                if i > 0 { bytes.append(0x2C) }
                write(string: member.0)
                bytes.append(0x3A)
                write(member.1)
            }
            bytes.append(0x7D)
        }
    }

    mutating func write(string: String) {
        defer { needsComma = true }
        bytes.append(0x22)
        var s = string
        s.withUTF8 { utf8 in
            var runStart = 0
            for i in 0..<utf8.count {
                let c = utf8[i]
                guard c < 0x20 || c == 0x22 || c == 0x5C else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<i]))
                runStart = i + 1
                switch c {
                case 0x22: bytes.append(contentsOf: [0x5C, 0x22])
                case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
                case 0x0A: bytes.append(contentsOf: [0x5C, 0x6E])
                case 0x0D: bytes.append(contentsOf: [0x5C, 0x72])
                case 0x09: bytes.append(contentsOf: [0x5C, 0x74])
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(c >> 4)], hex[Int(c & 0xF)]])
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
        bytes.append(0x22)
    }
}

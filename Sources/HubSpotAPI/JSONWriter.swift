import Foundation

/// Writes request bodies straight into bytes: batch bodies are built on the hot path of a drain,
/// where `JSONEncoder` costs about five times as much.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    var data: Data { Data(bytes) }

    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func string(_ value: String) {
        bytes.append(0x22)
        for byte in value.utf8 {
            switch byte {
            case 0x22:
                bytes.append(0x5C)
                bytes.append(0x22)
            case 0x5C:
                bytes.append(0x5C)
                bytes.append(0x5C)
            case 0x0A:
                bytes.append(0x5C)
                bytes.append(0x6E)
            case 0x0D:
                bytes.append(0x5C)
                bytes.append(0x72)
            case 0x09:
                bytes.append(0x5C)
                bytes.append(0x74)
            case 0..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: bytes.append(byte)
            }
        }
        bytes.append(0x22)
    }

    mutating func integer(_ value: Int) { bytes.append(contentsOf: String(value).utf8) }

    /// `"key":`
    mutating func key(_ name: StaticString) {
        bytes.append(0x22)
        raw(name)
        raw("\":")
    }

    /// `{"name":"value",…}`, in the values' order (by name), so equal values give equal bytes.
    mutating func properties(_ values: PropertyValues) {
        bytes.append(0x7B)
        for (index, element) in values.enumerated() {
            if index > 0 { bytes.append(0x2C) }
            string(element.name)
            bytes.append(0x3A)
            string(element.value)
        }
        bytes.append(0x7D)
    }

    mutating func stringArray(_ values: [String]) {
        bytes.append(0x5B)
        for (index, value) in values.enumerated() {
            if index > 0 { bytes.append(0x2C) }
            string(value)
        }
        bytes.append(0x5D)
    }

    /// Writes `[e0,e1,…]`, each element by `body`.
    mutating func array<T>(_ elements: [T], _ body: (inout JSONWriter, T) -> Void) {
        bytes.append(0x5B)
        for (index, element) in elements.enumerated() {
            if index > 0 { bytes.append(0x2C) }
            body(&self, element)
        }
        bytes.append(0x5D)
    }
}

import Foundation
import LeadSyncSupport

/// Writes request bodies straight into bytes: batch bodies are built on the hot path of a drain,
/// where `JSONEncoder` costs about five times as much.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    var data: Data { Data(bytes) }

    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// `value` as a string literal, escaped as the journal escapes its text (``JSONText``).
    mutating func string(_ value: String) { JSONText.appendString(value, to: &bytes) }

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

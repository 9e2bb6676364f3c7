/// HTTP field names: ASCII tokens (RFC 9110 §5.1) whose case does not matter.
package enum HTTPFieldName {
    /// Whether `a` and `b` name the same field: ASCII letters compared without case, byte by
    /// byte. A client's and a server's headers are looked up many times per request, and
    /// lowercasing both names made two strings per field compared.
    package static func same(_ a: String, _ b: String) -> Bool {
        a.utf8.elementsEqual(b.utf8) { x, y in
            x == y || (x | 0x20 == y | 0x20 && (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(x | 0x20))
        }
    }
}

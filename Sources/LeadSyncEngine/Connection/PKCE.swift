/// Proof Key for Code Exchange (RFC 7636) with the S256 method: a random verifier kept by
/// `connect`, and its challenge sent on the consent URL.
public struct PKCE: Sendable {
    /// 43 characters of base64url: 32 random bytes.
    public let verifier: String
    /// `BASE64URL(SHA256(verifier))`.
    public let challenge: String

    /// A fresh verifier from `generator` (the system's by default).
    public init<G: RandomNumberGenerator>(using generator: inout G) {
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        self.init(verifier: Base64URL.encode(bytes))
    }

    public init() {
        var generator = SystemRandomNumberGenerator()
        self.init(using: &generator)
    }

    /// The challenge of a given verifier.
    public init(verifier: String) {
        self.verifier = verifier
        challenge = Base64URL.encode(SHA256.hash(Array(verifier.utf8)))
    }
}

/// Base64 with the URL-safe alphabet and no padding (RFC 4648 §5), as PKCE and `state` use.
enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count * 4 + 2) / 3)
        var i = 0
        while i + 3 <= bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], alphabet[Int(n & 63)]]
            i += 3
        }
        let rest = bytes.count - i
        if rest == 1 {
            let n = UInt32(bytes[i]) << 16
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)]]
        } else if rest == 2 {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)]]
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A random URL-safe token of `byteCount` random bytes (for `state`).
    static func randomToken<G: RandomNumberGenerator>(byteCount: Int = 24, using generator: inout G) -> String {
        encode((0..<byteCount).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }
}

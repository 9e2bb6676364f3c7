import LeadSyncSupport

/// Proof Key for Code Exchange (RFC 7636) with the S256 method: a random verifier kept by
/// `connect`, and its challenge sent on the consent URL.
package struct PKCE: Sendable {
    /// 43 characters of base64url: 32 random bytes.
    package let verifier: String
    /// `BASE64URL(SHA256(verifier))`.
    package let challenge: String

    /// A fresh verifier from `generator` (the system's by default).
    package init<G: RandomNumberGenerator>(using generator: inout G) {
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        self.init(verifier: Base64URL.encode(bytes))
    }

    package init() {
        var generator = SystemRandomNumberGenerator()
        self.init(using: &generator)
    }

    /// The challenge of a given verifier.
    package init(verifier: String) {
        self.verifier = verifier
        challenge = Base64URL.encode(SHA256.hash(Array(verifier.utf8)))
    }
}

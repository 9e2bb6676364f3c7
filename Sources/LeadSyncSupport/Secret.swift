/// A credential (access or refresh token, client secret, authorization code, PKCE verifier).
///
/// Its description, debug description and reflection never show the value, so a secret that
/// reaches a log line, an error message or `print` shows as `<redacted>`. Read the value only
/// where it is sent: `secret.revealed`.
///
/// ```swift
/// let token = Secret("pat-na1-…")
/// print(token)            // <redacted>
/// request.bearer = token.revealed
/// ```
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The value itself. Named so every use is visible in review.
    public let revealed: String

    public init(_ value: String) { self.revealed = value }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "Secret(<redacted>)" }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
    public var isEmpty: Bool { revealed.isEmpty }
}

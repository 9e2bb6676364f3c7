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
package struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The value itself. Named so every use is visible in review.
    package let revealed: String

    package init(_ value: String) { self.revealed = value }

    package var description: String { "<redacted>" }
    package var debugDescription: String { "Secret(<redacted>)" }
    package var customMirror: Mirror { Mirror(self, children: [:]) }
    package var isEmpty: Bool { revealed.isEmpty }
}

package import Foundation
import LeadSyncSupport
package import Logging
import Synchronization

/// A `LogHandler` that writes one line per event and never lets a credential through: values of
/// metadata keys that name a secret (authorization, token, secret, code, verifier, password),
/// `Bearer …` values, HubSpot token shapes (`pat-…`), and every secret registered with
/// ``SecretRedactor`` are replaced by `<redacted>`, in the message and the metadata alike.
///
/// ```swift
/// let redactor = SecretRedactor()
/// LoggingSystem.bootstrap { RedactingLogHandler(label: $0, level: .info, redactor: redactor) }
/// redactor.register(token)      // a value known only at run time
/// ```
package struct RedactingLogHandler: LogHandler {
    package var logLevel: Logger.Level
    package var metadata: Logger.Metadata = [:]
    private let label: String
    private let redactor: SecretRedactor
    private let write: @Sendable (String) -> Void

    /// - Parameter write: where finished lines go; standard error by default.
    package init(
        label: String, level: Logger.Level, redactor: SecretRedactor,
        write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
    ) {
        self.label = label
        self.logLevel = level
        self.redactor = redactor
        self.write = write
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    package func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        var line = "\(Timestamp.now()) \(event.level) \(label): \(redactor.redact(event.message.description))"
        for key in merged.keys.sorted() {
            let value = SecretRedactor.namesSecret(key) ? "<redacted>" : redactor.redact("\(merged[key]!)")
            line += " \(key)=\(value)"
        }
        if let error = event.error { line += " error=\(redactor.redact(String(describing: error)))" }
        write(line)
    }
}

/// Knows which text must never reach a log: registered secret values and the shapes of
/// credentials.
package final class SecretRedactor: Sendable {
    private let known = Mutex<Set<String>>([])

    package init() {}

    /// Adds a value to hide wherever it appears (tokens, client secrets, codes).
    package func register(_ secret: String) {
        guard secret.count >= 4 else { return }
        _ = known.withLock { $0.insert(secret) }
    }

    /// The text with every known secret and credential shape replaced by `<redacted>`.
    package func redact(_ text: String) -> String {
        var result = text
        for secret in known.withLock({ $0 }) where result.contains(secret) {
            result = result.replacingOccurrences(of: secret, with: "<redacted>")
        }
        for pattern in Self.patterns {
            result = result.replacingOccurrences(of: pattern, with: "$1<redacted>", options: .regularExpression)
        }
        return result
    }

    /// True for metadata keys whose values are credentials by name: the key's last dotted part
    /// is `authorization`, `token`, `secret`, `code`, `verifier`, `password` or `cookie`, or
    /// ends in one (`access_token`, `client_secret`); `token.kind` or `token.revoked` are not.
    static func namesSecret(_ key: String) -> Bool {
        let last = key.lowercased().split(separator: ".").last.map(String.init) ?? ""
        return ["authorization", "token", "secret", "code", "verifier", "password", "cookie"].contains {
            last == $0 || last.hasSuffix("_" + $0)
        }
    }

    /// `Bearer <token>`, `pat-<hublet>-<uuid>`, and `key=value` pairs that name a secret.
    private static let patterns = [
        #"((?i:bearer)\s+)[^\s"',;]+"#,
        #"()\bpat-[a-z0-9]+-[A-Za-z0-9-]+"#,
        #"((?i:access_token|refresh_token|client_secret|code_verifier|code|token)[=:]\s*"?)[^\s"&,;]+"#,
    ]
}

extension Timestamp {
    fileprivate static func now() -> String { format(Date()) }
}

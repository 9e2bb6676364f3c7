package import Foundation

/// The 256-bit key that seals every tenant's credentials in a PostgreSQL store (decision 0027),
/// read from a file (`LEADSYNC_CREDENTIALS_KEY_FILE`) or the environment
/// (`LEADSYNC_CREDENTIALS_KEY`): 32 bytes written as 64 hex digits or as base64, surrounding
/// whitespace ignored (`openssl rand -hex 32 > key`). A key file that group or others may read is
/// refused, as ssh refuses such a private key.
///
/// Its description names where it came from, never its bytes.
package struct CredentialsKey: Sendable, CustomStringConvertible {
    let bytes: [UInt8]
    /// Where the key came from: "LEADSYNC_CREDENTIALS_KEY_FILE /etc/leadsync/key".
    package let source: String

    package var description: String { "the credentials key from \(source)" }

    /// Parses a key's text; the error names `source`, never the text.
    package init(text: String, source: String) throws(PostgresStoreError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.count == 64, let bytes = Self.hexBytes(trimmed) {
            self.bytes = bytes
        } else if let data = Data(base64Encoded: trimmed), data.count == 32 {
            bytes = [UInt8](data)
        } else {
            throw PostgresStoreError(
                .credentialsKey,
                "\(source): the credentials key must be 32 bytes as 64 hex digits or base64 (make one with `openssl rand -hex 32`)"
            )
        }
        self.source = source
    }

    /// The key the environment names: the file `LEADSYNC_CREDENTIALS_KEY_FILE`, else the value of
    /// `LEADSYNC_CREDENTIALS_KEY`; nil when neither is set.
    package static func fromEnvironment(_ environment: [String: String]) throws(PostgresStoreError) -> CredentialsKey? {
        if let path = environment["LEADSYNC_CREDENTIALS_KEY_FILE"], !path.isEmpty {
            return try CredentialsKey(file: path, source: "LEADSYNC_CREDENTIALS_KEY_FILE \(path)")
        }
        if let text = environment["LEADSYNC_CREDENTIALS_KEY"], !text.isEmpty {
            return try CredentialsKey(text: text, source: "LEADSYNC_CREDENTIALS_KEY")
        }
        return nil
    }

    /// Reads a key file, refusing one that group or others may read.
    package init(file path: String, source: String) throws(PostgresStoreError) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw PostgresStoreError(.credentialsKey, "\(source): cannot read it: \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & 0o077 == 0 else {
            throw PostgresStoreError(
                .credentialsKey,
                "\(source): group or others may read it (mode \(String(info.st_mode & 0o777, radix: 8))); run chmod 600 on it"
            )
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else { throw PostgresStoreError(.credentialsKey, "\(source): cannot read it") }
        try self.init(text: text, source: source)
    }

    private static func hexBytes(_ text: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        var high: UInt8?
        for character in text.utf8 {
            let nibble: UInt8
            switch character {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = character - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = character - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = character - UInt8(ascii: "A") + 10
            default: return nil
            }
            if let value = high {
                bytes.append(value << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        return bytes
    }
}

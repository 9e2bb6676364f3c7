package import Foundation
import LeadSyncSupport

/// The credentials file beside the journal (`<journal>.credentials`, or wherever the CLI's
/// `LEADSYNC_CREDENTIALS` says):
/// JSON, mode 0600 from the moment it exists whatever the umask, replaced atomically.
package struct CredentialsFile: Sendable {
    package let path: String

    package init(path: String) { self.path = path }

    /// `<journal>.credentials` beside the journal's canonical path (``JournalIdentity``),
    /// whichever path to the journal was given: where `leadsync connect` stores them.
    package init(besideJournal journalPath: String) {
        path = JournalIdentity.canonicalPath(journalPath) + ".credentials"
    }

    package var exists: Bool { FileManager.default.fileExists(atPath: path) }

    /// The stored credentials, or nil when there is no file.
    package func read() throws -> StoredCredentials? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try StoredCredentials(document: data, location: location)
    }

    /// Replaces the file with `credentials` (see ``write(document:)``).
    package func write(_ credentials: StoredCredentials) throws {
        try write(document: try credentials.document())
    }

    /// Replaces the file atomically: a temporary file created 0600 (`O_EXCL`, then `fchmod` so
    /// the umask cannot widen it), written, synced, renamed over the old one, directory synced.
    func write(document data: Data) throws {
        let directory = (path as NSString).deletingLastPathComponent
        let temporary = path + ".tmp-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw CredentialsFileError(
                path: temporary, reason: "cannot be created: \(String(cString: strerror(errno)))")
        }
        var renamed = false
        defer { if !renamed { unlink(temporary) } }
        do {
            defer { close(fd) }
            guard fchmod(fd, 0o600) == 0 else {
                throw CredentialsFileError(path: temporary, reason: "cannot be made private")
            }
            try data.withUnsafeBytes { bytes in
                var offset = 0
                while offset < bytes.count {
                    let written = Foundation.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                    guard written > 0 else {
                        throw CredentialsFileError(
                            path: temporary, reason: "write failed: \(String(cString: strerror(errno)))")
                    }
                    offset += written
                }
            }
            guard fsync(fd) == 0 else { throw CredentialsFileError(path: temporary, reason: "fsync failed") }
        }
        guard rename(temporary, path) == 0 else {
            throw CredentialsFileError(path: path, reason: "cannot be replaced: \(String(cString: strerror(errno)))")
        }
        renamed = true
        let directoryFD = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY)
        if directoryFD >= 0 {
            fsync(directoryFD)
            close(directoryFD)
        }
    }

    /// Forgets the credentials; no file is not an error.
    package func delete() throws {
        guard unlink(path) == 0 || errno == ENOENT else {
            throw CredentialsFileError(path: path, reason: "cannot be removed: \(String(cString: strerror(errno)))")
        }
    }
}

extension CredentialsFile: CredentialStore {
    package var location: String { "credentials file \(path)" }
    package func loadDocument() throws -> Data? { FileManager.default.contents(atPath: path) }
    package func saveDocument(_ document: Data) throws { try write(document: document) }
    package func deleteDocument() throws { try delete() }
}

/// The credentials file could not be read or written.
package struct CredentialsFileError: Error, CustomStringConvertible {
    package let path: String
    package let reason: String
    package var description: String { "credentials file \(path) \(reason)" }
}

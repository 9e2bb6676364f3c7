import Foundation

/// The one name of a journal file, whatever path reached it.
///
/// The files kept beside a journal — the sync lock and the credentials — are named after it, so
/// they must be named after the file and not after the path a command was given: through a
/// symlink, a relative path or `..`, two `sync` runs must find the same lock, and `connect`
/// and `sync` the same credentials. Symlinks are resolved with `realpath`; a bind mount of the
/// directory reaches the same lock file anyway. Hard links are not covered: SQLite names a
/// journal's `-wal` after its path, so a hard-linked journal is unsafe whatever leadsync does.
package enum JournalIdentity {
    /// The canonical path of `path`: the file's real path when it exists, else its real
    /// directory joined with its name, else `path` as given.
    package static func canonicalPath(_ path: String) -> String {
        if let resolved = realPath(path) { return resolved }
        let name = (path as NSString).lastPathComponent
        let directory = (path as NSString).deletingLastPathComponent
        guard let resolvedDirectory = realPath(directory.isEmpty ? "." : directory) else { return path }
        return (resolvedDirectory as NSString).appendingPathComponent(name)
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

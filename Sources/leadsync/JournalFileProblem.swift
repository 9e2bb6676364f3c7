import Foundation

/// Why the file system will not let the journal be written, in words a user can act on, for the
/// errors SQLite reports in its own terms ("unable to open database file", "attempt to write a
/// readonly database", "disk I/O error").
enum JournalFileProblem {
    /// The first problem found with `path` (the journal file), its directory and its mount, or
    /// nil when writing should work.
    static func describe(_ path: String) -> String? {
        let directory =
            (path as NSString).deletingLastPathComponent.isEmpty
            ? "." : (path as NSString).deletingLastPathComponent
        var fileSystem = statvfs()
        if statvfs(directory, &fileSystem) == 0 {
            if fileSystem.f_flag & UInt(ST_RDONLY) != 0 { return "it is on a read-only file system" }
            if fileSystem.f_bavail == 0 { return "the disk holding it is full" }
        }
        if access(path, W_OK) != 0, errno != ENOENT {
            return "the file is not writable (\(String(cString: strerror(errno))))"
        }
        if access(directory, W_OK) != 0 {
            return "its directory \(directory) is not writable (\(String(cString: strerror(errno)))), "
                + "and SQLite creates the -wal and -shm files beside the journal"
        }
        return nil
    }
}

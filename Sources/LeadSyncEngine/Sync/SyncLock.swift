import Foundation
import Synchronization

/// The one-sync-per-journal lock: an exclusive `flock` on `<journal>.sync.lock`, which the kernel
/// releases when the process dies (even by kill -9). The file holds the holder's pid, so a
/// second sync can name it. `<journal>` is the journal's canonical path (``JournalIdentity``), so
/// a sync through a symlink or another path to the same file finds the same lock.
///
/// ```swift
/// let lock = try SyncLock(journalPath: "leads.db")   // throws SyncError(.lockHeld) naming the pid
/// defer { lock.release() }
/// ```
package final class SyncLock: Sendable {
    /// `<canonical journal path>.sync.lock`.
    package let path: String
    /// The open lock file; nil once released.
    private let descriptor: Mutex<Int32?>

    /// Takes the lock without waiting.
    package init(journalPath: String) throws {
        path = JournalIdentity.canonicalPath(journalPath) + ".sync.lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw SyncError(.lockFailed, "cannot open the sync lock \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let reason = errno
            let holder = Self.readPID(fd)
            close(fd)
            guard reason == EWOULDBLOCK else {
                throw SyncError(.lockFailed, "cannot lock \(path): \(String(cString: strerror(reason)))")
            }
            let who = holder.map { "process \($0)" } ?? "another process"
            throw SyncError(
                .lockHeld, "another sync is running on this journal (\(who) holds \(path))", holderPID: holder)
        }
        let pid = "\(getpid())\n"
        _ = ftruncate(fd, 0)
        _ = pid.withCString { pwrite(fd, $0, strlen($0), 0) }
        descriptor = Mutex(fd)
    }

    deinit { release() }

    /// Releases the lock. Idempotent.
    ///
    /// Unlocks before closing: a child this process is starting holds a copy of every descriptor
    /// between its fork and its exec (`O_CLOEXEC` closes it only at the exec), and a close alone
    /// would leave the lock held through that copy — a sync started right after would find it held
    /// by this very process.
    package func release() {
        descriptor.withLock { fd in
            if let open = fd {
                flock(open, LOCK_UN)
                close(open)
            }
            fd = nil
        }
    }

    private static func readPID(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = pread(fd, &buffer, buffer.count, 0)
        guard count > 0 else { return nil }
        let text = String(decoding: buffer[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return Int32(text)
    }
}

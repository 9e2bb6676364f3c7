import Foundation
import Synchronization

/// The recent requests of every process working on one journal, in a small file beside it
/// (`<journal>.requests`) under an exclusive `flock`, so that a `sync` and a `pull` or `verify`
/// running side by side share one rolling-window budget. Without a path it lives in memory (one
/// process).
///
/// Each entry is one request: the process that sent it, when, and the latest moment HubSpot can
/// have counted it (its answer less the sender's arrival credit; unknown while in flight).
/// Deciding and recording a request happen under the lock, so two processes never both take the
/// last slot. Entries of dead processes, and requests in flight for longer than any request can
/// take, stop counting. Beside the entries, the ledger keeps the limit HubSpot's headers last
/// told any of the processes (``LearnedLimit``), so a process starting beside a running one paces
/// from it before its own first answer instead of guessing (decision 0024).
final class RequestLedger: Sendable {
    struct Entry: Sendable, Hashable {
        var pid: Int32
        var serial: UInt32
        var sentMilliseconds: Int64
        /// The latest moment HubSpot can have counted it; -1 while in flight.
        var countedMilliseconds: Int64
    }

    /// HubSpot's `X-HubSpot-RateLimit-Max` and `-Interval-Milliseconds` (0: not given) as an
    /// answer received at `learnedMilliseconds` carried them. Stored as a record whose pid is 0,
    /// which no process has, so the window counts never include it.
    struct LearnedLimit: Sendable, Hashable {
        var max: UInt32
        var intervalMilliseconds: Int64
        var learnedMilliseconds: Int64
    }

    /// What the file holds: the recent requests and the latest limit learned.
    struct Contents: Sendable {
        var entries: [Entry] = []
        var learned: LearnedLimit?
    }

    /// `<journal>.requests`.
    let path: String?
    private let descriptor: Int32?
    /// In memory (no path), or this process's serialisation of the file (flock is per process).
    private let contents = Mutex(Contents())
    /// Process-wide, so that two ledgers of one journal in one process never share a serial.
    private static let serial = Atomic<UInt32>(0)
    private static let entrySize = 24
    /// A request in flight longer than this is lost (its process hung or the clock jumped).
    private static let abandonedAfterMilliseconds: Int64 = 300_000

    /// Opens (creating, mode 0600) the ledger at `path`; nil keeps it in memory.
    init(path: String?) throws {
        self.path = path
        guard let path else {
            descriptor = nil
            return
        }
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw SyncError(
                .lockFailed, "cannot open the request ledger \(path): \(String(cString: strerror(errno)))")
        }
        descriptor = fd
    }

    deinit { if let descriptor { close(descriptor) } }

    /// Runs `body` on the contents, with only the live entries (of live processes, not expired at
    /// `now` for `span` ms), under the lock, and stores what it leaves.
    func update<T>(nowMilliseconds now: Int64, spanMilliseconds span: Int64, _ body: (inout Contents) -> T) -> T {
        contents.withLock { memory in
            guard let fd = descriptor else {
                prune(&memory.entries, now: now, span: span)
                return body(&memory)
            }
            while flock(fd, LOCK_EX) != 0 && errno == EINTR {}
            defer { flock(fd, LOCK_UN) }
            var stored = Self.read(fd)
            prune(&stored.entries, now: now, span: span)
            let result = body(&stored)
            Self.write(stored, to: fd)
            return result
        }
    }

    /// A serial number unique in this process.
    func nextSerial() -> UInt32 { Self.serial.add(1, ordering: .relaxed).newValue }

    private func prune(_ entries: inout [Entry], now: Int64, span: Int64) {
        var alive: [Int32: Bool] = [getpid(): true]
        entries.removeAll { entry in
            if entry.countedMilliseconds >= 0 { return entry.countedMilliseconds + span <= now }
            if now - entry.sentMilliseconds > Self.abandonedAfterMilliseconds { return true }
            let living = alive[entry.pid] ?? (kill(entry.pid, 0) == 0 || errno != ESRCH)
            alive[entry.pid] = living
            return !living
        }
    }

    /// The pid of the ``LearnedLimit`` record.
    private static let learnedPid: Int32 = 0

    private static func read(_ fd: Int32) -> Contents {
        var stat = stat()
        guard fstat(fd, &stat) == 0, stat.st_size > 0 else { return Contents() }
        var bytes = [UInt8](repeating: 0, count: Int(stat.st_size) / entrySize * entrySize)
        let count = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return Contents() }
        var contents = Contents()
        for offset in stride(from: 0, to: count - count % entrySize, by: entrySize) {
            let record = bytes.withUnsafeBytes { raw in
                Entry(
                    pid: raw.loadUnaligned(fromByteOffset: offset, as: Int32.self),
                    serial: raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self),
                    sentMilliseconds: raw.loadUnaligned(fromByteOffset: offset + 8, as: Int64.self),
                    countedMilliseconds: raw.loadUnaligned(fromByteOffset: offset + 16, as: Int64.self))
            }
            if record.pid == learnedPid {
                contents.learned = LearnedLimit(
                    max: record.serial, intervalMilliseconds: record.sentMilliseconds,
                    learnedMilliseconds: record.countedMilliseconds)
            } else {
                contents.entries.append(record)
            }
        }
        return contents
    }

    private static func write(_ contents: Contents, to fd: Int32) {
        let learned = contents.learned.map {
            Entry(
                pid: learnedPid, serial: $0.max, sentMilliseconds: $0.intervalMilliseconds,
                countedMilliseconds: $0.learnedMilliseconds)
        }
        let records = (learned.map { [$0] } ?? []) + contents.entries
        var bytes = [UInt8](repeating: 0, count: records.count * entrySize)
        bytes.withUnsafeMutableBytes { raw in
            for (index, entry) in records.enumerated() {
                let offset = index * entrySize
                raw.storeBytes(of: entry.pid, toByteOffset: offset, as: Int32.self)
                raw.storeBytes(of: entry.serial, toByteOffset: offset + 4, as: UInt32.self)
                raw.storeBytes(of: entry.sentMilliseconds, toByteOffset: offset + 8, as: Int64.self)
                raw.storeBytes(of: entry.countedMilliseconds, toByteOffset: offset + 16, as: Int64.self)
            }
        }
        _ = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        _ = ftruncate(fd, off_t(bytes.count))
    }
}

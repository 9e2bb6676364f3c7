internal import Foundation
internal import LeadSyncSQLite

/// The append-only journal of lead changes, with the state kept beside it: current lead values
/// and counters (derived, rebuildable), delivery state (remote ids, base values, per-field
/// outcomes, rejections) and configuration (mappings, push rules, pull rules, settings).
///
/// An append is durable when `record` returns (WAL, `synchronous=FULL` by default). Several
/// processes may append to one file while another syncs: every write is a `BEGIN IMMEDIATE`
/// transaction that waits for the lock up to `JournalOptions.busyTimeout`.
///
/// Thread-safe: all SQLite work runs on the journal's own serial queue, never on Swift's
/// cooperative pool. Every operation has a blocking form (for plain threads) and an `async`
/// form (which suspends instead of blocking).
///
/// ```swift
/// let journal = try Journal(path: "/var/lib/kiosk/leads.db")
/// try journal.record(lead: "L-1042", fields: ["email": .string("ada@example.com")])
/// ```
///
/// Appends only write the change row. Derived state (current values, pending counts) is
/// brought up to date by `fold()`, which `status`, `lead(_:)` and the sync engine call.
public final class Journal: @unchecked Sendable {
    // Invariant behind @unchecked Sendable: `connection` is touched only on `queue`.
    private let connection: Connection
    private let queue: DispatchQueue
    public let path: String
    public let options: JournalOptions
    /// True when this open created the journal (it had no schema before).
    public let created: Bool
    let groupCommit = GroupCommit()

    /// The schema version a fully migrated journal has.
    public static var schemaVersion: Int { JournalSchema.migrator.latestVersion }

    /// Opens the journal at `path`, creating and migrating it as needed. The parent directory
    /// must exist.
    public init(path: String, options: JournalOptions = JournalOptions()) throws {
        let connection = try Connection(path: path, busyTimeout: options.busyTimeout)
        // WAL lets readers run beside the single writer; the mode is persistent in the file.
        try connection.execute("PRAGMA journal_mode = WAL")
        try connection.execute("PRAGMA synchronous = \(options.synchronous == .full ? "FULL" : "NORMAL")")
        try connection.execute("PRAGMA cache_size = -\(options.cacheKiB)")
        let before = try connection.userVersion
        try JournalSchema.migrator.migrate(connection)
        self.connection = connection
        self.path = path
        self.options = options
        self.created = before == 0
        self.queue = DispatchQueue(label: "leadsync.journal")
    }

    /// The schema version of this journal's file.
    public func schemaVersionOnDisk() throws -> Int { try sync { db in try db.userVersion } }

    /// Runs `body` on the journal's queue and waits for it.
    func sync<T>(_ body: (Connection) throws -> T) throws -> T {
        try queue.sync { try body(connection) }
    }

    /// Runs `body` on the journal's queue later; the caller goes on at once.
    func onQueue(_ body: @escaping @Sendable (Connection) -> Void) {
        queue.async { body(self.connection) }
    }

    /// Runs `body` on the journal's queue without blocking the caller's thread.
    func async<T: Sendable>(_ body: @escaping @Sendable (Journal, Connection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try body(self, self.connection) })
            }
        }
    }
}

internal import Foundation
internal import LeadSyncSQLite

/// The append-only journal of lead changes, with the state kept beside it, opened from one
/// SQLite file and offered as narrow stores over one database executor:
///
/// - `changeLog`: appends (single and batched) and the fold into derived state;
/// - `leads`: reads of lead state (status, one lead, pending windows, linked leads, snapshots);
/// - `ledger`: what the remote answered and holds (outcomes, marks, base values, rejections,
///   pulled records);
/// - `configuration`: mappings, push rules, pull rules and settings;
/// - `maintenance`: integrity check, compaction and backup;
/// - `conversations`: conversation messages and summaries, and the state of their notes.
///
/// Every store method is `async` and suspends instead of blocking: all SQLite work runs on the
/// journal's own serial queue, never on Swift's cooperative pool. Code outside Swift
/// concurrency (plain threads, a synchronous command) uses the one blocking adapter,
/// `blocking(_:)`.
///
/// An append is durable when `record` returns (WAL, `synchronous=FULL` by default). Several
/// processes may append to one file while another syncs: every write is a `BEGIN IMMEDIATE`
/// transaction that waits for the lock up to `JournalOptions.busyTimeout`.
///
/// ```swift
/// let journal = try Journal(path: "/var/lib/kiosk/leads.db")
/// try await journal.changeLog.record(lead: "L-1042", fields: ["email": .string("ada@example.com")])
/// ```
///
/// Appends only write the change row. Derived state (current values, pending counts) is
/// brought up to date by `changeLog.fold()`, which `status`, `lead(_:)` and the sync engine call.
package final class Journal: Sendable {
    package let path: String
    package let options: JournalOptions
    /// True when this open created the journal (it had no schema before).
    package let created: Bool
    /// Appends and the fold.
    package let changeLog: ChangeLog
    /// Reads of lead state.
    package let leads: LeadStore
    /// The remote's answers and what it holds.
    package let ledger: DeliveryLedger
    /// Mappings, push rules, pull rules and settings.
    package let configuration: ConfigurationStore
    /// Check, compaction and backup.
    package let maintenance: JournalMaintenance
    /// Conversation messages and summaries, and the state of their notes.
    package let conversations: ConversationStore

    /// The schema version a fully migrated journal has.
    package static var schemaVersion: Int { JournalSchema.migrator.latestVersion }

    /// True when nothing can be written: opened with `JournalOptions.readOnly`, or SQLite
    /// found the file or its mount read-only. Reads work; the first write fails.
    package let isReadOnly: Bool

    /// Opens the journal at `path`, creating and migrating it as needed (the parent directory
    /// must exist); with `options.readOnly`, opens an existing, fully migrated journal without
    /// writing anything.
    package init(path: String, options: JournalOptions = JournalOptions()) throws {
        let (connection, before) = try options.readOnly ? Self.openForReading(path, options) : Self.open(path, options)
        if options.readOnly, before != Self.schemaVersion {
            throw JournalError(
                .needsWrite,
                "\(path) has schema version \(before), not \(Self.schemaVersion): open it once with write access to upgrade it"
            )
        }
        let database = JournalDatabase(connection: connection, options: options)
        self.path = path
        self.options = options
        self.created = before == 0 && !options.readOnly
        self.isReadOnly = options.readOnly || connection.isReadOnly
        self.changeLog = ChangeLog(database: database)
        self.leads = LeadStore(database: database)
        self.ledger = DeliveryLedger(database: database)
        self.configuration = ConfigurationStore(database: database)
        self.maintenance = JournalMaintenance(database: database)
        self.conversations = ConversationStore(database: database)
    }

    /// Opens, migrates and claims the journal; returns it with its schema version before.
    private static func open(_ path: String, _ options: JournalOptions) throws -> (Connection, Int) {
        let connection = try Connection(path: path, busyTimeout: options.busyTimeout)
        try JournalOwnership.check(connection, path: path)
        // WAL lets readers run beside the single writer; the mode is persistent in the file.
        try connection.execute("PRAGMA journal_mode = WAL")
        try connection.execute("PRAGMA synchronous = \(options.synchronous == .full ? "FULL" : "NORMAL")")
        try connection.execute("PRAGMA cache_size = -\(options.cacheKiB)")
        let before = try connection.userVersion
        try JournalSchema.migrator.migrate(connection)
        if before == 0 { try JournalOwnership.claim(connection) }
        return (connection, before)
    }

    /// A WAL journal is read through its `-shm` index, which a read-only directory or mount or a
    /// full disk may not let SQLite create: then, when no `-wal` holds commits, the file alone is
    /// the journal and is read as immutable.
    private static func openForReading(_ path: String, _ options: JournalOptions) throws -> (Connection, Int) {
        let walSize = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? nil
        let connection = try Connection(
            path: path, create: false, readOnly: true, immutable: (walSize ?? 0) == 0,
            busyTimeout: options.busyTimeout)
        try JournalOwnership.check(connection, path: path)
        try connection.execute("PRAGMA cache_size = -\(options.cacheKiB)")
        return (connection, try connection.userVersion)
    }
}

internal import Dispatch
internal import LeadSyncSQLite

/// The one database executor behind every store of a journal: one SQLite connection and the
/// serial queue every statement runs on (decision 0003), with the group commit of single
/// appends. Stores hold this object and nothing else, so they share one transaction order.
final class JournalDatabase: @unchecked Sendable {
    // Invariant behind @unchecked Sendable: `connection` is touched only on `queue`.
    private let connection: Connection
    private let queue = DispatchQueue(label: "leadsync.journal")
    let options: JournalOptions
    let groupCommit = GroupCommit()

    init(connection: Connection, options: JournalOptions) {
        self.connection = connection
        self.options = options
    }

    /// Runs `body` on the journal's queue, suspending the calling task (never blocking a thread
    /// of Swift's cooperative pool) until it is done.
    func run<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body(self.connection) }) }
        }
    }

    /// Runs `body` on the journal's queue later; the caller goes on at once.
    func schedule(_ body: @escaping @Sendable (Connection) -> Void) {
        queue.async { body(self.connection) }
    }
}

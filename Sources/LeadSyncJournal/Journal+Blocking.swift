internal import Dispatch

extension Journal {
    /// The one blocking adapter, for code outside Swift concurrency (a plain thread, a
    /// synchronous command reading a file descriptor): runs `body`, which awaits the journal's
    /// stores, and blocks the calling thread until it is done.
    ///
    /// ```swift
    /// let seq = try journal.blocking { try await $0.changeLog.record(batch) }
    /// ```
    ///
    /// Async code awaits the stores directly instead. `body` runs on the adapter's own threads,
    /// never on Swift's cooperative pool, so waiting here cannot starve that pool even when a
    /// pool thread calls it; it must not be called from the journal's own queue.
    package func blocking<T: Sendable>(_ body: @escaping @Sendable (Journal) async throws -> T) throws -> T {
        try Blocking.run { try await body(self) }
    }
}

/// The blocking adapter itself, for stores other than a SQLite journal (an ingest into a
/// PostgreSQL tenant): runs `body` on the adapter's own threads and blocks until it is done.
package enum Blocking {
    package static func run<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let outcome = BlockingOutcome<T>()
        Task(executorPreference: BlockingExecutor.shared) {
            do {
                outcome.result = .success(try await body())
            } catch {
                outcome.result = .failure(error)
            }
            outcome.done.signal()
        }
        outcome.done.wait()
        return try outcome.result!.get()
    }
}

/// The result of one `blocking` call. Invariant behind @unchecked Sendable: `result` is written
/// once before `done` is signalled and read only after waiting on it.
private final class BlockingOutcome<T>: @unchecked Sendable {
    let done = DispatchSemaphore(value: 0)
    var result: Result<T, any Error>?
}

/// Runs the tasks of `Journal.blocking` on GCD threads, so a caller blocked on the cooperative
/// pool never waits for a pool thread.
private final class BlockingExecutor: TaskExecutor {
    static let shared = BlockingExecutor()
    private let queue = DispatchQueue(label: "leadsync.journal.blocking", attributes: .concurrent)

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

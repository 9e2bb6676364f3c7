import Foundation
import LeadSyncJournal
import LeadSyncSupport
import Logging
import Synchronization

/// The sync's journal writes, performed in the order asked on a task of their own, so recording
/// one answer overlaps with the requests still in flight and the loop's next decisions.
/// ``drain()`` waits until every write asked for so far is committed: a window read after it
/// sees them, and a batch sent after it cannot be re-sent by a kill together with earlier ones.
final class JournalLane: Sendable {
    private enum Job: Sendable {
        case record([LeadOutcome], [String: LeadMark], Date)
        case barrier(CheckedContinuation<Void, any Error>)
    }

    private let journal: any JournalStores
    private let events: SyncEvents
    /// Each record's start and commit at trace level (where a drain's local time goes).
    private let logger: Logger
    private let clock: any WallClock
    private let stream: AsyncStream<Job>
    private let jobs: AsyncStream<Job>.Continuation
    /// The first write that failed: every later call reports it.
    private let failure = Mutex<(any Error)?>(nil)

    /// `events` hears of each record once it is committed.
    init(
        journal: any JournalStores, events: SyncEvents, logger: Logger = Logger(label: "leadsync.sync"),
        clock: any WallClock = SystemWallClock()
    ) {
        self.journal = journal
        self.events = events
        self.logger = logger
        self.clock = clock
        (stream, jobs) = AsyncStream<Job>.makeStream()
    }

    /// Queues a record of outcomes and marks; throws when an earlier write failed.
    func record(_ outcomes: [LeadOutcome], marks: [String: LeadMark], at now: Date) throws {
        if let error = failure.withLock({ $0 }) { throw error }
        jobs.yield(.record(outcomes, marks, now))
    }

    /// Returns once every write queued before it is committed; throws the first failure.
    func drain() async throws {
        try await withCheckedThrowingContinuation { continuation in
            jobs.yield(.barrier(continuation))
        }
    }

    /// Performs the queued writes until ``finish()``.
    func run() async {
        for await job in stream {
            switch job {
            case .record(let outcomes, let marks, let now):
                guard failure.withLock({ $0 == nil }) else { continue }
                do {
                    let started = clock.now
                    try await journal.ledger.recordSyncStep(outcomes: outcomes, marks: marks, at: now)
                    logger.trace(
                        "outcomes recorded",
                        metadata: [
                            "trace.started_ms": "\(Timestamp.epochMilliseconds(started))",
                            "trace.committed_ms": "\(Timestamp.epochMilliseconds(clock.now))",
                            "record.outcomes": "\(outcomes.count)",
                        ])
                    CrashPoint.afterRecord.hit()
                    if !outcomes.isEmpty { events.emit(.recorded(outcomes)) }
                } catch {
                    failure.withLock { $0 = error }
                }
            case .barrier(let continuation):
                if let error = failure.withLock({ $0 }) {
                    continuation.resume(throwing: error)
                } else {
                    continuation.resume()
                }
            }
        }
    }

    /// Ends ``run()`` after the writes already queued.
    func finish() { jobs.finish() }
}

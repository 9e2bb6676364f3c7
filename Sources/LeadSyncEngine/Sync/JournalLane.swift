import Foundation
import LeadSyncJournal
import LeadSyncSupport
import Logging
import Synchronization

/// The sync's journal writes, performed in the order asked on a task of their own, so recording
/// one answer overlaps with the requests still in flight and the loop's next decisions.
/// ``drain()`` waits until every write asked for so far is committed, so a batch sent after it
/// cannot be re-sent by a kill together with earlier ones; ``afterWrites(_:)`` runs a read after
/// them without waiting for it, so a window read sees them while the loop goes on.
///
/// Records queued one after another while the lane was busy (no drain or read between them)
/// commit in one transaction: a lane falling behind catches up with fewer commits and fewer
/// hops to the journal's queue, and no batch waited for any of them alone.
final class JournalLane: Sendable {
    private enum Job: Sendable {
        case record([LeadOutcome], [String: LeadMark], Date)
        case barrier(CheckedContinuation<Void, any Error>)
        case read(@Sendable (Result<Void, any Error>) async -> Void)
    }

    private let journal: any JournalStores
    private let events: SyncEvents
    /// Each record's start and commit at trace level (where a drain's local time goes).
    private let logger: Logger
    private let clock: any WallClock
    /// The jobs asked for and not yet taken, in order; `wakeUps` tells ``run()`` there are some.
    private let queued = Mutex<(jobs: [Job], finished: Bool)>(([], false))
    private let wakeUps: AsyncStream<Void>
    private let wakeUp: AsyncStream<Void>.Continuation
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
        (wakeUps, wakeUp) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Queues a record of outcomes and marks; throws when an earlier write failed.
    func record(_ outcomes: [LeadOutcome], marks: [String: LeadMark], at now: Date) throws {
        if let error = failure.withLock({ $0 }) { throw error }
        enqueue(.record(outcomes, marks, now))
    }

    /// Returns once every write queued before it is committed; throws the first failure.
    func drain() async throws {
        try await withCheckedThrowingContinuation { continuation in
            enqueue(.barrier(continuation))
        }
    }

    /// Runs `read` once every write queued before it is committed, in order with them, and
    /// returns at once: `read` is handed the first failed write instead, when one failed.
    func afterWrites(_ read: @escaping @Sendable (Result<Void, any Error>) async -> Void) {
        enqueue(.read(read))
    }

    private func enqueue(_ job: Job) {
        let accepted = queued.withLock { queued in
            if !queued.finished { queued.jobs.append(job) }
            return !queued.finished
        }
        guard accepted else {
            // After finish(): nothing runs it, so a drain must not wait for ever.
            if case .barrier(let continuation) = job { continuation.resume(throwing: CancellationError()) }
            return
        }
        wakeUp.yield()
    }

    /// Performs the queued jobs until ``finish()``; those queued before it are performed first.
    func run() async {
        var iterator = wakeUps.makeAsyncIterator()
        while true {
            let (jobs, finished) = queued.withLock { queued in
                defer { queued.jobs.removeAll(keepingCapacity: true) }
                return (queued.jobs, queued.finished)
            }
            var index = jobs.startIndex
            while index < jobs.endIndex {
                switch jobs[index] {
                case .record(var outcomes, var marks, var at):
                    // A step's marks are written after its outcomes: a group ends at a step with
                    // marks, so every write lands in the order of separate transactions.
                    index += 1
                    while marks.isEmpty, index < jobs.endIndex,
                        case .record(let more, let moreMarks, let now) = jobs[index]
                    {
                        outcomes += more
                        (marks, at) = (moreMarks, now)
                        index += 1
                    }
                    await write(outcomes, marks, at)
                case .barrier(let continuation):
                    continuation.resume(with: written)
                    index += 1
                case .read(let read):
                    await read(written)
                    index += 1
                }
            }
            if finished { return }
            // Ended by finish() (the next turn performs what is left) or by cancellation.
            if jobs.isEmpty, await iterator.next() == nil, !queued.withLock({ $0.finished }) { return }
        }
    }

    /// What a drain or read is told of the writes before it: the first that failed, if any.
    private var written: Result<Void, any Error> { failure.withLock { $0 }.map { .failure($0) } ?? .success(()) }

    /// Commits one record (the records of several answers, when they queued up together).
    private func write(_ outcomes: [LeadOutcome], _ marks: [String: LeadMark], _ now: Date) async {
        guard failure.withLock({ $0 == nil }) else { return }
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
    }

    /// Ends ``run()`` after the jobs already queued.
    func finish() {
        queued.withLock { $0.finished = true }
        wakeUp.finish()
    }
}

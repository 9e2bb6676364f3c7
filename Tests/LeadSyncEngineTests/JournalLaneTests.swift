import Foundation
import LeadSyncJournal
import LeadSyncSupport
import LeadSyncTestKit
import Testing

@testable import LeadSyncEngine

/// The sync's journal lane on a real journal: records queued together commit together, in the
/// order separate transactions would, and a read runs after the records queued before it.
@Suite(.hangGuard) struct JournalLaneTests {
    /// A journal with leads L-1…L-`count`, each one pending change, and each lead's outcome
    /// delivering it.
    static func journal(leads count: Int, in dir: TemporaryDirectory) async throws -> (Journal, [LeadOutcome]) {
        let journal = try Journal(path: dir.path("j.db"), options: JournalOptions(synchronous: .normal))
        for n in 1...count {
            try await journal.changeLog.record(
                lead: "L-\(n)", fields: ["email": .string("l\(n)@example.com"), "first_name": .string("N\(n)")])
        }
        try await journal.changeLog.fold()
        let window = try await journal.leads.pendingLeads(limit: count)
        let outcomes = window.map { lead in
            LeadOutcome(
                lead: lead.lead, remoteID: .set("r-\(lead.lead)"),
                fields: lead.fields.map {
                    .init(
                        field: $0.field, seq: $0.seq,
                        result: .delivered(property: $0.property, sent: $0.value.wireString))
                })
        }
        return (journal, outcomes)
    }

    /// The leads of each committed record, in order.
    static func commits(_ events: SyncEvents, _ stream: AsyncStream<SyncEvent>) async -> [[String]] {
        events.finish()
        var commits: [[String]] = []
        for await event in stream {
            if case .recorded(let outcomes) = event { commits.append(outcomes.map(\.lead)) }
        }
        return commits
    }

    @Test func recordsQueuedTogetherCommitTogetherUpToOneWithMarks() async throws {
        let dir = try TemporaryDirectory()
        let (journal, outcomes) = try await Self.journal(leads: 4, in: dir)
        let events = SyncEvents()
        let stream = events.subscribe(buffering: .unbounded)
        let lane = JournalLane(journal: journal, events: events)
        let now = Date()
        // Queued before the lane runs, as when it falls behind the answers.
        try lane.record([outcomes[0]], marks: [:], at: now)
        try lane.record([outcomes[1]], marks: [:], at: now)
        // Its marks are written after its outcomes: the group ends here.
        try lane.record([outcomes[2]], marks: ["L-4": .awaitingIdentity], at: now)
        try lane.record([outcomes[3]], marks: [:], at: now)
        let running = Task { await lane.run() }
        try await lane.drain()
        lane.finish()
        await running.value
        #expect(await Self.commits(events, stream) == [["L-1", "L-2", "L-3"], ["L-4"]])
        #expect(try await journal.leads.status().pendingLeads == 0)
    }

    @Test func aReadRunsAfterTheRecordsQueuedBeforeItAndSplitsTheirGroup() async throws {
        let dir = try TemporaryDirectory()
        let (journal, outcomes) = try await Self.journal(leads: 2, in: dir)
        let events = SyncEvents()
        let stream = events.subscribe(buffering: .unbounded)
        let lane = JournalLane(journal: journal, events: events)
        try lane.record([outcomes[0]], marks: [:], at: Date())
        let pendingSeen = AsyncStream<Int>.makeStream()
        lane.afterWrites { written in
            var pending = -1
            if case .success = written, let status = try? await journal.leads.status() {
                pending = Int(status.pendingLeads)
            }
            pendingSeen.continuation.yield(pending)
            pendingSeen.continuation.finish()
        }
        try lane.record([outcomes[1]], marks: [:], at: Date())
        let running = Task { await lane.run() }
        var seen = pendingSeen.stream.makeAsyncIterator()
        #expect(await seen.next() == 1, "the read saw L-1's record, not L-2's")
        try await lane.drain()
        lane.finish()
        await running.value
        #expect(await Self.commits(events, stream) == [["L-1"], ["L-2"]])
    }

    @Test func aDrainAfterTheLaneFinishedReturnsInsteadOfWaitingForEver() async throws {
        let dir = try TemporaryDirectory()
        let (journal, _) = try await Self.journal(leads: 1, in: dir)
        let lane = JournalLane(journal: journal, events: SyncEvents())
        let running = Task { await lane.run() }
        lane.finish()
        await running.value
        await #expect(throws: CancellationError.self) { try await lane.drain() }
    }
}

import Foundation
import LeadSyncJournal
import LeadSyncSupport
import LeadSyncTestKit
import Testing

@testable import LeadSyncEngine

/// The sync's journal lane on a real journal: records queued together commit together, in the
/// order separate transactions would, and a read runs after the records queued before it.
@Suite(.hangGuard) struct JournalLaneTests {
    /// A lane on a journal with leads L-1…L-`count`, each one pending change, and each lead's
    /// outcome delivering it; the lane's events are listened to from the start.
    struct Fixture {
        let dir: TemporaryDirectory
        let journal: Journal
        let outcomes: [LeadOutcome]
        let events = SyncEvents()
        let stream: AsyncStream<SyncEvent>
        let lane: JournalLane

        init(leads count: Int) async throws {
            dir = try TemporaryDirectory()
            journal = try Journal(path: dir.path("j.db"), options: JournalOptions(synchronous: .normal))
            for n in 1...count {
                try await journal.changeLog.record(
                    lead: "L-\(n)", fields: ["email": .string("l\(n)@example.com"), "first_name": .string("N\(n)")])
            }
            try await journal.changeLog.fold()
            outcomes = try await journal.leads.pendingLeads(limit: count).map { lead in
                LeadOutcome(
                    lead: lead.lead, remoteID: .set("r-\(lead.lead)"),
                    fields: lead.fields.map {
                        .init(
                            field: $0.field, seq: $0.seq,
                            result: .delivered(property: $0.property, sent: $0.value.wireString))
                    })
            }
            stream = events.subscribe(buffering: .unbounded)
            lane = JournalLane(journal: journal, events: events)
        }

        /// Runs the lane through what was asked of it and ends it; the leads of each committed
        /// record, in order.
        func commits() async throws -> [[String]] {
            let running = Task { await lane.run() }
            try await lane.drain()
            lane.finish()
            await running.value
            events.finish()
            var commits: [[String]] = []
            for await event in stream {
                if case .recorded(let outcomes) = event { commits.append(outcomes.map(\.lead)) }
            }
            return commits
        }
    }

    @Test func recordsQueuedTogetherCommitTogetherUpToOneWithMarks() async throws {
        let f = try await Fixture(leads: 4)
        let now = Date()
        // Queued before the lane runs, as when it falls behind the answers.
        try f.lane.record([f.outcomes[0]], marks: [:], at: now)
        try f.lane.record([f.outcomes[1]], marks: [:], at: now)
        // Its marks are written after its outcomes: the group ends here.
        try f.lane.record([f.outcomes[2]], marks: ["L-4": .awaitingIdentity], at: now)
        try f.lane.record([f.outcomes[3]], marks: [:], at: now)
        #expect(try await f.commits() == [["L-1", "L-2", "L-3"], ["L-4"]])
        #expect(try await f.journal.leads.status().pendingLeads == 0)
    }

    @Test func aReadRunsAfterTheRecordsQueuedBeforeItAndSplitsTheirGroup() async throws {
        let f = try await Fixture(leads: 2)
        try f.lane.record([f.outcomes[0]], marks: [:], at: Date())
        let pendingSeen = AsyncStream<Int>.makeStream(bufferingPolicy: .unbounded)
        let journal = f.journal
        f.lane.afterWrites { written in
            var pending = -1
            if case .success = written, let status = try? await journal.leads.status() {
                pending = Int(status.pendingLeads)
            }
            pendingSeen.continuation.yield(pending)
            pendingSeen.continuation.finish()
        }
        try f.lane.record([f.outcomes[1]], marks: [:], at: Date())
        #expect(try await f.commits() == [["L-1"], ["L-2"]])
        var seen = pendingSeen.stream.makeAsyncIterator()
        #expect(await seen.next() == 1, "the read saw L-1's record, not L-2's")
    }

    @Test func aDrainAfterTheLaneFinishedThrowsInsteadOfWaitingForEver() async throws {
        let f = try await Fixture(leads: 1)
        let running = Task { await f.lane.run() }
        f.lane.finish()
        await running.value
        await #expect(throws: CancellationError.self) { try await f.lane.drain() }
    }
}

import Foundation
import LeadSyncJournal
import LeadSyncTestKit
import Synchronization
import Testing

@Suite struct ConcurrentRecordTests {
    @Test(.hangGuard)
    func tasksRecordingAtOnceGetTheSeqOfTheirOwnChange() async throws {
        let dir = try TemporaryDirectory()
        let journal = try Journal(path: dir.path("j.db"), options: JournalOptions(synchronous: .normal))
        let recorded = try await withThrowingTaskGroup(of: [(String, Int64)].self) { group in
            for task in 0..<8 {
                group.addTask {
                    var recorded: [(String, Int64)] = []
                    for n in 0..<100 {
                        let lead = "T\(task)-\(n)"
                        recorded.append((lead, try await journal.changeLog.record(lead: lead, fields: [:])))
                    }
                    return recorded
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        try expectEachSeqHoldsItsLead(recorded, journal)
    }

    @Test(.hangGuard)
    func threadsRecordingAtOnceShareCommitsAndGetTheirOwnSeq() async throws {
        // Plain threads reach the journal through its one blocking adapter.
        let dir = try TemporaryDirectory()
        let journal = try Journal(path: dir.path("j.db"))
        let recorded = Mutex<[(String, Int64)]>([])
        let failures = Mutex<[String]>([])
        let threads = (0..<8).map { thread in
            Thread {
                for n in 0..<50 {
                    let lead = "S\(thread)-\(n)"
                    do {
                        let seq = try journal.blocking {
                            try await $0.changeLog.record(lead: lead, fields: ["n": .number(String(n))])
                        }
                        recorded.withLock { $0.append((lead, seq)) }
                    } catch {
                        failures.withLock { $0.append("\(lead): \(error)") }
                    }
                }
            }
        }
        threads.forEach { $0.start() }
        while threads.contains(where: { !$0.isFinished }) { try await Task.sleep(for: .milliseconds(5)) }
        #expect(failures.withLock { $0 } == [])
        try expectEachSeqHoldsItsLead(recorded.withLock { $0 }, journal)
        await #expect(throws: JournalError.self) { try await journal.changeLog.record(lead: "", fields: [:]) }
    }

    private func expectEachSeqHoldsItsLead(_ recorded: [(String, Int64)], _ journal: Journal) throws {
        #expect(Set(recorded.map(\.1)).count == recorded.count)
        let stored = Dictionary(
            uniqueKeysWithValues: try StoredChange.read(journal.path, limit: recorded.count + 1).map {
                ($0.seq, $0.lead)
            })
        #expect(stored.count == recorded.count)
        for (lead, seq) in recorded { #expect(stored[seq] == lead) }
    }
}

import Foundation
import LeadSyncJournal
import LeadSyncTestKit
import Synchronization
import Testing

@Suite struct ConcurrentRecordTests {
    @Test(.timeLimit(.minutes(1)))
    func tasksRecordingAtOnceGetTheSeqOfTheirOwnChange() async throws {
        let dir = try TemporaryDirectory()
        let journal = try Journal(path: dir.path("j.db"), options: JournalOptions(synchronous: .normal))
        let recorded = try await withThrowingTaskGroup(of: [(String, Int64)].self) { group in
            for task in 0..<8 {
                group.addTask {
                    var recorded: [(String, Int64)] = []
                    for n in 0..<100 {
                        let lead = "T\(task)-\(n)"
                        recorded.append((lead, try await journal.record(lead: lead, fields: [:])))
                    }
                    return recorded
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        try expectEachSeqHoldsItsLead(recorded, journal)
    }

    @Test(.timeLimit(.minutes(1)))
    func threadsRecordingAtOnceShareCommitsAndGetTheirOwnSeq() throws {
        let dir = try TemporaryDirectory()
        let journal = try Journal(path: dir.path("j.db"))
        let recorded = Mutex<[(String, Int64)]>([])
        let failures = Mutex<[String]>([])
        let threads = (0..<8).map { thread in
            Thread {
                for n in 0..<50 {
                    let lead = "S\(thread)-\(n)"
                    do {
                        let seq = try journal.record(lead: lead, fields: ["n": .number(String(n))])
                        recorded.withLock { $0.append((lead, seq)) }
                    } catch {
                        failures.withLock { $0.append("\(lead): \(error)") }
                    }
                }
            }
        }
        threads.forEach { $0.start() }
        while threads.contains(where: { !$0.isFinished }) { Thread.sleep(forTimeInterval: 0.005) }
        #expect(failures.withLock { $0 } == [])
        try expectEachSeqHoldsItsLead(recorded.withLock { $0 }, journal)
        #expect(throws: JournalError.self) { try journal.record(lead: "", fields: [:]) }
    }

    private func expectEachSeqHoldsItsLead(_ recorded: [(String, Int64)], _ journal: Journal) throws {
        #expect(Set(recorded.map(\.1)).count == recorded.count)
        let stored = Dictionary(uniqueKeysWithValues: try journal.changes(limit: recorded.count + 1).map { ($0.seq, $0.lead) })
        #expect(stored.count == recorded.count)
        for (lead, seq) in recorded { #expect(stored[seq] == lead) }
    }
}

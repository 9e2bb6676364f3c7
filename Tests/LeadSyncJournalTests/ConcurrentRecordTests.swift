import LeadSyncJournal
import LeadSyncTestKit
import Testing

@Suite struct ConcurrentRecordTests {
    @Test(.timeLimit(.minutes(1)))
    func tasksRecordingAtOnceGetDistinctSeqs() async throws {
        let dir = try TemporaryDirectory()
        let journal = try Journal(path: dir.path("j.db"), options: JournalOptions(synchronous: .normal))
        let seqs = try await withThrowingTaskGroup(of: [Int64].self) { group in
            for task in 0..<8 {
                group.addTask {
                    var seqs: [Int64] = []
                    for n in 0..<100 { seqs.append(try await journal.record(lead: "T\(task)-\(n)", fields: [:])) }
                    return seqs
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(Set(seqs).count == 800)
        #expect(seqs.max() == 800)
        #expect(try await journal.status().journalEntries == 800)
    }
}

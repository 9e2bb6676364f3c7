import LeadSyncSupport
import LeadSyncTestKit
import Testing

@testable import LeadSyncJournal

@Suite struct LeadWinnersTests {
    /// `count` leads of one change each, sorted in memory, as an ingest hands them to its fold.
    private func leads(_ count: Int, in directory: String) throws -> LeadSortedChanges.Leads {
        let sorted = LeadSortedChanges(capacity: 1 << 20, directory: directory)
        for n in 0..<count {
            try sorted.add(
                EncodedChange(LeadChange(lead: "L-\(n)", fields: ["email": .string("e\(n)")], atMilliseconds: 1)))
        }
        var seqs = AppendedSeqs()
        let contiguous = seqs.record(base: 0, changes: count, refused: [], last: Int64(count))
        #expect(contiguous)
        return try sorted.leads(seqs)
    }

    @Test func everyLeadComesOnceInKeyOrderWithItsWinningValue() throws {
        let dir = try TemporaryDirectory()
        let winners = LeadWinners(try leads(25, in: dir.url.path), after: 0, batch: 4, mappings: [:])
        defer { winners.stop() }
        var keys: [String] = []
        var values: [String] = []
        while let batch = try winners.next() {
            #expect(batch.leads.count <= 4)
            for lead in batch.leads {
                keys.append(batch.text(lead.key))
                for step in batch.steps[lead.steps] {
                    values += batch.fields[step.fields].map { batch.text($0.value) }
                }
            }
        }
        let expected = (0..<25).map { "L-\($0)" }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        #expect(keys == expected)
        #expect(values == expected.map { #""e\#($0.dropFirst(2))""# })
    }

    @Test func aFoldThatStopsBeforeTheLastBatchReleasesItsThread() throws {
        // The fold stops early when another process folded meanwhile. The thread was then left
        // having taken more batch slots than were given back, and libdispatch traps when a
        // semaphore is released below its initial value: the ingest died with SIGILL (CI, a
        // concurrent ingest).
        let dir = try TemporaryDirectory()
        for _ in 0..<20 {
            let winners = LeadWinners(try leads(50, in: dir.url.path), after: 0, batch: 2, mappings: [:])
            #expect(try winners.next()?.leads.count == 2)
            winners.stop()
        }
    }
}

import Foundation
import LeadSyncJournal
import LeadSyncSupport
import LeadSyncTestKit
import Testing

/// kill -9 of `leadsync ingest` in the middle of a large batched ingest, repeated on one journal.
@Suite struct CrashRecoveryTests {
    static let seed: UInt64 = 20_261_129
    static let lines = 20_000
    static let batchSize = 500

    @Test(.hangGuard)
    func killDuringBatchedIngestKeepsEveryCommittedBatchAndNoPartialOne() async throws {
        let cli = try LeadsyncCLI()
        var random = SplitMix64(seed: Self.seed)
        for round in 1...3 {
            let path = cli.directory.path("round\(round).ndjson")
            let input = (1...Self.lines).map {
                #"{"lead":"K\#(round)-\#($0)","fields":{"email":"k\#($0)@example.com","n":\#($0)}}"#
            }
            try Data(input.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: path))

            let child = try cli.executable.start(
                ["ingest", path, "--batch-size", String(Self.batchSize), "--print-commits"],
                environment: ["LEADSYNC_DB": cli.db, "LEADSYNC_SYNCHRONOUS": "full"])
            let killAfter = 1 + Int(random.next() % 5)
            var committedLine = 0
            var commits = 0
            while commits < killAfter, let line = child.nextErrorLine() {
                guard line.hasPrefix("committed") else { continue }
                committedLine = Int(line.split(separator: " ").last!)!
                commits += 1
            }
            child.kill()
            let status = child.wait()
            #expect(status == SIGKILL, "seed \(Self.seed), round \(round): the child must die mid-ingest")

            let journal = try Journal(path: cli.db)
            let leads = try StoredChange.read(journal.path, limit: 4 * Self.lines).map(\.lead).filter {
                $0.hasPrefix("K\(round)-")
            }
            #expect(leads == (1...leads.count).map { "K\(round)-\($0)" }, "seed \(Self.seed), round \(round)")
            #expect(leads.count >= committedLine, "seed \(Self.seed), round \(round): a committed batch was lost")
            #expect(leads.count % Self.batchSize == 0, "seed \(Self.seed), round \(round): a batch was half applied")
        }
        let journal = try Journal(path: cli.db)
        try await journal.changeLog.fold()
        #expect(try await journal.maintenance.check() == [])
        let checked = try cli.json("journal", "check")
        #expect(checked.0.status == 0)
    }
}

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

    /// Decision 0031: an ingest named by `--input-id` and killed mid-way is simply run again,
    /// and each line ends up in the journal once, in order, however many batches the kill let
    /// through after the last one it reported.
    @Test(.hangGuard)
    func aKilledIngestRunAgainWithItsInputIDAppendsEachLineOnce() throws {
        let cli = try LeadsyncCLI()
        // Enough lines that the ingest is still going when the kill lands: with 5,000 it once
        // finished first (a run of the suite under load: the child's 20 commits were done before
        // this process had read its second).
        let lines = 100_000
        let path = cli.directory.path("input.ndjson")
        let input = (1...lines).map { #"{"lead":"R-\#($0)","fields":{"n":\#($0)}}"# }
        try Data(input.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: path))
        let command = ["ingest", path, "--batch-size", "250", "--input-id", "export-7"]

        let child = try cli.executable.start(
            command + ["--print-commits"], environment: ["LEADSYNC_DB": cli.db, "LEADSYNC_SYNCHRONOUS": "full"])
        var commits = 0
        while commits < 2, let line = child.nextErrorLine() {
            if line.hasPrefix("committed") { commits += 1 }
        }
        child.kill()
        #expect(child.wait() == SIGKILL, "the child must die mid-ingest")
        let held = try StoredChange.read(cli.db, limit: 2 * lines).count
        #expect(held >= 500 && held < lines, "held \(held)")

        let rerun = try cli.run(command + ["--json"])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        let report = try JSONSerialization.jsonObject(with: rerun.stdout) as? [String: Any]
        #expect(report?["resumed_after_line"] as? Int == held, "\(String(describing: report))")
        let leads = try StoredChange.read(cli.db, limit: 2 * lines).map(\.lead)
        #expect(leads == (1...lines).map { "R-\($0)" }, "each line once, in order")
    }
}

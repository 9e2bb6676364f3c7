import Foundation
import LeadSyncJournal
import LeadSyncSupport
import LeadSyncTestKit
import Testing

@Suite struct IngesterTests {
    /// Ingests `text` through a pipe, the way `leadsync ingest -` reads stdin.
    private func ingest(
        _ text: String, format: IngestFormat = .ndjson, batchSize: Int = 1_000, into journal: Journal
    ) throws -> (IngestReport, [(seq: Int64, line: Int)]) {
        let pipe = Pipe()
        let writer = pipe.fileHandleForWriting
        let data = Data(text.utf8)
        let feeder = Thread {
            writer.write(data)
            try? writer.close()
        }
        feeder.start()
        var ingester = Ingester(journal: journal, format: format, defaultAt: 42)
        ingester.batchSize = batchSize
        let commits = CommitLog()
        ingester.onCommit = { seq, line in commits.append(seq, line) }
        let report = try ingester.run(fileDescriptor: pipe.fileHandleForReading.fileDescriptor)
        return (report, commits.entries)
    }

    final class CommitLog: @unchecked Sendable {
        // Appended only from the ingesting thread.
        var entries: [(seq: Int64, line: Int)] = []
        func append(_ seq: Int64, _ line: Int) { entries.append((seq, line)) }
    }

    @Test func batchesCommitInOrderAndReportTheirLastLine() throws {
        let dir = try TemporaryDirectory()
        let journal = try Journal(path: dir.path("j.db"), options: JournalOptions(synchronous: .normal))
        let lines = (1...7).map { #"{"lead":"L-\#($0)","fields":{}}"# }
        let (report, commits) = try ingest(
            lines[0..<3].joined(separator: "\n") + "\nnot json\n" + lines[3...].joined(separator: "\n"),
            batchSize: 3, into: journal)
        #expect(report.appended == 7 && report.invalid == [.init(line: 4, error: "invalid JSON: invalid literal at byte 1")])
        #expect(commits.map(\.seq) == [3, 6, 7])
        #expect(commits.map(\.line) == [3, 7, 8])
    }

    @Test func missingAtDefaultsToTheTimeOfIngest() throws {
        let dir = try TemporaryDirectory()
        let journal = try Journal(path: dir.path("j.db"), options: JournalOptions(synchronous: .normal))
        _ = try ingest(#"{"lead":"L-1","fields":{"x":1}}"#, into: journal)
        #expect(try StoredChange.read(journal.path, limit: 1).first?.atMilliseconds == 42)
    }

    @Test func csvCellsAreStringsAndCRLFLineEndsAreAccepted() throws {
        let dir = try TemporaryDirectory()
        let journal = try Journal(path: dir.path("j.db"), options: JournalOptions(synchronous: .normal))
        let (report, _) = try ingest("lead,budget,at\r\nL-1,5000,1764000000007\r\n\r\nL-2,,\r\n", format: .csv, into: journal)
        #expect(report.appended == 2 && report.invalid.isEmpty && report.blank == 1)
        let changes = try StoredChange.read(journal.path, limit: 5)
        #expect(changes.map(\.fields) == [["budget": .string("5000")], [:]])
        #expect(changes.map(\.atMilliseconds) == [1_764_000_000_007, 42])
    }

    @Test func aBadCSVHeaderStopsWithLineOne() throws {
        let dir = try TemporaryDirectory()
        let journal = try Journal(path: dir.path("j.db"), options: JournalOptions(synchronous: .normal))
        let (report, _) = try ingest("lead,email,email\nL-1,a,b\n", format: .csv, into: journal)
        #expect(report.appended == 0)
        #expect(report.invalid == [.init(line: 1, error: #"header names column "email" twice"#)])
    }
}

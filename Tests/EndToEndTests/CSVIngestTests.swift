import Foundation
import LeadSyncJournal
import LeadSyncTestKit
import Testing

/// A CSV record that is refused is one error however long it is, and reading resumes where the
/// record really ends — never inside a quoted cell.
@Suite struct CSVIngestTests {
    /// `lines` short lines of lead-looking text inside one quoted cell, `bytes` in all.
    static func bigCell(bytes: Int) -> String {
        let line = "L-FAKE,text inside the cell that looks like a lead\n"
        return String(repeating: line, count: bytes / line.utf8.count)
    }

    func ingest(_ csv: String) throws -> (status: Int32, appended: Int, invalid: [[String: Any]], cli: LeadsyncCLI) {
        let cli = try LeadsyncCLI()
        let file = cli.directory.path("leads.csv")
        try Data(csv.utf8).write(to: URL(fileURLWithPath: file))
        let (result, document) = try cli.json("ingest", file, "--format", "csv")
        let report = try #require(document as? [String: Any])
        return (result.status, report["appended"] as? Int ?? -1, report["invalid"] as? [[String: Any]] ?? [], cli)
    }

    @Test(arguments: [2 << 20, 10 << 20])
    func aQuotedCellOverOneMebibyteIsOneErrorAndTheLinesAfterItAreKept(bytes: Int) async throws {
        let csv = "lead,note\nL-1,before\nL-2,\"" + Self.bigCell(bytes: bytes) + "end of cell\"\nL-3,after\n"
        let (status, appended, invalid, cli) = try ingest(csv)
        #expect(status == 1)
        #expect(appended == 2)
        #expect(invalid.count == 1)
        #expect(invalid.first?["line"] as? Int == 3)
        #expect(invalid.first?["error"] as? String == "record exceeds 1 MiB")
        let journal = try Journal(path: cli.db)
        #expect(try await journal.leads.lead("L-3")?.fields["note"] == .string("after"))
        #expect(try await journal.leads.lead("L-FAKE") == nil)
    }

    @Test func aQuotedCellWithOneLineOverOneMebibyteIsOneError() async throws {
        let long = String(repeating: "x", count: 3 << 20)
        let csv = "lead,note\nL-2,\"start\n\(long) \"\"quoted\"\" \nL-FAKE,still inside\"\nL-3,after\n"
        let (status, appended, invalid, cli) = try ingest(csv)
        #expect(status == 1)
        #expect(appended == 1)
        #expect(invalid.map { $0["line"] as? Int } == [2])
        let journal = try Journal(path: cli.db)
        #expect(try await journal.leads.lead("L-3") != nil)
        #expect(try await journal.leads.lead("L-FAKE") == nil)
    }

    @Test func aLongFirstLineThatOpensAQuotedCellSkipsToItsEnd() async throws {
        let long = String(repeating: "y", count: 2 << 20)
        let csv = "lead,note\nL-2,\"\(long)\nL-FAKE,inside\"\nL-3,after\n"
        let (_, appended, invalid, cli) = try ingest(csv)
        #expect(appended == 1)
        #expect(invalid.map { $0["line"] as? Int } == [2])
        #expect(invalid.first?["error"] as? String == "line exceeds 1 MiB")
        #expect(try await Journal(path: cli.db).leads.lead("L-FAKE") == nil)
    }

    @Test func anInvalidLineInsideAQuotedCellRefusesTheWholeRecordOnly() async throws {
        let csv = "lead,note\nL-2,\"first\nbad \u{0}byte\nL-FAKE,inside\"\nL-3,after\n"
        let (_, appended, invalid, cli) = try ingest(csv)
        #expect(appended == 1)
        #expect(invalid.map { $0["line"] as? Int } == [2])
        #expect(invalid.first?["error"] as? String == "line contains a NUL byte")
        #expect(try await Journal(path: cli.db).leads.lead("L-FAKE") == nil)
        #expect(try await Journal(path: cli.db).leads.lead("L-3") != nil)
    }
}

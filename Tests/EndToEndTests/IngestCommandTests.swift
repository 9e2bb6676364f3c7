import Foundation
import LeadSyncJournal
import LeadSyncTestKit
import Testing

@Suite struct IngestCommandTests {
    static let malformed: [String] = {
        let folder = Fixtures.url("leads/malformed")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { !$0.hasSuffix(".expected") }.sorted()
    }()

    @Test func theMalformedCorpusIsThere() {
        #expect(Self.malformed.count >= 10)
    }

    @Test(arguments: malformed)
    func everyInvalidLineIsReportedAndEveryValidLineKept(_ name: String) async throws {
        let cli = try LeadsyncCLI()
        let input = Fixtures.url("leads/malformed/\(name)")
        let expected = try String(
            contentsOf: input.deletingPathExtension().appendingPathExtension("expected"), encoding: .utf8)
        let format = name.hasSuffix(".csv") ? "csv" : "ndjson"
        let result = try cli.run(["ingest", input.path, "--format", format])
        #expect(result.status == 1)
        let reported = result.stderr.split(separator: "\n").filter { $0.hasPrefix("line ") }.joined(separator: "\n")
        #expect(reported == expected.trimmingCharacters(in: .newlines))

        // Every line not reported is appended: count the input's non-blank lines (or records).
        let (json, document) = try cli.json("ingest", input.path, "--format", format)
        let report = try #require(document as? [String: Any])
        let invalid = try #require(report["invalid"] as? [[String: Any]])
        #expect(json.status == 1)
        #expect(invalid.count == expected.split(separator: "\n").count)
        let appended = try #require(report["appended"] as? Int)
        let entries = try await Journal(path: cli.db).leads.status().journalEntries
        #expect(entries == Int64(2 * appended))
    }

    @Test func samplesIngestCleanlyWithExactValues() async throws {
        let cli = try LeadsyncCLI()
        let ndjson = try cli.json("ingest", Fixtures.url("leads/sample.ndjson").path)
        #expect(ndjson.0.status == 0)
        #expect((ndjson.1 as? [String: Any])?["appended"] as? Int == 5)
        let csv = try cli.json("ingest", "--format", "csv", Fixtures.url("leads/sample.csv").path)
        #expect(csv.0.status == 0)
        #expect((csv.1 as? [String: Any])?["appended"] as? Int == 3)

        let journal = try Journal(path: cli.db)
        let grace = try #require(try await journal.leads.lead("L-1043"))
        #expect(grace.fields["score"] == .number("1000"))
        #expect(grace.fields["discount"] == .number("0.10"))
        let ada = try #require(try await journal.leads.lead("L-1042"))
        #expect(ada.fields["first_name"] == .string("Ada"), "the older change from an offline device must not win")
        #expect(try await journal.leads.lead("L-1044")?.fields["phone"] == .null)
        let csvLead = try #require(try await journal.leads.lead("L-2001"))
        #expect(csvLead.fields["company"] == .string("Analytical Engines, Ltd"))
        #expect(csvLead.fields["conversation_summary"] == .string("Said \"call me\" twice,\nthen left."))
        #expect(csvLead.fields["first_name"] == .string("Augusta"))
        #expect(csvLead.fields["email"] == .string("ada@example.com"), "an empty cell changes nothing")
    }

    @Test func aTenMegabyteLineIsRefusedAndTheNextLineKept() throws {
        let cli = try LeadsyncCLI()
        var input = Data(#"{"lead":"L-big","fields":{"note":""#.utf8)
        input.append(Data(repeating: UInt8(ascii: "x"), count: 10 << 20))
        input.append(Data("\"}}\n{\"lead\":\"L-after\",\"fields\":{}}\n".utf8))
        let result = try cli.run(["ingest"], stdin: input)
        #expect(result.status == 1)
        #expect(result.stderr.contains("line 1: line exceeds 1 MiB"))
        #expect(try StoredChange.read(cli.db, limit: 10).map(\.lead) == ["L-after"])
    }

    @Test func blankLinesAreIgnoredAndStdinIsRead() throws {
        let cli = try LeadsyncCLI()
        let (result, document) = try cli.json("ingest", "-", stdin: "\n{\"lead\":\"L-1\",\"fields\":{}}\n   \n")
        #expect(result.status == 0)
        #expect((document as? [String: Any])?["appended"] as? Int == 1)
        #expect(result.stdoutText.split(separator: "\n").count == 1, "one JSON document on stdout")
    }

    @Test func aMissingFileFailsWithExitOne() throws {
        let cli = try LeadsyncCLI()
        let result = try cli.run("ingest", cli.directory.path("nope.ndjson"))
        #expect(result.status == 1)
        #expect(result.stderr.contains("nope.ndjson"))
    }

    @Test func anUnknownFormatIsBadUsage() throws {
        let cli = try LeadsyncCLI()
        #expect(try cli.run("ingest", "--format", "xml").status == 2)
    }
}

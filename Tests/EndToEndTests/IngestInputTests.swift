import Foundation
import LeadSyncJournal
import LeadSyncTestKit
import Testing

/// Input a new user really has: a BOM from a spreadsheet, a file named `.csv`, a directory by
/// mistake, ids and instants that cannot be right.
@Suite struct IngestInputTests {
    func ingest(_ text: String, file name: String = "leads.ndjson") throws -> (ProcessResult, [String: Any]) {
        let cli = try LeadsyncCLI()
        let file = cli.directory.path(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        let (result, document) = try cli.json("ingest", file)
        return (result, document as? [String: Any] ?? [:])
    }

    @Test func aByteOrderMarkIsNotPartOfLineOne() throws {
        let bom = "\u{FEFF}"
        let (ndjson, ndjsonReport) = try ingest(bom + #"{"lead":"L-1","fields":{"x":"1"}}"# + "\n")
        #expect(ndjson.status == 0, "\(ndjson.stderr)")
        #expect(ndjsonReport["appended"] as? Int == 1)
        let (csv, csvReport) = try ingest(bom + "lead,x\nL-1,1\n", file: "leads.csv")
        #expect(csv.status == 0, "\(csv.stderr)")
        #expect(csvReport["appended"] as? Int == 1)
    }

    @Test func aFileNamedCSVIsReadAsCSVWithoutFormat() throws {
        let (result, report) = try ingest("lead,first_name\nL-1,Ada\nL-2,Grace\n", file: "export.CSV")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(report["appended"] as? Int == 2)
    }

    @Test func aDirectoryIsNamedInTheError() throws {
        let cli = try LeadsyncCLI()
        let folder = cli.directory.path("inbox")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let result = try cli.run("ingest", folder)
        #expect(result.status == 1)
        #expect(result.stderr.contains(folder) && result.stderr.contains("directory"), "\(result.stderr)")
    }

    @Test func leadIdsThatCannotBeShownOrTypedAreRefused() throws {
        let lines = [
            #"{"lead":"L-\u0000x","fields":{}}"#, #"{"lead":"L-\nx","fields":{}}"#, #"{"lead":"   ","fields":{}}"#,
            #"{"lead":"L-ok","fields":{}}"#,
        ]
        let (result, report) = try ingest(lines.joined(separator: "\n") + "\n")
        #expect(result.status == 1)
        #expect(report["appended"] as? Int == 1)
        let errors = (report["invalid"] as? [[String: Any]] ?? []).compactMap { $0["error"] as? String }
        #expect(errors.count == 3)
        #expect(errors[0].contains("control characters") && errors[1].contains("control characters"))
        #expect(errors[2].contains("only spaces"))
        let (csv, csvReport) = try ingest("lead,x\n\"  \",1\n\"L-\ny\",2\nL-ok,3\n", file: "leads.csv")
        #expect(csv.status == 1)
        #expect(csvReport["appended"] as? Int == 1)
    }

    @Test func instantsInSecondsMicrosecondsOrImplausibleYearsAreRefused() throws {
        let lines = [
            #"{"lead":"L-1","at":1764000000,"fields":{"x":"seconds"}}"#,
            #"{"lead":"L-1","at":1764000000000000,"fields":{"x":"microseconds"}}"#,
            #"{"lead":"L-1","at":"9999-01-01T00:00:00Z","fields":{"x":"far"}}"#,
            #"{"lead":"L-1","at":"0001-01-01T00:00:00Z","fields":{"x":"old"}}"#,
            #"{"lead":"L-1","at":1764000000000,"fields":{"x":"ok"}}"#,
        ]
        let (result, report) = try ingest(lines.joined(separator: "\n") + "\n")
        #expect(result.status == 1)
        #expect(report["appended"] as? Int == 1)
        let errors = (report["invalid"] as? [[String: Any]] ?? []).compactMap { $0["error"] as? String }
        #expect(errors.count == 4)
        #expect(errors[0].contains("looks like seconds"), "\(errors)")
        #expect(errors[1].contains("looks like microseconds"), "\(errors)")
        #expect(errors[2].contains("between 1990 and 2099") && errors[3].contains("between 1990 and 2099"))
        let (csv, csvReport) = try ingest(
            "lead,at,x\nL-1,1764000000,1\nL-2,2026-11-28T10:00:00Z,2\n", file: "leads.csv")
        #expect(csv.status == 1)
        #expect(csvReport["appended"] as? Int == 1)
    }
}

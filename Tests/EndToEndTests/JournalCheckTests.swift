import Foundation
import LeadSyncSQLite
import LeadSyncTestKit
import Testing

/// `journal check` reports damage — in JSON under `--json` — instead of failing without a word.
@Suite struct JournalCheckTests {
    func check(_ cli: LeadsyncCLI) throws -> (ProcessResult, [String]) {
        let result = try cli.run("journal", "check", "--json")
        let document = try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any]
        #expect(document?["ok"] as? Bool == false, "\(result.stdoutText) \(result.stderr)")
        return (result, document?["problems"] as? [String] ?? [])
    }

    @Test func aFileThatIsNotADatabaseGetsItsJSON() throws {
        let cli = try LeadsyncCLI()
        try Data(String(repeating: "this is not a SQLite file\n", count: 200).utf8).write(
            to: URL(fileURLWithPath: cli.db))
        let (result, problems) = try check(cli)
        #expect(result.status == 1)
        #expect(problems.count == 1 && problems[0].contains("cannot open the journal"), "\(problems)")
    }

    @Test func unreadableChangeRowsAreFoundFoldedOrNot() throws {
        let cli = try LeadsyncCLI()
        let lines = (1...3).map { #"{"lead":"L-\#($0)","fields":{"x":"\#($0)"}}"# }
        #expect(try cli.run("ingest", stdin: lines.joined(separator: "\n") + "\n").status == 0)
        let db = try Connection(path: cli.db)
        try db.execute("UPDATE change SET fields = '{\"x\": bro' WHERE seq = 2")
        var (result, problems) = try check(cli)
        #expect(result.status == 1)
        #expect(problems.contains { $0.contains("1 changes have unreadable fields (seq 2)") }, "\(problems)")

        try db.execute("INSERT INTO change(lead, at, fields) VALUES ('L-9', 1764000000000, 'not json')")
        (result, problems) = try check(cli)
        #expect(result.status == 1)
        #expect(problems.contains { $0.hasPrefix("fold: change 4 has unreadable fields") }, "\(problems)")
        #expect(problems.contains { $0.contains("2 changes have unreadable fields (seq 2, 4)") }, "\(problems)")
    }
}

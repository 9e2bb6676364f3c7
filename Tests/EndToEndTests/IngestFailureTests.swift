import Foundation
import LeadSyncSQLite
import LeadSyncTestKit
import Testing

/// An ingest that cannot finish says how much it appended (so a re-run adds nothing twice), a
/// damaged journal gets nothing appended, and refused lines are counted without being kept.
@Suite struct IngestFailureTests {
    static func lines(_ count: Int) -> String {
        (1...count).map { #"{"lead":"L-\#($0)","fields":{"note":"\#(String(repeating: "x", count: 200))"}}"# }
            .joined(separator: "\n") + "\n"
    }

    @Test func aFileSizeLimitMidwayReportsWhatWasAppendedAndItIsExactlyThat() throws {
        let cli = try LeadsyncCLI()
        #expect(try cli.run("init").status == 0)
        let input = cli.directory.path("big.ndjson")
        try Data(Self.lines(20_000).utf8).write(to: URL(fileURLWithPath: input))
        // A real write failure: the file-size limit (SIGXFSZ ignored, so writes fail with EFBIG).
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = [
            "-c", "trap '' XFSZ; ulimit -f 2000; exec \"$0\" ingest \"$1\" --batch-size 100 --json",
            cli.executable.url.path, input,
        ]
        shell.environment = ProcessInfo.processInfo.environment.merging([
            "LEADSYNC_DB": cli.db, "LEADSYNC_SYNCHRONOUS": "normal",
        ]) { $1 }
        let output = Pipe()
        shell.standardOutput = output
        shell.standardError = FileHandle.nullDevice
        try shell.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        shell.waitUntilExit()
        #expect(shell.terminationStatus == 1)
        let report = try #require(
            try JSONSerialization.jsonObject(with: data) as? [String: Any], "\(String(decoding: data, as: UTF8.self))")
        let appended = try #require(report["appended"] as? Int)
        #expect(appended > 0 && appended < 20_000, "\(report)")
        #expect(report["last_appended_line"] as? Int == appended)
        #expect(report["error"] is String)
        let stored = try Connection(path: cli.db).scalar("SELECT count(*) FROM change")
        #expect(stored == Int64(appended))
    }

    @Test func aJournalThatCannotFoldGetsNothingAppended() throws {
        let cli = try LeadsyncCLI()
        #expect(try cli.run("init").status == 0)
        try Connection(path: cli.db).execute(
            "INSERT INTO change(lead, at, fields) VALUES ('L-0', 1764000000000, 'not json')")
        let (result, document) = try cli.json("ingest", stdin: Self.lines(3))
        #expect(result.status == 1)
        #expect(result.stderr.contains("nothing was appended"), "\(result.stderr)")
        #expect((document as? [String: Any])?["appended"] as? Int == 0)
        #expect(try Connection(path: cli.db).scalar("SELECT count(*) FROM change") == 1)
    }

    @Test func refusedLinesAreCountedButOnlyTheFirstThousandKept() throws {
        let cli = try LeadsyncCLI()
        let bad = String(repeating: "not json\n", count: 2_500)
        let (result, document) = try cli.json("ingest", stdin: bad + Self.lines(1))
        let report = try #require(document as? [String: Any])
        #expect(result.status == 1)
        #expect(report["appended"] as? Int == 1)
        #expect((report["invalid"] as? [Any])?.count == 1_000)
        #expect(report["invalid_count"] as? Int == 2_500)
        #expect(result.stderr.contains("… and 1500 more invalid lines"))
    }
}

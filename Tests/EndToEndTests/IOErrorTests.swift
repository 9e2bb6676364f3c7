import Foundation
import HubSpotSimulator
import LeadSyncJournal
import LeadSyncTestKit
import LeadSyncWorkload
import Testing

/// Reliability suite, item 6, injected I/O errors: the journal's disk starts failing with EIO in
/// the middle of `ingest` or `sync --once`. The command exits 1 naming the journal and the I/O
/// error, says what it appended, and once the disk is well again a re-run (of the lines not
/// appended, or of the sync) ends exact: nothing acknowledged lost, nothing appended or sent twice
/// beyond the batch in flight.
///
/// The failure comes from an LD_PRELOAD shim, Tests/Fixtures/io-errors/eio-after.c: after a
/// given number of successful writes or syncs of the journal's files, every further one fails.
@Suite(.hangGuard) struct IOErrorTests {
    static let shim = Result { try PreloadShim(fixture: "io-errors/eio-after.c") }
    static let lines = 2_000

    /// The environment that runs a process whose journal `db` fails after `after` `calls`, at the
    /// default durability (each commit synced).
    static func failing(_ db: String, calls: String, after: Int) throws -> [String: String] {
        [
            "LD_PRELOAD": try shim.get().library, "EIO_JOURNAL": db, "EIO_CALLS": calls, "EIO_AFTER": "\(after)",
            "LEADSYNC_SYNCHRONOUS": "full",
        ]
    }

    /// One line per lead, `L-1`…: the line number is in the lead and in the value.
    static func input(_ range: ClosedRange<Int>) -> String {
        range.map {
            #"{"lead":"L-\#($0)","at":"2026-12-01T00:00:00Z","fields":{"email":"l\#($0)@example.com","n":\#($0)}}"#
        }
        .joined(separator: "\n") + "\n"
    }

    @Test(arguments: [("write", 60), ("sync", 6)])
    func anIngestMeetingEIOSaysWhatItAppendedAndTheRestIngestsExactly(calls: String, after: Int) throws {
        let cli = try LeadsyncCLI()
        #expect(try cli.run("init").status == 0)
        let path = cli.directory.path("input.ndjson")
        try Data(Self.input(1...Self.lines).utf8).write(to: URL(fileURLWithPath: path))

        let (failed, document) = try cli.json(
            "ingest", path, "--batch-size", "100", environment: Self.failing(cli.db, calls: calls, after: after))
        #expect(failed.status == 1, "\(failed.stderr)")
        #expect(failed.stderr.contains(cli.db) && failed.stderr.contains("I/O error"), "\(failed.stderr)")
        let report = try #require(document as? [String: Any], "\(failed.stdoutText)")
        let appended = try #require(report["appended"] as? Int)
        let lastLine = try #require(report["last_appended_line"] as? Int)
        #expect(appended > 0 && appended < Self.lines, "the disk failed midway: \(report)")
        #expect(lastLine == appended)
        // A failed fsync leaves the batch being committed in doubt (its commit reached the
        // write-ahead log, which the next opener replays); a failed write does not.
        let unconfirmed = (report["unconfirmed_lines"] as? [Int]).map { $0[0]...$0[1] }
        #expect((unconfirmed != nil) == (calls == "sync"), "\(report)")
        if let unconfirmed {
            #expect(unconfirmed.lowerBound == lastLine + 1, "\(report)")
            #expect(failed.stderr.contains("lines \(unconfirmed.lowerBound)–\(unconfirmed.upperBound) may be appended"))
        }

        // The disk is well again: everything acknowledged is there, and nothing but it and the
        // batch in doubt.
        let check = try cli.run(["journal", "check"])
        #expect(check.status == 0, "\(check.stdoutText) \(check.stderr)")
        let held = try #require(try Self.entries(cli))
        #expect(held == appended || held == unconfirmed?.upperBound, "the journal holds \(held) lines, \(report)")
        if calls == "sync" {
            // The case in doubt this test is about: the commit whose fsync failed was replayed
            // from the write-ahead log, so a re-run from line `lastLine` + 1 would add it twice.
            #expect(held == unconfirmed?.upperBound, "the unconfirmed batch was not kept: \(report)")
        }

        // What the error says: the same command again, on the same input, with the input id it
        // names. Each line ends up in the journal once, whatever the disk kept.
        let id = try #require(report["input_id"] as? String)
        #expect(failed.stderr.contains("re-run the same command on the same input with --input-id \(id)"))
        let (resumed, again) = try cli.json("ingest", path, "--batch-size", "100", "--input-id", id)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let resumedReport = try #require(again as? [String: Any])
        #expect(resumedReport["resumed_after_line"] as? Int == held, "\(resumedReport)")
        #expect(resumedReport["appended"] as? Int == Self.lines - held, "\(resumedReport)")
        #expect(try Self.entries(cli) == Self.lines, "each line appended once")
        let (_, lead) = try cli.json("lead", "show", "L-\(Self.lines / 2)")
        #expect(((lead as? [String: Any])?["fields"] as? [String: Any])?["n"] as? Int == Self.lines / 2)
    }

    @Test(arguments: [("write", 30), ("sync", 3)])
    func aSyncMeetingEIOStopsNamingTheJournalAndTheNextSyncIsExact(calls: String, after: Int) throws {
        let fixture = try SyncCommandTests.Fixture()
        defer { fixture.simulator.stop() }
        let changes = Array(LeadSetGenerator(WorkloadSpec(leads: 1_000, changes: 1_000, seed: 41)))
        let expected = ExpectedContacts(changes, mappings: Mapping.defaultProperties)
        try fixture.ingest(changes)

        let failed = try fixture.sync(
            "--once", environment: Self.failing(fixture.cli.db, calls: calls, after: after))
        #expect(failed.status == 1, "\(failed.stderr)")
        #expect(failed.stderr.contains(fixture.cli.db) && failed.stderr.contains("I/O error"), "\(failed.stderr)")
        let sentBefore = fixture.simulator.counters().recordsReceived
        #expect(sentBefore > 0 && sentBefore < changes.count, "the disk failed midway")

        let check = try fixture.cli.run(["journal", "check"])
        #expect(check.status == 0, "\(check.stdoutText) \(check.stderr)")
        let resumed = try fixture.sync("--once")
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(fixture.simulator.contactsByEmail(properties: expected.properties) == expected.contacts)
        #expect(fixture.simulator.contacts().count == expected.contacts.count, "a duplicate contact")
        // Sent twice at most: the batch whose answer could not be recorded.
        let extra = fixture.simulator.counters().recordsReceived - changes.count
        #expect(extra <= 100, "\(extra) inputs sent again")
    }

    static func entries(_ cli: LeadsyncCLI) throws -> Int? {
        let (_, status) = try cli.json("status")
        return (status as? [String: Any])?["journal_entries"] as? Int
    }
}

import Foundation
import HubSpotSimulator
import LeadSyncJournal
import LeadSyncTestKit
import LeadSyncWorkload
import Testing

/// Every path to one journal — the file itself, a symlink, `..` — reaches the same sync lock and
/// the same credentials.
@Suite(.hangGuard) struct JournalIdentityTests {
    @Test func aSecondSyncThroughASymlinkExitsOneAndNoLeadIsSentTwice() throws {
        let cli = try LeadsyncCLI()
        let harness = try SimulatorHarness {
            $0.rateLimit = nil
            $0.latencyMilliseconds = 1_000
        }
        defer { harness.stop() }
        let link = cli.directory.path("link.db")
        let changes = Array(LeadSetGenerator(WorkloadSpec(leads: 20, changes: 20, seed: 3)))
        let ingest = try cli.run(
            ["ingest"], stdin: Data((changes.map(\.ndjsonLine).joined(separator: "\n") + "\n").utf8))
        #expect(ingest.status == 0, "\(ingest.stderr)")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: cli.db)
        let environment = ["LEADSYNC_TOKEN": harness.token, "LEADSYNC_HUBSPOT_URL": harness.baseURL]

        harness.simulator.injectFault(.status(503), onRequest: 1)
        let first = try cli.executable.start(
            ["sync", "--once"],
            environment: environment.merging(["LEADSYNC_DB": cli.db, "LEADSYNC_SYNCHRONOUS": "normal"]) { $1 })
        defer {
            first.kill()
            first.wait()
        }
        // Its first request fails once and it says so on stderr: by then it holds the lock (taken
        // before anything is sent) and is still far from done.
        var line: String?
        repeat { line = first.nextErrorLine() } while line.map { !$0.contains("retrying") } ?? false
        #expect(line != nil, "the first sync ended without retrying")
        let second = try cli.run(["sync", "--once"], environment: environment.merging(["LEADSYNC_DB": link]) { $1 })
        #expect(second.status == 1, "\(second.stderr)")
        #expect(second.stderr.contains("process \(first.pid)"), "\(second.stderr)")
        #expect(first.wait() == 0)
        #expect(
            harness.simulator.counters().recordsReceived
                == ExpectedContacts(changes, mappings: Mapping.defaultProperties).contacts.count)
    }

    @Test func credentialsStoredThroughASymlinkAreFoundThroughTheRealPath() throws {
        let cli = try LeadsyncCLI()
        let harness = try SimulatorHarness()
        defer { harness.stop() }
        _ = try cli.run("init")
        let link = cli.directory.path("link.db")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: cli.db)
        let connect = try cli.run(
            ["connect", "--token", "-", "--hubspot-url", harness.baseURL], environment: ["LEADSYNC_DB": link],
            stdin: Data("\(harness.token)\n".utf8))
        #expect(connect.status == 0, "\(connect.stderr)")
        #expect(FileManager.default.fileExists(atPath: cli.db + ".credentials"))
        #expect(!FileManager.default.fileExists(atPath: link + ".credentials"))
        for path in [cli.db, cli.directory.path("sub/../leads.db")] {
            try? FileManager.default.createDirectory(
                atPath: cli.directory.path("sub"), withIntermediateDirectories: true)
            let (_, status) = try cli.json("status", environment: ["LEADSYNC_DB": path])
            #expect((status as? [String: Any])?["connection"] as? String == "connected", "\(path)")
        }
    }
}

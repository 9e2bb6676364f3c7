import Foundation
import HubSpotSimulator
import LeadSyncJournal
import LeadSyncSupport
import LeadSyncTestKit
import Testing

/// kill -9 of `leadsync pull` in the middle of a full pull and of an incremental one, against a
/// simulator on the real clock (so search's 5/s limit is real); each resumed pull must leave
/// every contact linked to exactly one lead with its values, each value journaled once.
@Suite(.hangGuard) struct PullCrashRecoveryTests {
    static let seed: UInt64 = 20_261_129
    static let contacts = 2_000
    static let edited = 1_500
    static let token = "pat-na1-pull-crash-test"

    private static func person(_ n: Int) -> [String: String] {
        ["email": "crash\(n)@example.com", "firstname": "First\(n)", "company": "Company \(n % 31)"]
    }

    /// Runs `leadsync pull`, killing it with SIGKILL after `killAfter` committed pages.
    private func pullKilled(_ cli: LeadsyncCLI, _ simulator: HubSpotSimulator, after killAfter: Int) throws -> Int {
        let child = try cli.executable.start(
            ["pull", "--print-commits"],
            environment: [
                "LEADSYNC_DB": cli.db, "LEADSYNC_TOKEN": Self.token, "LEADSYNC_HUBSPOT_URL": simulator.baseURL,
            ])
        var read = 0
        var pages = 0
        while pages < killAfter, let line = child.nextErrorLine() {
            guard line.hasPrefix("committed page") else { continue }
            read = Int(line.split(separator: " ").last!)!
            pages += 1
        }
        child.kill()
        #expect(child.wait() == SIGKILL, "seed \(Self.seed): the pull must die mid-way")
        return read
    }

    private func pull(_ cli: LeadsyncCLI, _ simulator: HubSpotSimulator) throws -> [String: Int] {
        let (result, document) = try cli.json(
            "pull", environment: ["LEADSYNC_TOKEN": Self.token, "LEADSYNC_HUBSPOT_URL": simulator.baseURL])
        #expect(result.status == 0, "\(result.stderr)")
        return try #require(document as? [String: Int])
    }

    /// Every live contact is linked to one lead whose mapped values are the contact's.
    private func expectLeadsEqualContacts(_ journal: Journal, _ simulator: HubSpotSimulator) async throws {
        let contacts = simulator.contacts()
        let snapshots = try await journal.leads.leadSnapshots(leads: [], remoteIDs: contacts.map(\.id))
        #expect(snapshots.count == contacts.count)
        #expect(Set(snapshots.compactMap(\.remoteID)).count == contacts.count)
        let byRemote = Dictionary(uniqueKeysWithValues: snapshots.map { ($0.remoteID!, $0) })
        let differing = contacts.filter { contact in
            let fields = byRemote[contact.id]?.fields ?? [:]
            return fields["email"]?.wireString != contact.properties["email"]
                || fields["first_name"]?.wireString != contact.properties["firstname"]
                || fields["company"]?.wireString != contact.properties["company"]
        }
        #expect(
            differing.isEmpty, "\(differing.count) leads differ from their contacts, e.g. \(differing.first?.id ?? "")")
    }

    @Test func killedPullsResumeWithoutDuplicatesOrGaps() async throws {
        let simulator = try HubSpotSimulator.started(token: Self.token) { $0.rateLimit = nil }.simulator
        defer { simulator.stop() }
        let ids = simulator.seedContacts((1...Self.contacts).map(Self.person))
        let cli = try LeadsyncCLI()
        var random = SplitMix64(seed: Self.seed)

        // Full pull, 20 list pages: killed after a few, then resumed.
        let readBeforeKill = try pullKilled(cli, simulator, after: 2 + Int(random.next() % 12))
        var journal = try Journal(path: cli.db)
        #expect(
            try await journal.configuration.setting("pull_full_checkpoint") != nil,
            "seed \(Self.seed): the full pull finished before the kill")
        let resumed = try pull(cli, simulator)
        #expect(resumed["created"]! <= Self.contacts - readBeforeKill)
        #expect(resumed["linked"] == 0 && resumed["updated"] == 0)
        journal = try Journal(path: cli.db)
        try await expectLeadsEqualContacts(journal, simulator)
        #expect(try await journal.leads.status().journalEntries == Int64(Self.contacts))

        // Incremental pull over 1,500 HubSpot-side edits, killed after 6 pages (the 500 unedited
        // contacts of the overlap window take the first 4), then resumed.
        for (n, id) in ids.prefix(Self.edited).enumerated() {
            _ = simulator.editContact(id: id, properties: ["firstname": "Edited\(n)"])
        }
        _ = try pullKilled(cli, simulator, after: 6)
        let incremental = try pull(cli, simulator)
        #expect(incremental["created"] == 0 && incremental["linked"] == 0)
        #expect(incremental["updated"]! < Self.edited)
        try await expectLeadsEqualContacts(journal, simulator)
        // Each edit journaled exactly once, whichever run took it.
        #expect(try await journal.leads.status().journalEntries == Int64(Self.contacts + Self.edited))
        #expect(simulator.counters().count("contacts.search", status: 429) == 0)
        #expect(try cli.run("journal", "check").status == 0)
    }
}

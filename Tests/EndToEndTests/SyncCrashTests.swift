import Foundation
import HubSpotSimulator
import LeadSyncJournal
import LeadSyncSupport
import LeadSyncTestKit
import LeadSyncWorkload
import Testing

/// kill -9 of `leadsync sync --follow` at random moments while new changes keep arriving: after
/// a last `sync --once`, HubSpot holds exactly the final state computed from the input, and each
/// crash left at most the batches in flight to be sent again.
///
/// `LEADSYNC_CRASH_ROUNDS` (default 20) and `LEADSYNC_CRASH_SEED` choose the run;
/// `scripts/crash-loop.sh` runs a longer one.
@Suite(.timeLimit(.minutes(3))) struct SyncCrashTests {
    @Test func killingSyncAtRandomMomentsLosesNothing() async throws {
        let environment = ProcessInfo.processInfo.environment
        let rounds = environment["LEADSYNC_CRASH_ROUNDS"].flatMap(Int.init) ?? 20
        let seed = environment["LEADSYNC_CRASH_SEED"].flatMap(UInt64.init) ?? 2_026
        var random = SplitMix64(seed: seed)
        let fixture = try SyncCommandTests.Fixture { $0.latencyMilliseconds = 5 }
        defer { fixture.simulator.stop() }

        let changes = Array(LeadSetGenerator(WorkloadSpec(leads: 400, changes: 400 + rounds * 80, seed: seed)))
        // This process appends while the sync runs in another, as an edge application would.
        let journal = try Journal(path: fixture.cli.db, options: JournalOptions(synchronous: .normal))
        try await append(changes.prefix(400), to: journal)
        var resent: [Int] = []
        for round in 0..<rounds {
            let follower = try fixture.startFollow()
            let arriving = changes.dropFirst(400 + round * 80).prefix(80)
            for part in stride(from: arriving.startIndex, to: arriving.endIndex, by: 20) {
                try await append(arriving[part..<min(part + 20, arriving.endIndex)], to: journal)
                usleep(UInt32(10_000 + random.next() % 40_000))
            }
            usleep(UInt32(random.next() % 300_000))
            follower.kill()
            follower.wait()
            resent.append(try await sentButNotRecorded(journal, fixture.simulator))
        }

        let last = try fixture.sync("--once")
        #expect(last.status == 0, "seed \(seed): \(last.stderr)")
        let expected = ExpectedContacts(changes, mappings: Mapping.defaultProperties)
        #expect(
            fixture.simulator.contactsByEmail(properties: expected.properties) == expected.contacts, "seed \(seed)")
        // At most the batches in flight: 16 requests of 100 inputs.
        #expect(resent.allSatisfy { $0 <= 16 * 100 }, "seed \(seed): \(resent)")
        print("sync crash loop, seed \(seed): \(rounds) kills; records to re-send after each: \(resent)")
    }

    private func append(_ changes: ArraySlice<GeneratedChange>, to journal: Journal) async throws {
        _ = try await journal.changeLog.record(
            changes.map { LeadChange(lead: $0.lead, fields: $0.fieldDictionary, atMilliseconds: $0.atMilliseconds) })
    }

    /// Leads still pending whose pending values HubSpot already holds: what a killed sync sent
    /// without living to record it, and the next sync sends again.
    private func sentButNotRecorded(_ journal: Journal, _ simulator: HubSpotSimulator) async throws -> Int {
        _ = try await journal.changeLog.fold()
        var count = 0
        var cursor: Int64 = 0
        while true {
            let leads = try await journal.leads.pendingLeads(limit: 500, after: cursor)
            guard let last = leads.last else { return count }
            cursor = last.cursor
            for lead in leads {
                let contact =
                    lead.remoteID.flatMap { simulator.contact(id: $0) }
                    ?? lead.identity.flatMap { simulator.contact(email: $0.wireString) }
                guard let contact, !lead.fields.isEmpty else { continue }
                let held = lead.fields.allSatisfy { field in
                    let sent = field.property == "email" ? field.value.wireString.lowercased() : field.value.wireString
                    return contact.properties[field.property] ?? "" == sent
                }
                if held { count += 1 }
            }
        }
    }
}

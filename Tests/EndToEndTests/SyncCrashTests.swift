import Foundation
import HubSpotSimulator
import LeadSyncJournal
import LeadSyncSupport
import LeadSyncTestKit
import LeadSyncWorkload
import Testing

/// Reliability suite, item 1: kill -9 of `leadsync sync --follow` at random moments while new
/// changes keep arriving. After each kill the journal passes `journal check`, and at most one
/// batch waits to be sent again (the simulator sends no rate-limit headers, so the pacer keeps one
/// request in flight; with k in flight the bound is k batches). After a last `sync --once`,
/// HubSpot holds exactly the final state computed from the input, and no contact's property
/// history ever went from a newer value of the input back to an older one.
///
/// `LEADSYNC_CRASH_ROUNDS` (default 20) and `LEADSYNC_CRASH_SEED` choose the run;
/// `scripts/crash-loop.sh` runs a longer one.
@Suite(.hangGuard) struct SyncCrashTests {
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
        var waiting: Set<String> = []
        for round in 0..<rounds {
            let roundStart = Timestamp.epochMilliseconds(Date())
            let requestsBefore = fixture.simulator.counters().totalRequests
            let follower = try fixture.startFollow()
            let arriving = changes.dropFirst(400 + round * 80).prefix(80)
            for part in stride(from: arriving.startIndex, to: arriving.endIndex, by: 20) {
                try await append(arriving[part..<min(part + 20, arriving.endIndex)], to: journal)
                usleep(UInt32(10_000 + random.next() % 40_000))
            }
            // On a starved machine the follower may not have started yet: a kill before its first
            // request tests nothing, so wait (up to 30 s) until it talks to HubSpot.
            let deadline = Date().addingTimeInterval(30)
            while fixture.simulator.counters().totalRequests == requestsBefore, Date() < deadline { usleep(5_000) }
            usleep(UInt32(random.next() % 300_000))
            follower.kill()
            follower.wait()
            // Leads carried over from an earlier kill (the follower died before re-sending them)
            // are not this kill's doing.
            let now = try await sentButNotRecorded(journal, fixture.simulator, since: roundStart)
            resent.append(now.subtracting(waiting).count)
            waiting = now
            let check = try fixture.cli.run(["journal", "check"])
            #expect(check.status == 0, "seed \(seed), round \(round): \(check.stdoutText) \(check.stderr)")
        }

        let last = try fixture.sync("--once")
        #expect(last.status == 0, "seed \(seed): \(last.stderr)")
        let expected = ExpectedContacts(changes, mappings: Mapping.defaultProperties)
        #expect(
            fixture.simulator.contactsByEmail(properties: expected.properties) == expected.contacts, "seed \(seed)")
        // Each kill leaves at most the batch in flight: 100 inputs.
        #expect(resent.allSatisfy { $0 <= 100 }, "seed \(seed): \(resent)")
        let order = WriteOrder(changes, mappings: Mapping.defaultProperties)
        let (violations, changedValues) = try order.violations(in: fixture.simulator, token: fixture.token)
        #expect(violations.isEmpty, "seed \(seed): an older value after a newer one: \(violations.prefix(5))")
        #expect(changedValues > 0, "seed \(seed): no property changed value, so the order was not tested")
        print(
            "sync crash loop, seed \(seed): \(rounds) kills; records each left to re-send: \(resent); \(changedValues) property histories with more than one value, \(violations.count) out of order"
        )
    }

    private func append(_ changes: ArraySlice<GeneratedChange>, to journal: Journal) async throws {
        _ = try await journal.changeLog.record(
            changes.map { LeadChange(lead: $0.lead, fields: $0.fieldDictionary, atMilliseconds: $0.atMilliseconds) })
    }

    /// Leads still pending whose pending values HubSpot already holds, written since `since`
    /// (epoch ms): what a killed sync sent without living to record it, and the next sync sends
    /// again. A contact not written since is left out: it holds a pending value by coincidence
    /// (a change that set the value HubSpot already had), not because it was sent.
    private func sentButNotRecorded(
        _ journal: Journal, _ simulator: HubSpotSimulator, since: Int64
    ) async throws -> Set<String> {
        _ = try await journal.changeLog.fold()
        var found: Set<String> = []
        var cursor: Int64 = 0
        while true {
            let leads = try await journal.leads.pendingLeads(limit: 500, after: cursor)
            guard let last = leads.last else { return found }
            cursor = last.cursor
            for lead in leads {
                let contact =
                    lead.remoteID.flatMap { simulator.contact(id: $0) }
                    ?? lead.identity.flatMap { simulator.contact(email: $0.wireString) }
                guard let contact, !lead.fields.isEmpty, contact.updatedAtMilliseconds >= since else { continue }
                let held = lead.fields.allSatisfy { field in
                    let sent = field.property == "email" ? field.value.wireString.lowercased() : field.value.wireString
                    return contact.properties[field.property] ?? "" == sent
                }
                if held { found.insert(lead.lead) }
            }
        }
    }
}

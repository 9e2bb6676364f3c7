import Foundation
import LeadSyncEngine
import LeadSyncJournal
import LeadSyncSupport
import LeadSyncTestKit
import Testing

/// Follow mode's retention over a long synthetic run: the same 50 leads change every "hour" for a
/// day of simulated time, each change drained into the simulator. With a 2-hour retention the
/// file must stop growing; without it, it grows all day. Status and HubSpot stay exact throughout.
@Suite(.hangGuard) struct JournalRetentionTests {
    static let leads = 50
    static let rounds = 24
    /// The size the retained journal must stay under: a few hours of history plus the leads'
    /// current state. The unretained journal outgrows it (checked below, so the bound means something).
    static let boundBytes: Int64 = 300 * 1024

    @Test func aLongFollowRunStaysUnderItsFileSizeWithStatusAndDeliveryExact() async throws {
        let retained = try await run(retain: true)
        let unretained = try await run(retain: false)
        #expect(retained.max() ?? .max <= Self.boundBytes, "retained sizes: \(retained)")
        #expect((unretained.last ?? 0) > Self.boundBytes, "unretained sizes: \(unretained)")
        // Bounded, not just smaller: the last hours are no bigger than the middle ones.
        #expect(retained.last ?? .max <= (retained[Self.rounds / 2] * 11) / 10, "retained sizes: \(retained)")
    }

    /// Returns the journal file's size (main file and write-ahead log) after each round.
    private func run(retain: Bool) async throws -> [Int64] {
        let harness = try DrainHarness()
        let clock = AdjustableClock(Date(timeIntervalSince1970: 1_795_824_000))
        let retention = JournalRetention(
            journal: harness.journal, policy: .init(keep: .seconds(2 * 3600)), clock: clock)
        let path = harness.directory.path("journal.db")
        var sizes: [Int64] = []
        var expected: [String: [String: String]] = [:]
        for round in 0..<Self.rounds {
            // Two changes per lead per hour, with a long value so history costs real pages.
            for half in 0..<2 {
                let at = Timestamp.epochMilliseconds(clock.now) + Int64(half)
                var changes: [LeadChange] = []
                for lead in 0..<Self.leads {
                    let company = "Company \(round)-\(half)-\(lead) " + String(repeating: "x", count: 200)
                    changes.append(
                        LeadChange(
                            lead: "L-\(lead)",
                            fields: ["email": .string("lead\(lead)@example.com"), "company": .string(company)],
                            atMilliseconds: at))
                    expected["lead\(lead)@example.com"] = ["email": "lead\(lead)@example.com", "company": company]
                }
                _ = try await harness.journal.changeLog.record(changes)
            }
            let report = try await harness.sync()
            #expect(report.ending == .drained)
            if retain { try await retention.compactNow() }
            let status = try await harness.journal.leads.status()
            #expect(status.pendingLeads == 0 && status.pendingChanges == 0 && status.rejected == 0)
            sizes.append(Self.fileSize(path) + Self.fileSize(path + "-wal"))
            clock.advance(seconds: 3600)
        }
        #expect(harness.contactsByEmail(properties: ["email", "company"]) == expected)
        let status = try await harness.journal.leads.status()
        // Three hours of history are left (the cutoff is two hours before the last pass) when retained.
        #expect(status.journalEntries == Int64(retain ? 3 * 2 * Self.leads : Self.rounds * 2 * Self.leads))
        #expect(try await harness.journal.maintenance.check().isEmpty)
        return sizes
    }

    private static func fileSize(_ path: String) -> Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
    }
}

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

    // MARK: Conversations (decision 0032)

    /// Conversations flowing for half a simulated day: every hour each of 10 leads starts a
    /// conversation of three messages, and one conversation goes on all day (ten messages an
    /// hour, a note part every two hours or so, a summary that changes halfway). Drained after
    /// every hour; with a 2-hour retention the file stops growing, and HubSpot holds every
    /// message exactly once, one note per part, before and after late messages.
    @Test func conversationsStayBoundedAndTheirNotesExactAfterRetentionAndLateMessages() async throws {
        let retained = try await conversationRun(retain: true)
        let unretained = try await conversationRun(retain: false)
        #expect(retained.max() ?? .max <= Self.conversationBoundBytes, "retained sizes: \(retained)")
        #expect((unretained.last ?? 0) > 2 * Self.conversationBoundBytes, "unretained sizes: \(unretained)")
    }

    static let conversationRounds = 12
    static let conversationBoundBytes: Int64 = 700 * 1024

    /// The file's size after each round.
    private func conversationRun(retain: Bool) async throws -> [Int64] {
        let harness = try DrainHarness()
        let clock = AdjustableClock(Date(timeIntervalSince1970: 1_795_824_000))
        let start = Timestamp.epochMilliseconds(clock.now)
        let retention = JournalRetention(
            journal: harness.journal, policy: .init(keep: .seconds(2 * 3600)), clock: clock)
        let path = harness.directory.path("journal.db")
        for lead in 0..<10 {
            try await harness.record("L-\(lead)", ["email": .string("c\(lead)@example.com")], at: start)
        }
        var expected: [String: [String]] = [:]  // conversation → its messages' tags
        var summary: [String: String] = [:]
        func say(_ lead: Int, _ conversation: String, _ n: Int, at: Int64, length: Int) async throws {
            let tag = "\(conversation)/m\(n)/"
            expected[conversation, default: []].append(tag)
            _ = try await harness.journal.conversations.record([
                ConversationEntry(
                    lead: "L-\(lead)", conversation: conversation, atMilliseconds: at,
                    message: .init(id: "m\(n)", from: "visitor", text: tag + String(repeating: "x", count: length)))
            ])
        }
        func summarise(_ conversation: String, _ text: String, at: Int64) async throws {
            summary[conversation] = text
            _ = try await harness.journal.conversations.record([
                ConversationEntry(lead: "L-0", conversation: conversation, atMilliseconds: at, summary: .set(text))
            ])
        }
        var sizes: [Int64] = []
        for round in 0..<Self.conversationRounds {
            let now = Timestamp.epochMilliseconds(clock.now)
            for lead in 0..<10 {
                for n in 0..<3 {
                    try await say(lead, "C-\(round)-\(lead)", n, at: now + Int64(n) * 1_000, length: 2_000)
                }
            }
            for n in 0..<10 { try await say(0, "C-long", round * 10 + n, at: now + Int64(n) * 1_000, length: 3_000) }
            if round == 0 || round == Self.conversationRounds / 2 {
                try await summarise("C-long", "summary \(round)", at: now)
            }
            #expect(try await harness.sync().ending == .drained)
            if retain { try await retention.compactNow() }
            sizes.append(Self.fileSize(path) + Self.fileSize(path + "-wal"))
            clock.advance(seconds: 3600)
        }
        // A summary moved by a cut is delivered by the next sync.
        #expect(try await harness.sync().ending == .drained)
        try Self.expectNotes(harness, expected, summary: summary)
        if retain {
            // Bounded by what retention keeps: the conversations of the last three hours, whole,
            // and of the long one its messages of those hours plus at most a note's worth before
            // them (the part they started in).
            for round in 0..<Self.conversationRounds - 3 {
                for lead in 0..<10 {
                    let (transcript, _) = try await harness.journal.conversations.transcript(of: "C-\(round)-\(lead)")
                    #expect(transcript.messages.isEmpty && transcript.sealedParts == 1, "C-\(round)-\(lead)")
                }
            }
            let (long, _) = try await harness.journal.conversations.transcript(of: "C-long")
            #expect(long.messages.count <= 30 + 22 && long.sealedParts > 0, "C-long keeps \(long.messages.count)")
        }

        // Late messages, stamped in the first hour: a sealed conversation gets a continued part,
        // and its first note is left as it was.
        let first = Self.notes(harness)["C-0-3"]?[1]
        let late = start + 60_000
        try await say(3, "C-0-3", 9, at: late, length: 100)
        try await say(0, "C-long", 999, at: late, length: 100)
        #expect(try await harness.sync().ending == .drained)
        try Self.expectNotes(harness, expected, summary: summary)
        let after = try #require(Self.notes(harness)["C-0-3"])
        #expect(after.count == (retain ? 2 : 1), "parts: \(after.keys.sorted())")
        if retain { #expect(after[1] == first, "the sealed note was rewritten") }
        let status = try await harness.journal.leads.status()
        #expect(status.pendingLeads == 0 && status.rejected == 0)
        #expect(try await harness.journal.conversations.counts().pending == 0)
        #expect(try await harness.journal.maintenance.check().isEmpty)
        return sizes
    }

    /// Every conversation's notes in HubSpot, by part: body.
    private static func notes(_ harness: DrainHarness) -> [String: [Int: String]] {
        var found: [String: [Int: String]] = [:]
        for note in harness.simulator.notes() {
            let body = note.properties["hs_note_body"] ?? ""
            guard let range = body.range(of: "<p>leadsync: ", options: .backwards) else { continue }
            let closing = body[range.upperBound...].dropLast(4)  // "</p>"
            var part = 1
            var conversation = String(closing.dropFirst("conversation ".count))
            if closing.hasPrefix("part ") {
                let words = closing.split(separator: " ", maxSplits: 4)
                part = Int(words[1]) ?? 0
                conversation = String(words[4])
            }
            #expect(found[conversation]?[part] == nil, "two notes for \(conversation) part \(part)")
            found[conversation, default: [:]][part] = body
        }
        return found
    }

    /// Each conversation has notes for parts 1…n, and every message it was sent appears in
    /// exactly one of them, once; its latest summary appears in them.
    private static func expectNotes(
        _ harness: DrainHarness, _ expected: [String: [String]], summary: [String: String]
    ) throws {
        let notes = notes(harness)
        #expect(Set(notes.keys) == Set(expected.keys))
        for (conversation, tags) in expected {
            let parts = try #require(notes[conversation])
            #expect(parts.keys.sorted() == Array(1...parts.count), "\(conversation): \(parts.keys.sorted())")
            let bodies = parts.values.joined()
            for tag in tags {
                #expect(bodies.components(separatedBy: tag).count == 2, "\(tag) not exactly once")
            }
            if let text = summary[conversation] { #expect(bodies.contains("<br>\(text)</p>"), "\(conversation)") }
        }
    }

    private static func fileSize(_ path: String) -> Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
    }
}

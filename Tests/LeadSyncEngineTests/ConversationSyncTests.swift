import Foundation
import HubSpotAPI
import HubSpotSimulator
import LeadSyncEngine
import LeadSyncJournal
import LeadSyncSupport
import LeadSyncTestKit
import Synchronization
import Testing

/// Conversations pushed as notes to hubspot-sim over real HTTP (docs/conversations.md).
@Suite("Conversations become one note each", .hangGuard)
struct ConversationSyncTests {
    let at = Timestamp.parse("2026-11-28T10:15:00Z")!

    func say(
        _ harness: DrainHarness, _ conversation: String, _ id: String?, _ text: String, at offset: Int64,
        lead: String = "L-1", from: String = "visitor"
    ) async throws -> ConversationRecordReport {
        try await harness.journal.conversations.record([
            ConversationEntry(
                lead: lead, conversation: conversation, atMilliseconds: at + offset,
                message: .init(id: id, from: from, text: text))
        ])
    }

    func notes(_ harness: DrainHarness, email: String) throws -> [SimNote] {
        let contact = try #require(harness.contact(email: email))
        return harness.simulator.notes(contactId: contact.id)
    }

    @Test(arguments: [false, true])
    func aTranscriptInOrderEscapedSummaryFirstStampedWithItsFirstMessage(uniqueNoteProperties: Bool) async throws {
        let harness = try DrainHarness { $0.allowUniqueNoteProperties = uniqueNoteProperties }
        try await harness.record("L-1", ["email": .string("ada@example.com")], at: at)
        _ = try await say(harness, "C-77", "m2", "Pro is $40 <a seat> & \"more\" — 日本語 🙂", at: 9_000, from: "agent")
        _ = try await say(harness, "C-77", "m1", "Hi, what's Pro?\nFor 40 seats", at: 0)
        _ = try await harness.journal.conversations.record([
            ConversationEntry(
                lead: "L-1", conversation: "C-77", atMilliseconds: at + 60_000, summary: .set("Wants 40 <Pro> seats"))
        ])
        let report = try await harness.sync()
        #expect(report.ending == .drained)
        #expect(report.summary.notesCreated == 1)

        let note = try #require(try notes(harness, email: "ada@example.com").only)
        #expect(
            note.properties["hs_note_body"] == """
                <p><strong>Summary</strong><br>Wants 40 &lt;Pro&gt; seats</p>\
                <p><strong>visitor</strong> 2026-11-28 10:15:00 UTC<br>Hi, what&#39;s Pro?<br>For 40 seats</p>\
                <p><strong>agent</strong> 2026-11-28 10:15:09 UTC<br>Pro is $40 &lt;a seat&gt; &amp; &quot;more&quot; — 日本語 🙂</p>\
                <p>leadsync: conversation C-77</p>
                """)
        #expect(note.properties["hs_timestamp"] == "2026-11-28T10:15:00.000Z")
        #expect(note.properties[NotesSync.keyProperty] == (uniqueNoteProperties ? "C-77#1" : nil))
        #expect(
            try await harness.journal.configuration.setting(.noteKeyMode)
                == (uniqueNoteProperties ? "unique_key" : "lookup"))
        #expect(try await harness.journal.conversations.counts().pending == 0)
        let info = try #require(try await harness.journal.conversations.conversations(ofLead: "L-1").only)
        #expect(info.state == .delivered && info.messages == 2 && info.notes.map(\.noteId) == [note.id])
    }

    @Test func growthUpdatesTheSameNoteOncePerPassAndDuplicatesAreIngestedOnce() async throws {
        let harness = try DrainHarness()
        try await harness.record("L-1", ["email": .string("ada@example.com")], at: at)
        _ = try await say(harness, "C-1", "m1", "first", at: 0)
        _ = try await harness.sync()
        let created = try #require(try notes(harness, email: "ada@example.com").only)

        // Three messages (one re-sent by a device unsure of its batch) → one update.
        #expect(try await say(harness, "C-1", "m2", "second", at: 1_000).messages == 1)
        #expect(try await say(harness, "C-1", "m3", "third", at: 2_000).messages == 1)
        #expect(try await say(harness, "C-1", "m2", "second", at: 1_000).duplicateMessages == 1)
        let before = harness.simulator.counters()
        let report = try await harness.sync()
        #expect(report.summary.notesUpdated == 1 && report.summary.notesCreated == 0)
        #expect(harness.simulator.counters().notesUpdated - before.notesUpdated == 1)
        let note = try #require(try notes(harness, email: "ada@example.com").only)
        #expect(note.id == created.id)
        let body = try #require(note.properties["hs_note_body"])
        #expect(body.components(separatedBy: "second").count == 2)
        #expect(body.range(of: "first")!.lowerBound < body.range(of: "second")!.lowerBound)
        #expect(body.range(of: "second")!.lowerBound < body.range(of: "third")!.lowerBound)

        // Nothing new: a second sync sends nothing for notes.
        #expect(try await harness.sync().summary.notesUpdated == 0)
    }

    @Test func aWindowLeavesItsPartialBatchOfCreatesToTheNextWindow() async throws {
        let harness = try DrainHarness()
        try await recordLeads(30, conversations: 300, harness)
        let report = try await harness.sync { $0.windowSize = 150 }
        #expect(report.ending == .drained)
        #expect(report.summary.notesCreated == 300)
        // Windows of 150 conversations would send 100 + 50 twice; carried over, the fewest: 3.
        #expect(harness.simulator.counters().count("notes.batch.create") == 3)
        #expect(try await harness.journal.conversations.counts().pending == 0)
    }

    /// Decision 0038: a window's requests do not wait for the previous window's answers. The
    /// first window's create is answered 10 s late; the next windows (100 tiny conversations
    /// each, read and rendered locally) are ready long before, so window-serial sends never
    /// overlap at HubSpot and pipelined ones do. (A latency on every answer, half a second and
    /// then 2 s, was not enough in the full suite on 2 loaded cores: preparing a window took
    /// longer, and the test failed with no overlap, in clean-clone CI at 9bf02ec and 7007b4f.)
    @Test func theNextWindowGoesOutWhileThePreviousIsInFlight() async throws {
        let harness = try DrainHarness()
        harness.simulator.injectFault(.slow(milliseconds: 10_000), path: "notes.batch.create")
        let log = Mutex<[(arrival: Int64, answer: Int64)]>([])
        harness.simulator.logRequests { line in
            let fields = line.split(separator: " ")
            guard fields.count > 2, fields[2] == "notes.batch.create", let arrival = Int64(fields[0]),
                let answer = Int64(fields[1])
            else { return }
            log.withLock { $0.append((arrival, answer)) }
        }
        try await recordLeads(30, conversations: 400, harness)
        let report = try await harness.sync { $0.windowSize = 100 }
        #expect(report.ending == .drained)
        #expect(report.summary.notesCreated == 400)
        let creates = log.withLock { $0 }.sorted { $0.arrival < $1.arrival }
        #expect(creates.count == 4)
        let overlapping = zip(creates, creates.dropFirst()).filter { $1.arrival < $0.answer }.count
        #expect(overlapping > 0, "every window's create waited for the previous window's answer")
        #expect(try await harness.journal.conversations.counts().pending == 0)
    }

    /// `leads` leads with an email and `conversations` one-message conversations spread over them.
    func recordLeads(_ leads: Int, conversations: Int, _ harness: DrainHarness) async throws {
        _ = try await harness.journal.changeLog.record(
            (0..<leads).map {
                LeadChange(lead: "L-\($0)", fields: ["email": .string("l\($0)@example.com")], atMilliseconds: 1)
            })
        _ = try await harness.journal.conversations.record(
            (0..<conversations).map {
                ConversationEntry(
                    lead: "L-\($0 % leads)", conversation: "C-\($0)", atMilliseconds: at + Int64($0),
                    message: .init(id: "m\($0)", from: "visitor", text: "hello \($0)"))
            })
    }

    /// Issue 13, decision 0039: the notes lane waits for the pacer when the window is spent (10
    /// requests per 10 s: the definitions, the upsert, the key probe and 7 creates); a stop asked
    /// as that wait begins ends it: on a clock that stands still only the stop can.
    /// What was not sent stays pending. (`SyncStopTests` times the whole process's stop: < 2 s.)
    @Test func aStopEndsTheNotesLanesWaitForASpentBudget() async throws {
        let harness = try DrainHarness()
        // 20 leads and 1,000 conversations: 10 creates of 100 notes.
        try await recordLeads(20, conversations: 1_000, harness)
        var options = SyncOptions()
        options.pacer.limit = 10
        options.pacer.limitIsCap = true
        let asked = Mutex<Reconciler?>(nil)
        let reconciler = Reconciler(
            journal: harness.journal, gateway: harness.gateway, options: options,
            clock: StandingClock { asked.withLock { $0 }?.requestStop() })
        asked.withLock { $0 = reconciler }
        let report = try #require(
            try await reconciler.run(orCancelAfter: .seconds(150)), "the stop did not end the wait")
        #expect(report.ending == .interrupted)
        #expect(harness.simulator.counters().totalRequests == 10)
        let created = harness.simulator.notes().count
        #expect(created == report.summary.notesCreated && created == 700)
        // Nothing lost: a second sync sends the rest, one note per conversation.
        #expect(try await harness.sync().ending == .drained)
        #expect(harness.simulator.notes().count == 1_000)
        #expect(try await harness.journal.conversations.counts().pending == 0)
    }

    /// Issue 13, decision 0039: a create HubSpot never answers has the stop's grace (1 s) to be
    /// answered, then is abandoned: the notes lane does not wait for HubSpot (or curl's 120-s
    /// timeout) once stopped.
    @Test func aStopAbandonsANotesCreateHubSpotNeverAnswers() async throws {
        let harness = try DrainHarness()
        // 20 leads and 1,000 conversations: 10 creates of 100 notes.
        try await recordLeads(20, conversations: 1_000, harness)
        harness.simulator.injectFault(.hang(milliseconds: 600_000), onRequest: 1, path: "notes.batch.create")
        let reconciler = harness.reconciler()
        let stopped = Mutex(false)
        harness.simulator.logRequests { line in
            // Logged when the hung create arrives.
            guard line.split(separator: " ").dropFirst(2).first == "notes.batch.create" else { return }
            let first = stopped.withLock { stopped in
                defer { stopped = true }
                return !stopped
            }
            if first { reconciler.requestStop() }
        }
        let report = try #require(try await reconciler.run(orCancelAfter: .seconds(150)), "waited for HubSpot")
        #expect(report.ending == .interrupted)
        harness.simulator.clearFaults()
        #expect(try await harness.sync().ending == .drained)
        #expect(harness.simulator.notes().count == 1_000, "one note per conversation, the hung create's settled")
        #expect(try await harness.journal.conversations.counts().pending == 0)
    }

    @Test func aConversationWaitsForIdentityAndForAMatchWhileCreateIsOff() async throws {
        let harness = try DrainHarness()
        _ = try await say(harness, "C-1", "m1", "no email yet", at: 0)
        #expect(try await harness.sync().ending == .drained)
        #expect(harness.simulator.notes().isEmpty)
        #expect(try await harness.journal.conversations.counts().pending == 1)

        _ = try await harness.journal.configuration.setPushRules(update: nil, create: false)
        try await harness.record("L-1", ["email": .string("ada@example.com")], at: at + 1)
        #expect(try await harness.sync().ending == .drained)
        #expect(harness.simulator.notes().isEmpty)

        _ = harness.simulator.seedContacts([["email": "ada@example.com"]])
        let report = try await harness.sync { $0.recheckWaitingInterval = .zero }
        #expect(report.ending == .drained)
        #expect(try notes(harness, email: "ada@example.com").count == 1)
        #expect(try await harness.journal.conversations.counts().pending == 0)
    }

    @Test func pastTheLimitTheTranscriptContinuesInAnotherNoteAndNothingIsLost() async throws {
        let harness = try DrainHarness()
        try await harness.record("L-1", ["email": .string("ada@example.com")], at: at)
        for index in 0..<10 {
            _ = try await say(
                harness, "C-long", "m\(index)", "message \(index) " + String(repeating: "x", count: 9_000),
                at: Int64(index))
        }
        _ = try await harness.sync()
        var notes = try notes(harness, email: "ada@example.com").sorted { $0.id < $1.id }
        #expect(notes.count == 2)
        #expect(notes.allSatisfy { ($0.properties["hs_note_body"]?.count ?? .max) <= 65_536 })
        #expect(
            notes[1].properties["hs_note_body"]?.hasSuffix("<p>leadsync: part 2 of conversation C-long</p>") == true)
        // The conversation grows: only the last part changes.
        _ = try await say(harness, "C-long", "m10", "message 10 short", at: 10)
        let report = try await harness.sync()
        #expect(report.summary.notesUpdated == 1 && report.summary.notesCreated == 0)
        notes = try self.notes(harness, email: "ada@example.com")
        let all = notes.map { $0.properties["hs_note_body"] ?? "" }.joined()
        for index in 0...10 { #expect(all.contains("message \(index) ")) }
    }

    @Test func aNoteDeletedInHubSpotRejectsItsConversationUntilRetried() async throws {
        let harness = try DrainHarness()
        try await harness.record("L-1", ["email": .string("ada@example.com")], at: at)
        _ = try await say(harness, "C-1", "m1", "first", at: 0)
        _ = try await harness.sync()
        let note = try #require(try notes(harness, email: "ada@example.com").only)
        #expect(harness.simulator.deleteNote(id: note.id))

        _ = try await say(harness, "C-1", "m2", "second", at: 1)
        #expect(try await harness.sync().ending == .drained)
        #expect(try notes(harness, email: "ada@example.com").isEmpty)
        let rejected = try #require(try await harness.journal.conversations.rejected().only)
        #expect(rejected.conversation == "C-1" && rejected.category == "OBJECT_NOT_FOUND")
        #expect(try await harness.journal.conversations.counts().pending == 0)
        // Not recreated by another sync.
        _ = try await harness.sync()
        #expect(try notes(harness, email: "ada@example.com").isEmpty)

        #expect(try await harness.journal.conversations.retry(["C-1"]) == 1)
        _ = try await harness.sync()
        let again = try #require(try notes(harness, email: "ada@example.com").only)
        #expect(again.id != note.id)
        #expect(again.properties["hs_note_body"]?.contains("second") == true)
    }

    @Test(arguments: [false, true])
    func aCreateAppliedWhoseAnswerWasLostMakesNoSecondNote(uniqueNoteProperties: Bool) async throws {
        let harness = try DrainHarness { $0.allowUniqueNoteProperties = uniqueNoteProperties }
        try await harness.record("L-1", ["email": .string("ada@example.com")], at: at)
        try await harness.record("L-2", ["email": .string("grace@example.com")], at: at)
        _ = try await say(harness, "C-1", "m1", "hello", at: 0)
        _ = try await say(harness, "C-2", "m1", "hello", at: 0, lead: "L-2")
        harness.simulator.injectFault(.reset, onRequest: 1, path: "notes.batch.create", applied: true)
        let report = try await harness.sync()
        #expect(report.ending == .drained)
        #expect(try notes(harness, email: "ada@example.com").count == 1)
        #expect(try notes(harness, email: "grace@example.com").count == 1)
        #expect(harness.simulator.notes().count == 2)
        #expect(try await harness.journal.conversations.counts().pending == 0)
    }

    @Test func aSecondSyncAfterAKilledCreateAdoptsTheNoteItFinds() async throws {
        // The intent was recorded and the create applied, but the process died before the answer.
        let harness = try DrainHarness()
        try await harness.record("L-1", ["email": .string("ada@example.com")], at: at)
        _ = try await say(harness, "C-1", "m1", "hello", at: 0)
        _ = try await harness.sync()
        let note = try #require(try notes(harness, email: "ada@example.com").only)
        try await harness.journal.conversations.apply([
            .rejected(conversation: "C-1", category: "X", message: "x", atMilliseconds: 0, forgetPart: 1)
        ])
        _ = try await harness.journal.conversations.retry(["C-1"])
        try await harness.journal.conversations.apply([.createIntended(conversation: "C-1", parts: [1])])
        _ = try await say(harness, "C-1", "m2", "again", at: 1)
        _ = try await harness.sync()
        let after = try #require(try notes(harness, email: "ada@example.com").only)
        #expect(after.id == note.id)
        #expect(after.properties["hs_note_body"]?.contains("again") == true)
    }
}

extension Collection {
    /// The one element, or nil when there are none or several.
    var only: Element? { count == 1 ? first : nil }
}

import Foundation
import HubSpotSimulator
import LeadSyncJournal
import LeadSyncSupport
import LeadSyncTestKit
import Testing

/// kill -9 of `leadsync sync --follow` at random moments while messages keep arriving and the
/// simulator applies 5 % of writes and then drops the connection unanswered: after a last
/// `sync --once`, every conversation has exactly one note per part and every message is in
/// them — with unique note properties allowed (unique-key mode) and refused (look-up mode).
///
/// `LEADSYNC_CONVERSATION_KILLS` (default 20) and `LEADSYNC_CRASH_SEED` choose the run;
/// `scripts/conversation-kill-trials.sh` runs longer ones. The loop sleeps and waits for
/// processes, so it runs on a thread of its own, one mode after the other.
@Suite(.hangGuard, .serialized) struct ConversationCrashTests {
    @Test(arguments: [false, true])
    func killingSyncWhileMessagesArriveNeverDuplicatesANote(uniqueNoteProperties: Bool) async throws {
        let failures = try await onOwnThread { try Self.crashLoop(uniqueNoteProperties: uniqueNoteProperties) }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }

    /// The loop and its checks; returns what failed (expectations belong to the test's task).
    private static func crashLoop(uniqueNoteProperties: Bool) throws -> [String] {
        var failures: [String] = []
        func check(_ condition: Bool, _ message: @autoclosure () -> String) {
            if !condition { failures.append(message()) }
        }
        let environment = ProcessInfo.processInfo.environment
        let rounds = environment["LEADSYNC_CONVERSATION_KILLS"].flatMap(Int.init) ?? 20
        let seed = environment["LEADSYNC_CRASH_SEED"].flatMap(UInt64.init) ?? 2_026
        var random = SplitMix64(seed: seed)
        let fixture = try SyncCommandTests.Fixture {
            $0.latencyMilliseconds = 5
            $0.faults.applyThenDropRate = 0.05
            $0.allowUniqueNoteProperties = uniqueNoteProperties
            $0.seed = seed
        }
        defer { fixture.simulator.stop() }
        // Besides the random 5 %, some creates are certain to lose their answer after applying: the
        // first three, since 220 notes in batches of at most 100 take at least three creates however
        // the kills fall. (Creates 2, 4 and 7 were not: with full batches and followers killed before
        // they sent, a run made three creates in all, and "the scheduled lost answers" check failed.)
        for n in [1, 2, 3] {
            fixture.simulator.injectFault(.reset, onRequest: n, path: "notes.batch.create", applied: true)
        }

        // This process appends while the sync runs in another, as an edge application would.
        let journal = try Journal(path: fixture.cli.db, options: JournalOptions(synchronous: .normal))
        let leads = 30
        let emails = (0..<leads).map {
            LeadChange(lead: "L-\($0)", fields: ["email": .string("lead\($0)@example.com")], atMilliseconds: 1)
        }
        _ = try journal.blocking { try await $0.changeLog.record(emails) }
        var sent = 0
        func say(_ count: Int) throws {
            let entries = (0..<count).map { offset -> ConversationEntry in
                let index = sent + offset
                // A tenth of messages re-sent (duplicates by id). Conversations of 6 messages, so
                // new ones start (creates) while older ones grow (updates) all along.
                let id = random.next() % 10 == 0 && index > 0 ? index - 1 : index
                let conversation = id / 6
                return ConversationEntry(
                    lead: "L-\(conversation % leads)", conversation: "C-\(conversation)",
                    atMilliseconds: Int64(1_000 + id),
                    message: .init(
                        id: "m\(id)", from: id % 2 == 0 ? "visitor" : "agent", text: "message-\(id) <&> \"ü\""))
            }
            sent += count
            _ = try journal.blocking { [entries] in try await $0.conversations.record(entries) }
        }
        try say(120)
        for _ in 0..<rounds {
            let follower = try fixture.startFollow()
            for _ in 0..<4 {
                try say(15)
                usleep(UInt32(100_000 + random.next() % 100_000))
            }
            usleep(UInt32(random.next() % 400_000))
            follower.kill()
            follower.wait()
        }

        let last = try fixture.sync("--once")
        check(last.status == 0, "seed \(seed): \(last.stderr)")
        let notes = fixture.simulator.notes().filter { !$0.archived }
        var parts = 0
        for conversation in 0...(sent - 1) / 6 {
            let (transcript, _) = try journal.blocking {
                try await $0.conversations.transcript(of: "C-\(conversation)")
            }
            let mine = notes.filter {
                ($0.properties["hs_note_body"] ?? "").contains("conversation C-\(conversation)</p>")
            }
            let closing = mine.map { $0.properties["hs_note_body"]!.components(separatedBy: "<p>leadsync: ").last! }
            check(Set(closing).count == closing.count, "seed \(seed): C-\(conversation) has a duplicate note")
            let bodies = mine.map { $0.properties["hs_note_body"]! }.joined()
            for message in transcript.messages {
                let id = message.text.split(separator: " ")[0]
                check(bodies.components(separatedBy: "\(id) &lt;").count == 2, "seed \(seed): C-\(conversation) \(id)")
            }
            let contact = fixture.simulator.contact(email: "lead\(conversation % leads)@example.com")
            check(
                mine.allSatisfy { $0.contactIds == [contact?.id ?? "?"] },
                "seed \(seed): C-\(conversation) has a note on another contact")
            parts += mine.count
        }
        check(notes.count == parts, "seed \(seed): notes of no conversation")
        let counters = fixture.simulator.counters()
        check(
            counters.requests["notes.batch.create", default: [:]][0, default: 0] >= 3,
            "the scheduled lost answers happened")
        let status = try journal.blocking { try await $0.conversations.counts() }
        check(status.pending == 0, "seed \(seed): \(status.pending) conversations still pending")
        print(
            "conversation crash loop, seed \(seed), unique keys \(uniqueNoteProperties): \(rounds) kills, \(notes.count) notes, "
                + "\(counters.appliedThenDropped) writes applied then dropped, "
                + "\(counters.requests["notes.batch.create", default: [:]][0, default: 0]) creates unanswered")
        return failures
    }
}

import Foundation
import LeadSyncJournal
import LeadSyncSupport
import LeadSyncTestKit
import Testing

/// SQLite's own conversation rules (retention's seal); the rules both stores share are
/// `ConversationConformanceTests` (LeadSyncPostgresTests).
@Suite("Conversations in the journal")
struct ConversationStoreTests {
    let dir: TemporaryDirectory
    let journal: Journal

    init() throws {
        dir = try TemporaryDirectory()
        journal = try Journal(path: dir.path("j.db"), options: JournalOptions(synchronous: .normal))
    }

    func message(
        _ conversation: String, _ id: String?, at: Int64, lead: String = "L-1", from: String = "visitor",
        text: String = "hi"
    ) -> ConversationEntry {
        ConversationEntry(
            lead: lead, conversation: conversation, atMilliseconds: at, message: .init(id: id, from: from, text: text))
    }

    @Test func aSealAppliesOnlyToTheDeliveredRevisionItWasComputedFrom() async throws {
        _ = try await journal.conversations.record([
            message("C", "m1", at: 1), message("C", "m2", at: 2),
            ConversationEntry(lead: "L-1", conversation: "C", atMilliseconds: 3, summary: .set("s")),
        ])
        let read = try #require(try await journal.conversations.pending(after: nil, limit: 1).first).revision
        var seal = ConversationSeal(
            conversation: "C", revision: read, sealedBefore: 0, parts: 1, messages: 2, sealsAll: true)
        // Not delivered yet: nothing may go.
        #expect(try await journal.maintenance.sealableConversations(olderThan: 10).isEmpty)
        #expect(try await !journal.maintenance.seal(seal))
        try await journal.conversations.apply([
            .noted(conversation: "C", part: 1, noteId: "9001", digest: "d1"),
            .delivered(conversation: "C", revision: read),
        ])
        #expect(try await journal.maintenance.sealableConversations(olderThan: 2).map(\.conversation) == ["C"])
        #expect(try await journal.maintenance.sealableConversations(olderThan: 1).isEmpty, "no message older")
        // A message arrives after the cut was computed: the cut no longer applies.
        _ = try await journal.conversations.record([message("C", "m3", at: 0)])
        #expect(try await !journal.maintenance.seal(seal))
        #expect(try await journal.conversations.transcript(of: "C").0.messages.count == 3)

        let current = try #require(try await journal.conversations.pending(after: nil, limit: 1).first).revision
        try await journal.conversations.apply([.delivered(conversation: "C", revision: current)])
        seal.revision = current
        seal.messages = 3
        #expect(try await journal.maintenance.seal(seal))
        let (transcript, notes) = try await journal.conversations.transcript(of: "C")
        #expect(transcript.messages.isEmpty && transcript.summary == nil && transcript.sealedParts == 1)
        #expect(notes == [ConversationNote(part: 1, noteId: "9001", digest: "d1", createIntended: false)])
        #expect(try await journal.conversations.counts().pending == 0)
        // An older summary does not come back; a newer one is pending again, for part 2.
        _ = try await journal.conversations.record([
            ConversationEntry(lead: "L-1", conversation: "C", atMilliseconds: 2, summary: .set("older"))
        ])
        #expect(try await journal.conversations.counts().pending == 0)
        _ = try await journal.conversations.record([
            ConversationEntry(lead: "L-1", conversation: "C", atMilliseconds: 4, summary: .set("newer"))
        ])
        #expect(try await journal.conversations.counts().pending == 1)
        #expect(try await journal.maintenance.check() == [])
    }

}

import Foundation
import LeadSyncJournal
import LeadSyncSupport
import LeadSyncTestKit
import Testing

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

    @Test func aKnownMessageIdIsACountedDuplicateNotASecondEntry() async throws {
        let first = try await journal.conversations.record([
            message("C", "m1", at: 1), message("C", "m2", at: 2), message("C", "m1", at: 3),
        ])
        #expect(first.messages == 2 && first.duplicateMessages == 1)
        let again = try await journal.conversations.record([
            message("C", "m2", at: 2), message("C", nil, at: 4), message("C", nil, at: 4),
        ])
        #expect(again.messages == 2 && again.duplicateMessages == 1)
        // The same id in another conversation is another message.
        #expect(try await journal.conversations.record([message("D", "m1", at: 1)]).messages == 1)
        let (transcript, _) = try await journal.conversations.transcript(of: "C")
        #expect(transcript.messages.count == 4)
    }

    @Test func aConversationBelongsToTheLeadOfItsFirstLine() async throws {
        let report = try await journal.conversations.record([
            message("C", "m1", at: 1, lead: "L-1"), message("C", "m2", at: 2, lead: "L-2"),
            message("C", "m3", at: 3, lead: "L-1"),
        ])
        #expect(report.messages == 2)
        #expect(report.refused == [1: "conversation C belongs to lead L-1"])
        let later = try await journal.conversations.record([message("C", "m4", at: 4, lead: "L-9")])
        #expect(later.refused == [0: "conversation C belongs to lead L-1"] && later.messages == 0)
    }

    @Test func messagesShowInAtOrderTiesInAppendOrderAndTheLatestSummaryWins() async throws {
        _ = try await journal.conversations.record([
            message("C", "late", at: 30, text: "third"), message("C", "early", at: 10, text: "first"),
            message("C", "tie-a", at: 20, text: "second-a"), message("C", "tie-b", at: 20, text: "second-b"),
            ConversationEntry(lead: "L-1", conversation: "C", atMilliseconds: 50, summary: .set("newest")),
            ConversationEntry(
                lead: "L-1", conversation: "C", atMilliseconds: 40, summary: .set("older, delivered late")),
        ])
        var (transcript, _) = try await journal.conversations.transcript(of: "C")
        #expect(transcript.messages.map(\.text) == ["first", "second-a", "second-b", "third"])
        #expect(transcript.summary == "newest" && transcript.summaryAt == 50)
        _ = try await journal.conversations.record([
            ConversationEntry(lead: "L-1", conversation: "C", atMilliseconds: 50, summary: .remove)
        ])
        (transcript, _) = try await journal.conversations.transcript(of: "C")
        #expect(transcript.summary == nil)
        // A removal keeps its time: an older summary arriving later does not come back.
        _ = try await journal.conversations.record([
            ConversationEntry(lead: "L-1", conversation: "C", atMilliseconds: 45, summary: .set("stale"))
        ])
        (transcript, _) = try await journal.conversations.transcript(of: "C")
        #expect(transcript.summary == nil)
    }

    @Test func pendingUntilTheRevisionReadIsDeliveredAndRejectedUntilRetried() async throws {
        _ = try await journal.conversations.record([message("C", "m1", at: 1), message("D", "m1", at: 1, lead: "L-2")])
        try await journal.changeLog.record(lead: "L-1", fields: ["email": .string("a@example.com")])
        var pending = try await journal.conversations.pending(after: nil, limit: 10)
        #expect(pending.map(\.conversation) == ["C", "D"])
        #expect(pending.map(\.contactId) == [nil, nil])
        #expect(
            try await journal.conversations.counts() == ConversationCounts(conversations: 2, pending: 2, lastMessage: 2)
        )

        let revision = pending[0].revision
        try await journal.conversations.apply([.createIntended(conversation: "C", parts: [1])])
        #expect(
            try await journal.conversations.transcript(of: "C").1 == [
                ConversationNote(part: 1, noteId: nil, digest: nil, createIntended: true)
            ])
        // A message arrives while the note is being written: delivering the revision read leaves it pending.
        _ = try await journal.conversations.record([message("C", "m2", at: 2)])
        try await journal.conversations.apply([
            .noted(conversation: "C", part: 1, noteId: "9001", digest: "d1"),
            .delivered(conversation: "C", revision: revision),
        ])
        pending = try await journal.conversations.pending(after: nil, limit: 10)
        #expect(pending.map(\.conversation) == ["C", "D"])
        try await journal.conversations.apply([.delivered(conversation: "C", revision: pending[0].revision)])
        #expect(try await journal.conversations.pending(after: nil, limit: 10).map(\.conversation) == ["D"])
        #expect(
            try await journal.conversations.conversations(ofLead: "L-1") == [
                ConversationInfo(
                    conversation: "C", lead: "L-1", messages: 2, state: .delivered,
                    notes: [ConversationNote(part: 1, noteId: "9001", digest: "d1", createIntended: false)])
            ])

        try await journal.conversations.apply([
            .rejected(
                conversation: "C", category: "OBJECT_NOT_FOUND", message: "gone", atMilliseconds: 7, forgetPart: 1)
        ])
        _ = try await journal.conversations.record([message("C", "m3", at: 3)])
        #expect(try await journal.conversations.pending(after: nil, limit: 10).map(\.conversation) == ["D"])
        #expect(
            try await journal.conversations.rejected() == [
                RejectedConversation(
                    conversation: "C", lead: "L-1", category: "OBJECT_NOT_FOUND", message: "gone", atMilliseconds: 7)
            ])
        #expect(try await journal.conversations.conversations(ofLead: "L-1").first?.state == .rejected)
        #expect(
            try await journal.conversations.counts()
                == ConversationCounts(conversations: 2, pending: 1, lastMessage: 4, rejected: 1))

        #expect(try await journal.conversations.retry(["C", "unknown"]) == 1)
        #expect(try await journal.conversations.rejected().isEmpty)
        #expect(try await journal.conversations.pending(after: nil, limit: 10).map(\.conversation) == ["C", "D"])
        #expect(try await journal.conversations.transcript(of: "C").1.isEmpty)
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

    @Test func theLeadsContactIdComesWithThePendingConversation() async throws {
        _ = try await journal.conversations.record([message("C", "m1", at: 1), message("D", "m1", at: 1, lead: "L-2")])
        try await journal.changeLog.record(lead: "L-1", fields: ["email": .string("a@example.com")])
        _ = try await journal.changeLog.fold()
        try await journal.ledger.recordOutcomes([LeadOutcome(lead: "L-1", remoteID: .set("512"), fields: [])])
        let pending = try await journal.conversations.pending(after: nil, limit: 10)
        #expect(pending.map(\.contactId) == ["512", nil])
        #expect(try await journal.conversations.pending(after: "C", limit: 10).map(\.conversation) == ["D"])
    }
}

import Foundation
import LeadSyncJournal
import LeadSyncPostgres
import LeadSyncSupport
import Testing

/// The conversation store's contract, run on SQLite and on a PostgreSQL tenant: recording
/// messages and summaries (the `ConversationWriter`'s rules), the notes lane's outcomes, pending
/// and rejected conversations.
@Suite struct ConversationConformanceTests {
    static func message(
        _ conversation: String, _ id: String?, at: Int64, lead: String = "L-1", from: String = "visitor",
        text: String = "hi"
    ) -> ConversationEntry {
        ConversationEntry(
            lead: lead, conversation: conversation, atMilliseconds: at, message: .init(id: id, from: from, text: text))
    }

    func message(
        _ conversation: String, _ id: String?, at: Int64, lead: String = "L-1", from: String = "visitor",
        text: String = "hi"
    ) -> ConversationEntry {
        Self.message(conversation, id, at: at, lead: lead, from: from, text: text)
    }

    @Test(arguments: StoreBackend.allCases)
    func aKnownMessageIdIsACountedDuplicateNotASecondEntry(backend: StoreBackend) async throws {
        try await backend.withStores { stores in
            let first = try await stores.conversations.record([
                message("C", "m1", at: 1), message("C", "m2", at: 2), message("C", "m1", at: 3),
            ])
            #expect(first.messages == 2 && first.duplicateMessages == 1)
            let again = try await stores.conversations.record([
                message("C", "m2", at: 2), message("C", nil, at: 4), message("C", nil, at: 4),
            ])
            #expect(again.messages == 2 && again.duplicateMessages == 1)
            // The same id in another conversation is another message.
            #expect(try await stores.conversations.record([message("D", "m1", at: 1)]).messages == 1)
            let (transcript, _) = try await stores.conversations.transcript(of: "C")
            #expect(transcript.messages.count == 4)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aConversationBelongsToTheLeadOfItsFirstLine(backend: StoreBackend) async throws {
        try await backend.withStores { stores in
            let report = try await stores.conversations.record([
                message("C", "m1", at: 1, lead: "L-1"), message("C", "m2", at: 2, lead: "L-2"),
                message("C", "m3", at: 3, lead: "L-1"),
            ])
            #expect(report.messages == 2)
            #expect(report.refused == [1: "conversation C belongs to lead L-1"])
            let later = try await stores.conversations.record([message("C", "m4", at: 4, lead: "L-9")])
            #expect(later.refused == [0: "conversation C belongs to lead L-1"] && later.messages == 0)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func messagesShowInAtOrderTiesInAppendOrderAndTheLatestSummaryWins(backend: StoreBackend) async throws {
        try await backend.withStores { stores in
            _ = try await stores.conversations.record([
                message("C", "late", at: 30, text: "third"), message("C", "early", at: 10, text: "first"),
                message("C", "tie-a", at: 20, text: "second-a"), message("C", "tie-b", at: 20, text: "second-b"),
                ConversationEntry(lead: "L-1", conversation: "C", atMilliseconds: 50, summary: .set("newest")),
                ConversationEntry(
                    lead: "L-1", conversation: "C", atMilliseconds: 40, summary: .set("older, delivered late")),
            ])
            var (transcript, _) = try await stores.conversations.transcript(of: "C")
            #expect(transcript.messages.map(\.text) == ["first", "second-a", "second-b", "third"])
            #expect(transcript.summary == "newest" && transcript.summaryAt == 50)
            _ = try await stores.conversations.record([
                ConversationEntry(lead: "L-1", conversation: "C", atMilliseconds: 50, summary: .remove)
            ])
            (transcript, _) = try await stores.conversations.transcript(of: "C")
            #expect(transcript.summary == nil)
            // A removal keeps its time: an older summary arriving later does not come back.
            _ = try await stores.conversations.record([
                ConversationEntry(lead: "L-1", conversation: "C", atMilliseconds: 45, summary: .set("stale"))
            ])
            (transcript, _) = try await stores.conversations.transcript(of: "C")
            #expect(transcript.summary == nil)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func pendingUntilTheRevisionReadIsDeliveredAndRejectedUntilRetried(backend: StoreBackend) async throws {
        try await backend.withStores { stores in
            _ = try await stores.conversations.record([
                message("C", "m1", at: 1), message("D", "m1", at: 1, lead: "L-2"),
            ])
            _ = try await stores.changeLog.record(lead: "L-1", fields: ["email": .string("a@example.com")])
            var pending = try await stores.conversations.pending(after: nil, limit: 10)
            #expect(pending.map(\.conversation) == ["C", "D"])
            #expect(pending.map(\.contactId) == [nil, nil])
            #expect(
                try await stores.conversations.counts()
                    == ConversationCounts(conversations: 2, pending: 2, lastMessage: 2)
            )

            let revision = pending[0].revision
            try await stores.conversations.apply([.createIntended(conversation: "C", parts: [1])])
            #expect(
                try await stores.conversations.transcript(of: "C").1 == [
                    ConversationNote(part: 1, noteId: nil, digest: nil, createIntended: true)
                ])
            // A message arrives while the note is being written: delivering the revision read leaves it pending.
            _ = try await stores.conversations.record([message("C", "m2", at: 2)])
            try await stores.conversations.apply([
                .noted(conversation: "C", part: 1, noteId: "9001", digest: "d1"),
                .delivered(conversation: "C", revision: revision),
            ])
            pending = try await stores.conversations.pending(after: nil, limit: 10)
            #expect(pending.map(\.conversation) == ["C", "D"])
            try await stores.conversations.apply([.delivered(conversation: "C", revision: pending[0].revision)])
            #expect(try await stores.conversations.pending(after: nil, limit: 10).map(\.conversation) == ["D"])
            #expect(
                try await stores.conversations.conversations(ofLead: "L-1") == [
                    ConversationInfo(
                        conversation: "C", lead: "L-1", messages: 2, state: .delivered,
                        notes: [ConversationNote(part: 1, noteId: "9001", digest: "d1", createIntended: false)])
                ])

            try await stores.conversations.apply([
                .rejected(
                    conversation: "C", category: "OBJECT_NOT_FOUND", message: "gone", atMilliseconds: 7, forgetPart: 1)
            ])
            _ = try await stores.conversations.record([message("C", "m3", at: 3)])
            #expect(try await stores.conversations.pending(after: nil, limit: 10).map(\.conversation) == ["D"])
            #expect(
                try await stores.conversations.rejected() == [
                    RejectedConversation(
                        conversation: "C", lead: "L-1", category: "OBJECT_NOT_FOUND", message: "gone", atMilliseconds: 7
                    )
                ])
            #expect(try await stores.conversations.conversations(ofLead: "L-1").first?.state == .rejected)
            #expect(
                try await stores.conversations.counts()
                    == ConversationCounts(conversations: 2, pending: 1, lastMessage: 4, rejected: 1))

            #expect(try await stores.conversations.retry(["C", "unknown"]) == 1)
            #expect(try await stores.conversations.rejected().isEmpty)
            #expect(try await stores.conversations.pending(after: nil, limit: 10).map(\.conversation) == ["C", "D"])
            #expect(try await stores.conversations.transcript(of: "C").1.isEmpty)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func theLeadsContactIdComesWithThePendingConversation(backend: StoreBackend) async throws {
        try await backend.withStores { stores in
            _ = try await stores.conversations.record([
                message("C", "m1", at: 1), message("D", "m1", at: 1, lead: "L-2"),
            ])
            _ = try await stores.changeLog.record(lead: "L-1", fields: ["email": .string("a@example.com")])
            _ = try await stores.changeLog.fold()
            try await stores.ledger.recordSyncStep(
                outcomes: [LeadOutcome(lead: "L-1", remoteID: .set("512"), fields: [])], marks: [:])
            let pending = try await stores.conversations.pending(after: nil, limit: 10)
            #expect(pending.map(\.contactId) == ["512", nil])
            #expect(try await stores.conversations.pending(after: "C", limit: 10).map(\.conversation) == ["D"])
        }
    }
}

/// One tenant's conversations are invisible to another's.
@Suite struct ConversationIsolationTests {
    @Test func aTenantSeesOnlyItsOwnConversations() async throws {
        try await StoreBackend.withPostgresStore { store in
            let acme = try await store.tenant("acme")
            let globex = try await store.tenant("globex")
            _ = try await acme.conversations.record([ConversationConformanceTests.message("C", "m1", at: 1)])
            try await acme.conversations.apply([.noted(conversation: "C", part: 1, noteId: "9001", digest: "d1")])
            #expect(
                try await globex.conversations.counts()
                    == ConversationCounts(conversations: 0, pending: 0, lastMessage: 0))
            #expect(try await globex.conversations.pending(after: nil, limit: 10).isEmpty)
            #expect(try await globex.conversations.conversationsWithNotes().isEmpty)
            #expect(try await globex.conversations.transcript(of: "C").0.messages.isEmpty)
            // The same conversation id and message id in another tenant is its own, owned by its own lead.
            let report = try await globex.conversations.record([
                ConversationConformanceTests.message("C", "m1", at: 1, lead: "L-9")
            ])
            #expect(report.messages == 1 && report.refused.isEmpty)
            #expect(try await acme.conversations.conversations(ofLead: "L-1").map(\.messages) == [1])
            #expect(try await globex.conversations.conversations(ofLead: "L-9").first?.notes == [])
        }
    }
}

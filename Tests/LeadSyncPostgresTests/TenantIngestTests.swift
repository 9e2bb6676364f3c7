import LeadSyncJournal
import LeadSyncPostgres
import Testing

/// An ingest's batch on a tenant: its messages, changes and input mark in one transaction.
@Suite struct TenantIngestTests {
    static let entry = ConversationEntry(
        lead: "L-1", conversation: "C", atMilliseconds: 1, message: .init(id: "m1", from: "v", text: "hi"))
    static let mark = IngestMark(input: "feed", line: 2, lines: 2, lead: "L-1", ingestedAt: 1)

    @Test func aBatchIsKeptWholeOrNotAtAll() async throws {
        try await StoreBackend.withPostgresStore { store in
            let acme = try await store.tenant("acme")
            // A change the store refuses (no lead id) fails the batch after its message was
            // written: neither the message nor the mark is kept.
            await #expect(throws: JournalError.self) {
                _ = try await acme.ingest(
                    entries: [Self.entry],
                    changes: { _ in [LeadChange(lead: "", fields: ["a": 1], atMilliseconds: 1)] },
                    mark: Self.mark)
            }
            #expect(try await acme.conversations.counts().conversations == 0)
            #expect(try await acme.ingestMark(input: "feed") == nil)

            let (lastSeq, report) = try await acme.ingest(
                entries: [Self.entry], changes: { _ in [LeadChange(lead: "L-1", fields: ["a": 1], atMilliseconds: 1)] },
                mark: Self.mark)
            #expect(lastSeq == 1 && report.refused.isEmpty)
            #expect(try await acme.ingestMark(input: "feed") == Self.mark)
            #expect(try await acme.conversations.counts().conversations == 1)
            #expect(try await store.tenant("globex").ingestMark(input: "feed") == nil)
        }
    }
}

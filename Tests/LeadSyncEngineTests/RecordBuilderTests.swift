import HubSpotAPI
import LeadSyncJournal
import LeadSyncSupport
import Testing

@testable import LeadSyncEngine

@Suite struct RecordBuilderTests {
    let builder = RecordBuilder(definitions: ReconcilerStateMachineTests.definitions)

    @Test func emailIsTrimmedAndLowercasedAsKeyAndValue() throws {
        let record = try #require(builder.build(PendingLeadFixture.lead("L-1", email: "  Ada@Example.COM ")).record)
        #expect(record.email?.value == "ada@example.com")
        #expect(record.values.map(\.wire) == ["ada@example.com", "Ada"])
        #expect(Array(record.keys) == [.lead("L-1"), .email("ada@example.com")])
    }

    @Test func noEmailAndNoIDAwaitsIdentity() {
        let built = builder.build(PendingLeadFixture.lead("L-1"))
        #expect(built.record == nil)
        #expect(built.awaitingIdentity)
        #expect(built.rejected.isEmpty)
    }

    @Test func anEmailAlreadyKnownIdentifiesTheLead() throws {
        let record = try #require(builder.build(PendingLeadFixture.lead("L-1", identity: "ADA@example.com")).record)
        #expect(record.email?.value == "ada@example.com")
        #expect(record.values.map(\.property) == ["firstname"])
    }

    @Test func anInvalidEmailIsRejectedAndTheRestWaits() async throws {
        let built = builder.build(PendingLeadFixture.lead("L-1", email: "ada@example"))
        #expect(built.record == nil)
        #expect(built.awaitingIdentity)
        let rejected = try #require(built.rejected.first)
        #expect(rejected.field == "email")
        guard case .rejected(let category, let message, let source) = rejected.result else {
            Issue.record("expected a rejection")
            return
        }
        #expect(category == "VALIDATION_ERROR")
        #expect(message.contains("INVALID_EMAIL"))
        #expect(source == .local)
    }

    @Test func aPreviouslyRefusedEmailStillLeavesTheLeadWaiting() {
        let built = builder.build(PendingLeadFixture.lead("L-1", identity: "not-an-email"))
        #expect(built.record == nil)
        #expect(built.awaitingIdentity)
    }

    @Test func anInvalidEmailOnALinkedLeadGoesByID() throws {
        let built = builder.build(PendingLeadFixture.lead("L-1", email: "not-an-email", remoteID: "512"))
        let record = try #require(built.record)
        #expect(record.remoteID == "512")
        #expect(record.values.map(\.property) == ["firstname"])
        #expect(built.rejected.map(\.field) == ["email"])
    }

    @Test func anEmailChangeOnALinkedLeadUpdatesByID() throws {
        let record = try #require(
            builder.build(PendingLeadFixture.lead("L-1", email: "new@example.com", remoteID: "512", [:])).record)
        #expect(record.remoteID == "512")
        #expect(Array(record.keys) == [.lead("L-1"), .contact("512"), .email("new@example.com")])
        #expect(record.values.first?.wire == "new@example.com")
    }

    @Test func refusalIsPerValueNotPerLead() throws {
        let built = builder.build(
            PendingLeadFixture.lead(
                "L-1", email: "ada@example.com", ["budget": .string("lots"), "first_name": .string("Ada")]))
        let record = try #require(built.record)
        #expect(record.values.map(\.property) == ["email", "firstname"])
        #expect(built.rejected.map(\.field) == ["budget"])
    }

    @Test func onlyRefusedValuesLeaveNothingToSend() {
        let built = builder.build(PendingLeadFixture.lead("L-1", remoteID: "1", ["budget": .string("lots")]))
        #expect(built.record == nil)
        #expect(!built.awaitingIdentity)
        #expect(built.rejected.count == 1)
    }
}

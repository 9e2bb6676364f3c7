import LeadSyncSupport
import Testing

@testable import LeadSyncEngine

@Suite struct RecordBuilderTests {
    let builder = RecordBuilder(
        mappings: [
            PropertyMapping(field: "email", property: "email"),
            PropertyMapping(field: "first_name", property: "firstname"),
            PropertyMapping(field: "company", property: "company", rule: .ifEmpty),
            PropertyMapping(field: "budget", property: "budget"),
        ],
        definitions: [
            "email": PropertyDefinition(name: "email", type: .string),
            "firstname": PropertyDefinition(name: "firstname", type: .string),
            "company": PropertyDefinition(name: "company", type: .string),
            "budget": PropertyDefinition(name: "budget", type: .number),
        ])

    func value(_ v: FieldValue, seq: Int64, at: Int64) -> JournaledValue { JournaledValue(value: v, seq: seq, at: at) }

    func lead(
        _ fields: [String: [JournaledValue]], remoteID: String? = nil, currentEmail: FieldValue? = nil,
        current: [String: JournaledValue] = [:]
    ) -> PendingLead {
        var pending: [String: PendingLead.Field] = [:]
        for (name, values) in fields {
            pending[name] = PendingLead.Field(
                pending: values, current: current[name] ?? RecordBuilder.winner(of: values))
        }
        return PendingLead(lead: "L-1", remoteID: remoteID, fields: pending, currentEmail: currentEmail)
    }

    @Test func latestAtWinsAndTiesGoToTheLaterAppend() throws {
        let built = builder.build(
            lead([
                "email": [value(.string("ada@example.com"), seq: 1, at: 100)],
                "first_name": [
                    value(.string("Ada"), seq: 2, at: 300), value(.string("Old"), seq: 3, at: 200),
                    value(.string("Tie"), seq: 4, at: 300),
                ],
            ]))
        let record = try #require(built.record)
        #expect(record.values.map(\.wire) == ["ada@example.com", "Tie"])
        let first = try #require(record.values.first { $0.property == "firstname" })
        #expect(first.throughSeq == 4)
        #expect(built.outcome.isEmpty)
    }

    @Test func emailIsTrimmedAndLowercasedAsKeyAndValue() throws {
        let record = try #require(
            builder.build(lead(["email": [value(.string("  Ada@Example.COM "), seq: 1, at: 1)]])).record)
        #expect(record.email?.value == "ada@example.com")
        #expect(record.values.first?.wire == "ada@example.com")
        #expect(record.keys.contains("email:ada@example.com"))
    }

    @Test func noEmailAndNoIDAwaitsIdentity() {
        let built = builder.build(lead(["first_name": [value(.string("Ada"), seq: 1, at: 1)]]))
        #expect(built.record == nil)
        #expect(built.outcome.waiting == .awaitingIdentity)
        #expect(built.outcome.fields.isEmpty)
    }

    @Test func anEmailAlreadyKnownIdentifiesTheLead() throws {
        let record = try #require(
            builder.build(
                lead(["first_name": [value(.string("Ada"), seq: 5, at: 5)]], currentEmail: .string("ADA@example.com"))
            ).record)
        #expect(record.email?.value == "ada@example.com")
        #expect(record.values.map(\.property) == ["firstname"])
    }

    @Test func anInvalidEmailIsRejectedAndTheRestWaits() throws {
        let built = builder.build(
            lead([
                "email": [value(.string("ada@example"), seq: 1, at: 1)],
                "first_name": [value(.string("Ada"), seq: 2, at: 2)],
            ]))
        #expect(built.record == nil)
        #expect(built.outcome.waiting == .awaitingIdentity)
        let rejected = try #require(built.outcome.fields.first)
        #expect(rejected.field == "email")
        guard case .rejected(let refusal) = rejected.resolution else {
            Issue.record("expected a rejection")
            return
        }
        #expect(refusal.message.contains("INVALID_EMAIL"))
    }

    @Test func anInvalidEmailOnALinkedLeadGoesByID() throws {
        let built = builder.build(
            lead(
                [
                    "email": [value(.string("not-an-email"), seq: 1, at: 1)],
                    "first_name": [value(.string("Ada"), seq: 2, at: 2)],
                ], remoteID: "512"))
        let record = try #require(built.record)
        #expect(record.remoteID == "512")
        #expect(record.values.map(\.property) == ["firstname"])
        #expect(built.outcome.fields.count == 1)
    }

    @Test func anEmailChangeOnALinkedLeadUpdatesByID() throws {
        let record = try #require(
            builder.build(
                lead(["email": [value(.string("new@example.com"), seq: 9, at: 9)]], remoteID: "512",
                    currentEmail: .string("new@example.com"))
            ).record)
        #expect(record.remoteID == "512")
        #expect(record.values.first?.wire == "new@example.com")
    }

    @Test func anOlderLateChangeIsSupersededByANewerResolvedOne() {
        let late = value(.string("Older"), seq: 10, at: 100)
        let newer = value(.string("Newer"), seq: 4, at: 500)
        let built = builder.build(
            lead(["first_name": [late]], remoteID: "512", current: ["first_name": newer]))
        #expect(built.record == nil)
        #expect(built.outcome.fields == [FieldOutcome(field: "first_name", property: "firstname", throughSeq: 10, resolution: .superseded)])
    }

    @Test func refusalIsPerValueNotPerLead() throws {
        let built = builder.build(
            lead([
                "email": [value(.string("ada@example.com"), seq: 1, at: 1)],
                "budget": [value(.string("lots"), seq: 2, at: 2)],
                "first_name": [value(.string("Ada"), seq: 3, at: 3)],
            ]))
        let record = try #require(built.record)
        #expect(record.values.map(\.property) == ["email", "firstname"])
        #expect(built.outcome.fields.map(\.field) == ["budget"])
    }

    @Test func unmappedFieldsStayLocal() {
        let built = builder.build(lead(["notes": [value(.string("x"), seq: 1, at: 1)]], remoteID: "1"))
        #expect(built.record == nil)
        #expect(built.outcome.isEmpty)
    }
}

import Foundation
import LeadSyncJournal
import LeadSyncSupport
import LeadSyncTestKit
import Testing

@Suite struct JournalDeliveryTests {
    private func journalWithAda() throws -> (TemporaryDirectory, Journal) {
        let dir = try TemporaryDirectory()
        let journal = try Journal(path: dir.path("j.db"), options: JournalOptions(synchronous: .normal))
        try journal.record(
            lead: "L-1", fields: ["email": .string("ada@example.com"), "first_name": .string("Ada"), "note": .string("x")])
        try journal.fold()
        return (dir, journal)
    }

    @Test func pendingLeadsCarryMappedFieldsAndIdentity() throws {
        let (_, journal) = try journalWithAda()
        let leads = try journal.pendingLeads(limit: 10)
        let lead = try #require(leads.first)
        #expect(leads.count == 1 && lead.lead == "L-1" && lead.remoteID == nil)
        #expect(lead.identity == .string("ada@example.com"))
        #expect(Set(lead.fields.map(\.property)) == ["email", "firstname"])
        #expect(try journal.pendingLeads(limit: 10, after: lead.cursor).isEmpty)
    }

    @Test func deliveredOutcomesFinishTheLeadAndSetBaseValues() throws {
        let (_, journal) = try journalWithAda()
        let lead = try #require(try journal.pendingLeads(limit: 1).first)
        try journal.recordOutcomes([
            LeadOutcome(
                lead: "L-1", remoteID: .set("512"),
                fields: lead.fields.map {
                    .init(field: $0.field, seq: $0.seq, result: .delivered(property: $0.property, sent: $0.value.wireString))
                })
        ])
        let status = try journal.status()
        #expect(status.pendingChanges == 0 && status.pendingLeads == 0)
        let record = try #require(try journal.lead("L-1"))
        #expect(record.state == .synced && record.remoteID == "512")
        #expect(record.delivery["first_name"]?.state == .delivered)
        #expect(record.delivery["note"]?.state == .unmapped)
        #expect(try journal.baseValues(lead: "L-1") == ["email": "ada@example.com", "firstname": "Ada"])
        #expect(try journal.lead(remoteID: "512") == "L-1")
        #expect(try journal.check() == [])
    }

    @Test func anOutcomeForAnOlderValueNeverFinishesANewerOne() throws {
        let (_, journal) = try journalWithAda()
        let lead = try #require(try journal.pendingLeads(limit: 1).first)
        let firstName = try #require(lead.fields.first { $0.field == "first_name" })
        try journal.record(lead: "L-1", fields: ["first_name": .string("Augusta")])
        try journal.fold()
        try journal.recordOutcomes([
            LeadOutcome(
                lead: "L-1",
                fields: [.init(field: "first_name", seq: firstName.seq, result: .delivered(property: "firstname", sent: "Ada"))])
        ])
        let record = try #require(try journal.lead("L-1"))
        #expect(record.delivery["first_name"]?.state == .pending)
        #expect(record.fields["first_name"] == .string("Augusta"))
        #expect(try journal.baseValues(lead: "L-1")["firstname"] == "Ada")
        #expect(try journal.check() == [])
    }

    @Test func rejectionsAreListedAndRetryMakesTheCurrentValuePending() throws {
        let (_, journal) = try journalWithAda()
        let lead = try #require(try journal.pendingLeads(limit: 1).first)
        let email = try #require(lead.fields.first { $0.field == "email" })
        let name = try #require(lead.fields.first { $0.field == "first_name" })
        try journal.recordOutcomes([
            LeadOutcome(
                lead: "L-1",
                fields: [
                    .init(
                        field: "email", seq: email.seq,
                        result: .rejected(category: "VALIDATION_ERROR", message: "Email is invalid", source: .remote)),
                    .init(field: "first_name", seq: name.seq, result: .delivered(property: "firstname", sent: "Ada")),
                ])
        ])
        var status = try journal.status()
        #expect(status.rejected == 1 && status.pendingLeads == 0 && status.pendingChanges == 0)
        let entries = try journal.rejectedEntries()
        #expect(entries.count == 1 && entries[0].fields == ["email": .string("ada@example.com")])
        #expect(entries[0].category == "VALIDATION_ERROR" && entries[0].source == .remote)
        #expect(try journal.lead("L-1")?.state == .rejected)

        #expect(throws: JournalError.self) { try journal.retryRejected(ids: [entries[0].id, "999"]) }
        #expect(try journal.rejectedEntries().count == 1)
        #expect(try journal.retryRejected(ids: [entries[0].id]) == 1)
        status = try journal.status()
        #expect(status.rejected == 0 && status.pendingLeads == 1 && status.pendingChanges == 1)
        #expect(try journal.check() == [])
    }

    @Test func skippedValuesCountAndTakeTheRemoteValue() throws {
        let (_, journal) = try journalWithAda()
        let lead = try #require(try journal.pendingLeads(limit: 1).first)
        let name = try #require(lead.fields.first { $0.field == "first_name" })
        try journal.recordOutcomes([
            LeadOutcome(
                lead: "L-1",
                fields: [.init(field: "first_name", seq: name.seq, result: .skipped(property: "firstname", remoteValue: "Ada L."))])
        ])
        #expect(try journal.status().skipped == 1)
        #expect(try journal.lead("L-1")?.fields["first_name"] == .string("Ada L."))
        #expect(try journal.check() == [])
    }

    @Test func mappingChangesMoveValuesInAndOutOfPending() throws {
        let (_, journal) = try journalWithAda()
        #expect(try journal.status().pendingChanges == 1)
        try journal.setMapping(Mapping(field: "note", property: "notes"))
        #expect(try journal.lead("L-1")?.delivery["note"]?.state == .pending)
        // Mapping another field to the same property replaces that mapping.
        let replaced = try journal.setMapping(Mapping(field: "remark", property: "notes", write: .ifEmpty))
        #expect(replaced?.field == "note")
        #expect(try journal.lead("L-1")?.delivery["note"]?.state == .unmapped)
        #expect(try journal.removeMapping(field: "first_name"))
        #expect(try journal.lead("L-1")?.delivery["first_name"]?.state == .unmapped)
        #expect(try !journal.removeMapping(field: "first_name"))
        #expect(throws: JournalError.self) { try journal.removeMapping(field: "email") }
        #expect(throws: JournalError.self) { try journal.setMapping(Mapping(field: "email", property: "work_email")) }
        #expect(try journal.check() == [])
    }

    @Test func pushRulesRefuseCreateWithoutUpdate() throws {
        let (_, journal) = try journalWithAda()
        let off = try journal.setPushRules(update: false, create: nil)
        #expect(off.rules == PushRules(update: false, create: false) && off.createTurnedOff)
        #expect(throws: JournalError.self) { try journal.setPushRules(update: nil, create: true) }
        #expect(throws: JournalError.self) { try journal.setPushRules(update: false, create: true) }
        #expect(try journal.setPushRules(update: true, create: true).rules == PushRules())
    }

    @Test func pullRulesAreStoredInOrder() throws {
        let (_, journal) = try journalWithAda()
        let rule = try journal.addPullRule(property: "lifecyclestage", op: .eq, values: ["lead"])
        try journal.addPullRule(property: "email", op: .hasValue, values: [])
        #expect(throws: JournalError.self) { try journal.addPullRule(property: "x", op: .eq, values: []) }
        #expect(try journal.pullRules().map(\.property) == ["lifecyclestage", "email"])
        try journal.removePullRule(id: rule.id)
        #expect(throws: JournalError.self) { try journal.removePullRule(id: rule.id) }
        #expect(try journal.pullRules().count == 1)
    }

    @Test func unmatchedMarksLastWhileTheLeadIsPending() throws {
        let (_, journal) = try journalWithAda()
        try journal.markLeads(["L-1": .unmatched])
        #expect(try journal.status().unmatched == 1)
        #expect(try journal.lead("L-1")?.state == .unmatched)
        let lead = try #require(try journal.pendingLeads(limit: 1).first)
        try journal.recordOutcomes([
            LeadOutcome(
                lead: "L-1", remoteID: .set("9"),
                fields: lead.fields.map { .init(field: $0.field, seq: $0.seq, result: .delivered(property: $0.property, sent: "")) })
        ])
        #expect(try journal.status().unmatched == 0)
        #expect(try journal.check() == [])
    }

    @Test func compactionKeepsPendingAndTheNewestChange() throws {
        let (_, journal) = try journalWithAda()
        try journal.record(lead: "L-2", fields: ["note": .string("local only")])
        try journal.record(lead: "L-3", fields: ["note": .string("local only")])
        try journal.fold()
        #expect(try journal.compact(olderThan: Int64.max) == 1)
        #expect(try journal.status().journalEntries == 2)
        let next = try journal.record(lead: "L-4", fields: [:])
        #expect(next == 4)
        #expect(try journal.check() == [])
    }
}

@Suite struct ForgetRemoteStateTests {
    @Test func forgettingTheAccountMakesEveryMappedValuePendingAgain() throws {
        let dir = try TemporaryDirectory()
        let journal = try Journal(path: dir.path("j.db"), options: JournalOptions(synchronous: .normal))
        try journal.record(lead: "L-1", fields: ["email": .string("a@b.io"), "first_name": .string("A"), "note": .string("x")])
        try journal.fold()
        let lead = try #require(try journal.pendingLeads(limit: 1).first)
        try journal.recordOutcomes([
            LeadOutcome(
                lead: "L-1", remoteID: .set("7"),
                fields: lead.fields.map {
                    .init(
                        field: $0.field, seq: $0.seq,
                        result: $0.field == "email"
                            ? .delivered(property: "email", sent: "a@b.io")
                            : .rejected(category: "VALIDATION_ERROR", message: "no", source: .remote))
                })
        ])
        #expect(try journal.status().pendingLeads == 0)
        try journal.forgetRemoteState()
        let status = try journal.status()
        #expect(status.pendingLeads == 1 && status.pendingChanges == 1 && status.rejected == 0)
        let record = try #require(try journal.lead("L-1"))
        #expect(record.remoteID == nil && record.delivery["note"]?.state == .unmapped)
        #expect(try journal.baseValues(lead: "L-1").isEmpty)
        #expect(try journal.check() == [])
    }
}

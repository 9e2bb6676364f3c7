import Foundation
import LeadSyncJournal
import LeadSyncSupport
import LeadSyncTestKit
import Testing

@Suite struct JournalDeliveryTests {
    private func journalWithAda() async throws -> (TemporaryDirectory, Journal) {
        let dir = try TemporaryDirectory()
        let journal = try Journal(path: dir.path("j.db"), options: JournalOptions(synchronous: .normal))
        try await journal.changeLog.record(
            lead: "L-1",
            fields: ["email": .string("ada@example.com"), "first_name": .string("Ada"), "note": .string("x")])
        try await journal.changeLog.fold()
        return (dir, journal)
    }

    @Test func pendingLeadsCarryMappedFieldsAndIdentity() async throws {
        let (_, journal) = try await journalWithAda()
        let leads = try await journal.leads.pendingLeads(limit: 10)
        let lead = try #require(leads.first)
        #expect(leads.count == 1 && lead.lead == "L-1" && lead.remoteID == nil)
        #expect(lead.identity == .string("ada@example.com"))
        #expect(Set(lead.fields.map(\.property)) == ["email", "firstname"])
        #expect(try await journal.leads.pendingLeads(limit: 10, after: lead.cursor).isEmpty)
    }

    @Test func pendingLeadsChangedAfterASeqAreThoseItsLaterChangesTouched() async throws {
        let (_, journal) = try await journalWithAda()
        try await journal.changeLog.record(lead: "L-2", fields: ["email": .string("bob@example.com")])
        try await journal.changeLog.fold()
        let start = try await journal.changeLog.lastSeq()
        #expect(start == 2)
        try await journal.changeLog.record(lead: "L-3", fields: ["note": .string("unmapped: not pending")])
        try await journal.changeLog.record(lead: "L-2", fields: ["first_name": .string("Bob")])
        try await journal.changeLog.record(lead: "L-4", fields: ["email": .string("cy@example.com")])
        try await journal.changeLog.fold()
        let (leads, through) = try await journal.leads.pendingLeads(changedAfter: start, limit: 10)
        #expect(leads.map(\.lead) == ["L-2", "L-4"], "in the order of their changes; L-1 is older, L-3 not pending")
        #expect(Set(leads[0].fields.map(\.property)) == ["email", "firstname"])
        #expect(through == 5)
        #expect(try await journal.leads.pendingLeads(changedAfter: through, limit: 10).leads.isEmpty)
    }

    @Test func aChangeAppendedAfterTheFoldIsLeftForTheNextLook() async throws {
        // A drain folds, then asks which leads changed; a change recorded in between must not be
        // passed over, or it waits for the drain's next pass.
        let (_, journal) = try await journalWithAda()
        try await journal.changeLog.record(lead: "L-1", fields: ["first_name": .string("Ada Lovelace")])
        let first = try await journal.leads.pendingLeads(changedAfter: 0, limit: 10)
        #expect(first.leads.map(\.lead) == ["L-1"])
        #expect(first.through == 1, "change 2 is not folded yet")
        try await journal.changeLog.fold()
        let next = try await journal.leads.pendingLeads(changedAfter: first.through, limit: 10)
        #expect(next.through == 2)
        #expect(next.leads.first?.fields.first { $0.field == "first_name" }?.value == .string("Ada Lovelace"))
    }

    @Test func deliveredOutcomesFinishTheLeadAndSetBaseValues() async throws {
        let (_, journal) = try await journalWithAda()
        let lead = try #require(try await journal.leads.pendingLeads(limit: 1).first)
        try await journal.ledger.recordOutcomes([
            LeadOutcome(
                lead: "L-1", remoteID: .set("512"),
                fields: lead.fields.map {
                    .init(
                        field: $0.field, seq: $0.seq,
                        result: .delivered(property: $0.property, sent: $0.value.wireString))
                })
        ])
        let status = try await journal.leads.status()
        #expect(status.pendingChanges == 0 && status.pendingLeads == 0)
        let record = try #require(try await journal.leads.lead("L-1"))
        #expect(record.state == .synced && record.remoteID == "512")
        #expect(record.delivery["first_name"]?.state == .delivered)
        #expect(record.delivery["note"]?.state == .unmapped)
        #expect(try await journal.ledger.baseValues(lead: "L-1") == ["email": "ada@example.com", "firstname": "Ada"])
        #expect(try await journal.leads.lead(remoteID: "512") == "L-1")
        #expect(try await journal.maintenance.check() == [])
    }

    @Test func anOutcomeForAnOlderValueNeverFinishesANewerOne() async throws {
        let (_, journal) = try await journalWithAda()
        let lead = try #require(try await journal.leads.pendingLeads(limit: 1).first)
        let firstName = try #require(lead.fields.first { $0.field == "first_name" })
        try await journal.changeLog.record(lead: "L-1", fields: ["first_name": .string("Augusta")])
        try await journal.changeLog.fold()
        try await journal.ledger.recordOutcomes([
            LeadOutcome(
                lead: "L-1",
                fields: [
                    .init(
                        field: "first_name", seq: firstName.seq, result: .delivered(property: "firstname", sent: "Ada"))
                ])
        ])
        let record = try #require(try await journal.leads.lead("L-1"))
        #expect(record.delivery["first_name"]?.state == .pending)
        #expect(record.fields["first_name"] == .string("Augusta"))
        #expect(try await journal.ledger.baseValues(lead: "L-1")["firstname"] == "Ada")
        #expect(try await journal.maintenance.check() == [])
    }

    @Test func rejectionsAreListedAndRetryMakesTheCurrentValuePending() async throws {
        let (_, journal) = try await journalWithAda()
        let lead = try #require(try await journal.leads.pendingLeads(limit: 1).first)
        let email = try #require(lead.fields.first { $0.field == "email" })
        let name = try #require(lead.fields.first { $0.field == "first_name" })
        try await journal.ledger.recordOutcomes([
            LeadOutcome(
                lead: "L-1",
                fields: [
                    .init(
                        field: "email", seq: email.seq,
                        result: .rejected(category: "VALIDATION_ERROR", message: "Email is invalid", source: .remote)),
                    .init(field: "first_name", seq: name.seq, result: .delivered(property: "firstname", sent: "Ada")),
                ])
        ])
        var status = try await journal.leads.status()
        #expect(status.rejected == 1 && status.pendingLeads == 0 && status.pendingChanges == 0)
        let entries = try await journal.ledger.rejectedEntries()
        #expect(entries.count == 1 && entries[0].fields == ["email": .string("ada@example.com")])
        #expect(entries[0].category == "VALIDATION_ERROR" && entries[0].source == .remote)
        #expect(try await journal.leads.lead("L-1")?.state == .rejected)

        await #expect(throws: JournalError.self) {
            try await journal.ledger.retryRejected(ids: [entries[0].id, "999"])
        }
        #expect(try await journal.ledger.rejectedEntries().count == 1)
        #expect(try await journal.ledger.retryRejected(ids: [entries[0].id]) == 1)
        status = try await journal.leads.status()
        #expect(status.rejected == 0 && status.pendingLeads == 1 && status.pendingChanges == 1)
        #expect(try await journal.maintenance.check() == [])
    }

    @Test func skippedValuesCountAndTakeTheRemoteValue() async throws {
        let (_, journal) = try await journalWithAda()
        let lead = try #require(try await journal.leads.pendingLeads(limit: 1).first)
        let name = try #require(lead.fields.first { $0.field == "first_name" })
        try await journal.ledger.recordOutcomes([
            LeadOutcome(
                lead: "L-1",
                fields: [
                    .init(
                        field: "first_name", seq: name.seq,
                        result: .skipped(property: "firstname", remoteValue: "Ada L."))
                ])
        ])
        #expect(try await journal.leads.status().skipped == 1)
        #expect(try await journal.leads.lead("L-1")?.fields["first_name"] == .string("Ada L."))
        #expect(try await journal.maintenance.check() == [])
    }

    @Test func mappingChangesMoveValuesInAndOutOfPending() async throws {
        let (_, journal) = try await journalWithAda()
        #expect(try await journal.leads.status().pendingChanges == 1)
        try await journal.configuration.setMapping(Mapping(field: "note", property: "notes"))
        #expect(try await journal.leads.lead("L-1")?.delivery["note"]?.state == .pending)
        // Mapping another field to the same property replaces that mapping.
        let replaced = try await journal.configuration.setMapping(
            Mapping(field: "remark", property: "notes", write: .ifEmpty))
        #expect(replaced?.field == "note")
        #expect(try await journal.leads.lead("L-1")?.delivery["note"]?.state == .unmapped)
        #expect(try await journal.configuration.removeMapping(field: "first_name"))
        #expect(try await journal.leads.lead("L-1")?.delivery["first_name"]?.state == .unmapped)
        await #expect(try !journal.configuration.removeMapping(field: "first_name"))
        await #expect(throws: JournalError.self) { try await journal.configuration.removeMapping(field: "email") }
        await #expect(throws: JournalError.self) {
            try await journal.configuration.setMapping(Mapping(field: "email", property: "work_email"))
        }
        #expect(try await journal.maintenance.check() == [])
    }

    @Test func pushRulesRefuseCreateWithoutUpdate() async throws {
        let (_, journal) = try await journalWithAda()
        let off = try await journal.configuration.setPushRules(update: false, create: nil)
        #expect(off.rules == PushRules(update: false, create: false) && off.createTurnedOff)
        await #expect(throws: JournalError.self) {
            try await journal.configuration.setPushRules(update: nil, create: true)
        }
        await #expect(throws: JournalError.self) {
            try await journal.configuration.setPushRules(update: false, create: true)
        }
        #expect(try await journal.configuration.setPushRules(update: true, create: true).rules == PushRules())
    }

    @Test func pullRulesAreStoredInOrder() async throws {
        let (_, journal) = try await journalWithAda()
        let rule = try await journal.configuration.addPullRule(property: "lifecyclestage", op: .eq, values: ["lead"])
        try await journal.configuration.addPullRule(property: "email", op: .hasValue, values: [])
        await #expect(throws: JournalError.self) {
            try await journal.configuration.addPullRule(property: "x", op: .eq, values: [])
        }
        #expect(try await journal.configuration.pullRules().map(\.property) == ["lifecyclestage", "email"])
        try await journal.configuration.removePullRule(id: rule.id)
        await #expect(throws: JournalError.self) { try await journal.configuration.removePullRule(id: rule.id) }
        #expect(try await journal.configuration.pullRules().count == 1)
    }

    @Test func unmatchedMarksLastWhileTheLeadIsPending() async throws {
        let (_, journal) = try await journalWithAda()
        try await journal.ledger.markLeads(["L-1": .unmatched])
        #expect(try await journal.leads.status().unmatched == 1)
        #expect(try await journal.leads.lead("L-1")?.state == .unmatched)
        let lead = try #require(try await journal.leads.pendingLeads(limit: 1).first)
        try await journal.ledger.recordOutcomes([
            LeadOutcome(
                lead: "L-1", remoteID: .set("9"),
                fields: lead.fields.map {
                    .init(field: $0.field, seq: $0.seq, result: .delivered(property: $0.property, sent: ""))
                })
        ])
        #expect(try await journal.leads.status().unmatched == 0)
        #expect(try await journal.maintenance.check() == [])
    }

    @Test func compactionKeepsPendingAndTheNewestChange() async throws {
        let (_, journal) = try await journalWithAda()
        try await journal.changeLog.record(lead: "L-2", fields: ["note": .string("local only")])
        try await journal.changeLog.record(lead: "L-3", fields: ["note": .string("local only")])
        try await journal.changeLog.fold()
        #expect(try await journal.maintenance.compact(olderThan: Int64.max) == 1)
        #expect(try await journal.leads.status().journalEntries == 2)
        let next = try await journal.changeLog.record(lead: "L-4", fields: [:])
        #expect(next == 4)
        #expect(try await journal.maintenance.check() == [])
    }
}

@Suite struct ForgetRemoteStateTests {
    @Test func forgettingTheAccountMakesEveryMappedValuePendingAgain() async throws {
        let dir = try TemporaryDirectory()
        let journal = try Journal(path: dir.path("j.db"), options: JournalOptions(synchronous: .normal))
        try await journal.changeLog.record(
            lead: "L-1", fields: ["email": .string("a@b.io"), "first_name": .string("A"), "note": .string("x")])
        try await journal.changeLog.fold()
        let lead = try #require(try await journal.leads.pendingLeads(limit: 1).first)
        try await journal.ledger.recordOutcomes([
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
        #expect(try await journal.leads.status().pendingLeads == 0)
        try await journal.ledger.forgetRemoteState()
        let status = try await journal.leads.status()
        #expect(status.pendingLeads == 1 && status.pendingChanges == 1 && status.rejected == 0)
        let record = try #require(try await journal.leads.lead("L-1"))
        #expect(record.remoteID == nil && record.delivery["note"]?.state == .unmapped)
        #expect(try await journal.ledger.baseValues(lead: "L-1").isEmpty)
        #expect(try await journal.maintenance.check() == [])
    }
}

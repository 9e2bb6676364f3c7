import Foundation
import LeadSyncJournal
import LeadSyncSupport
import LeadSyncTestKit
import Testing

@Suite struct JournalAppendTests {
    @Test func newJournalHasSchemaDefaultsAndEmptyCounters() async throws {
        let dir = try TemporaryDirectory()
        let journal = try Journal(path: dir.path("j.db"))
        #expect(journal.created)
        #expect(try await journal.maintenance.schemaVersionOnDisk() == Journal.schemaVersion)
        #expect(try await journal.configuration.mappings().count == Mapping.defaults.count)
        #expect(try await journal.configuration.pushRules() == PushRules(update: true, create: true))
        let reopened = try Journal(path: dir.path("j.db"))
        #expect(!reopened.created)
        let status = try await reopened.leads.status()
        #expect(status.journalEntries == 0 && status.pendingChanges == 0 && status.pendingLeads == 0)
    }

    @Test func recordReturnsIncreasingSeqsAndBatchesAreOneTransaction() async throws {
        let dir = try TemporaryDirectory()
        let journal = try Journal(path: dir.path("j.db"))
        let first = try await journal.changeLog.record(lead: "L-1", fields: ["email": .string("a@example.com")])
        let last = try await journal.changeLog.record(
            (0..<10).map { LeadChange(lead: "L-\($0)", fields: ["x": .number("\($0)")]) })
        #expect(last == first + 10)
        await #expect(throws: JournalError.self) {
            try await journal.changeLog.record([
                LeadChange(lead: "L-ok", fields: [:]), LeadChange(lead: "", fields: [:]),
            ])
        }
        #expect(try await journal.leads.status().journalEntries == 11)
    }

    @Test func asyncRecordIsDurableAndVisibleToAnotherConnection() async throws {
        let dir = try TemporaryDirectory()
        let journal = try Journal(path: dir.path("j.db"))
        try await journal.changeLog.record(lead: "L-1", fields: ["first_name": .string("Ada")])
        let other = try Journal(path: dir.path("j.db"))
        await #expect(try other.leads.lead("L-1")?.fields["first_name"] == .string("Ada"))
    }

    @Test func latestAtWinsAndTiesGoToTheLaterAppend() async throws {
        let dir = try TemporaryDirectory()
        let journal = try Journal(path: dir.path("j.db"))
        let t = Date(timeIntervalSince1970: 1_800_000_000)
        try await journal.changeLog.record(lead: "L-1", fields: ["company": .string("new")], at: t)
        try await journal.changeLog.record(
            lead: "L-1", fields: ["company": .string("old")], at: t.addingTimeInterval(-60))
        try await journal.changeLog.record(lead: "L-1", fields: ["phone": .string("1")], at: t)
        try await journal.changeLog.record(lead: "L-1", fields: ["phone": .string("2")], at: t)
        let lead = try #require(try await journal.leads.lead("L-1"))
        #expect(lead.fields["company"] == .string("new"))
        #expect(lead.fields["phone"] == .string("2"))
        // Superseded values are not pending: only the winning company and phone changes are.
        #expect(try await journal.leads.status().pendingChanges == 2)
        #expect(try await journal.maintenance.check() == [])
    }

    @Test func numbersKeepTheirTextAndNullClears() async throws {
        let dir = try TemporaryDirectory()
        let journal = try Journal(path: dir.path("j.db"))
        try await journal.changeLog.record(
            lead: "L-1", fields: ["budget": .number("0.10"), "ok": .bool(true), "phone": .string("1")])
        try await journal.changeLog.record(lead: "L-1", fields: ["phone": .null])
        let lead = try #require(try await journal.leads.lead("L-1"))
        #expect(lead.fields["budget"] == .number("0.10"))
        #expect(lead.fields["ok"] == .bool(true))
        #expect(lead.fields["phone"] == .null)
    }

    @Test func unmappedFieldsNeverKeepAChangePending() async throws {
        let dir = try TemporaryDirectory()
        let journal = try Journal(path: dir.path("j.db"))
        try await journal.changeLog.record(lead: "L-1", fields: ["conversation_summary": .string("talked")])
        let status = try await journal.leads.status()
        #expect(status.pendingChanges == 0 && status.pendingLeads == 0 && status.journalEntries == 1)
        #expect(try await journal.leads.fieldsSeen() == ["conversation_summary"])
        #expect(try await journal.leads.lead("L-1")?.state == .synced)
    }

    @Test func leadsWithoutIdentityAwaitIt() async throws {
        let dir = try TemporaryDirectory()
        let journal = try Journal(path: dir.path("j.db"))
        try await journal.changeLog.record(lead: "L-1", fields: ["first_name": .string("Ada")])
        #expect(try await journal.leads.status().awaitingIdentity == 1)
        #expect(try await journal.leads.lead("L-1")?.state == .awaitingIdentity)
        try await journal.changeLog.record(lead: "L-1", fields: ["email": .string(" ada@example.com ")])
        let status = try await journal.leads.status()
        #expect(status.awaitingIdentity == 0 && status.pendingLeads == 1 && status.pendingChanges == 2)
        #expect(try await journal.leads.lead("L-1")?.state == .pending)
        #expect(try await journal.maintenance.check() == [])
    }

    @Test func statusFoldsAtMostTheReadLimitAndReportsTheRest() async throws {
        let dir = try TemporaryDirectory()
        var options = JournalOptions(synchronous: .normal)
        options.readFoldLimit = 3
        options.foldWindow = 2
        let journal = try Journal(path: dir.path("j.db"), options: options)
        try await journal.changeLog.record(
            (0..<10).map { LeadChange(lead: "L-\($0)", fields: ["email": .string("\($0)@x.io")]) })
        #expect(try await journal.leads.status().unfoldedChanges == 7)
        try await journal.changeLog.fold()
        let status = try await journal.leads.status()
        #expect(status.unfoldedChanges == 0 && status.pendingLeads == 10)
    }
}

import Foundation
import LeadSyncJournal
import LeadSyncSupport
import LeadSyncTestKit
import Testing

/// A journal written by an earlier schema opens with today's code: it is migrated in place and
/// keeps every value, delivery state, base value, rejection, mark and counter.
@Suite struct JournalUpgradeTests {
    /// `fixtures/journal/schema-1.db` was written by the code of schema 1 (main at 516ded8): six
    /// leads through a fold, a sync step (delivered, rejected, skipped, unmatched), a pulled
    /// record, a new mapping and late changes.
    @Test func aSchema1JournalUpgradesWithItsDataIntact() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("j.db")
        try FileManager.default.copyItem(atPath: Fixtures.url("journal/schema-1.db").path, toPath: path)
        let journal = try Journal(path: path)
        #expect(!journal.created)
        #expect(try await journal.maintenance.schemaVersionOnDisk() == Journal.schemaVersion)
        #expect(try await journal.maintenance.check() == [])

        let status = try await journal.leads.status()
        #expect(status.journalEntries == 9 && status.unfoldedChanges == 0)
        #expect(status.pendingChanges == 5 && status.pendingLeads == 4)
        #expect(status.awaitingIdentity == 1 && status.unmatched == 1)
        #expect(status.rejected == 1 && status.skipped == 1)

        let ada = try #require(try await journal.leads.lead("L-1"))
        #expect(ada.state == .synced && ada.remoteID == "101")
        #expect(
            ada.fields == ["email": .string("ada@example.com"), "first_name": .string("Ada"), "note": .string("x")])
        #expect(try await journal.ledger.baseValues(lead: "L-1") == ["email": "ada@example.com", "firstname": "Ada"])

        let grace = try #require(try await journal.leads.lead("L-2"))
        #expect(grace.state == .rejected && grace.delivery["phone"]?.state == .rejected)
        #expect(grace.rejected.map(\.category) == ["VALIDATION_ERROR"])

        let barbara = try #require(try await journal.leads.lead("L-6"))
        #expect(barbara.fields["job_title"] == .string("CEO") && barbara.delivery["job_title"]?.state == .skipped)

        let alan = try #require(try await journal.leads.lead("L-3"))
        #expect(alan.state == .pending && alan.pending.count == 2)
        #expect(try await journal.leads.lead("L-4")?.state == .awaitingIdentity)
        let edsger = try #require(try await journal.leads.lead("L-5"))
        #expect(edsger.state == .unmatched && edsger.fields["budget"] == .number("0.10"))
        #expect(edsger.delivery["budget"]?.state == .pending)

        #expect(try await journal.leads.lead(remoteID: "109") == "hubspot-109")
        #expect(
            try await journal.ledger.baseValues(lead: "hubspot-109") == [
                "email": "kathleen@example.com", "firstname": "",
            ])
        #expect(try await journal.configuration.setting(.timeZone) == "Europe/Paris")

        let window = try await journal.leads.pendingLeads(limit: 10)
        #expect(window.map(\.lead) == ["L-3", "L-4", "L-5", "L-7"])
        #expect(window.first?.fields.map(\.field) == ["email", "first_name"])
        #expect(window.first?.identity == .string("alan@example.com"))

        // The upgraded journal goes on working: the pending values are delivered.
        try await journal.ledger.recordOutcomes(
            window.map { lead in
                LeadOutcome(
                    lead: lead.lead, remoteID: .set("2\(lead.cursor)"),
                    fields: lead.fields.map {
                        .init(field: $0.field, seq: $0.seq, result: .delivered(property: $0.property, sent: "v"))
                    })
            })
        let after = try await journal.leads.status()
        #expect(
            after.pendingChanges == 0 && after.pendingLeads == 0 && after.awaitingIdentity == 0 && after.unmatched == 0)
        #expect(try await journal.maintenance.check() == [])
    }

    /// `fixtures/journal/schema-5.db` was written by the code of schema 5 (main at 52542fc,
    /// `leadsync ingest` of four changes over three leads, input id `fixture-1`): it gains the
    /// table of a fold in lead order's progress, and an ingest folds into it lead by lead.
    @Test func aSchema5JournalUpgradesAndIngestsIntoItLeadByLead() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("j.db")
        try FileManager.default.copyItem(atPath: Fixtures.url("journal/schema-5.db").path, toPath: path)
        let journal = try Journal(path: path)
        #expect(try await journal.maintenance.schemaVersionOnDisk() == Journal.schemaVersion)
        #expect(try await journal.maintenance.check() == [])
        let before = try await journal.leads.status()
        #expect(before.journalEntries == 4 && before.pendingLeads == 3 && before.unfoldedChanges == 0)
        #expect(
            try await journal.leads.lead("L-1")?.fields == [
                "email": .string("ada@example.com"), "first_name": .string("Augusta"), "last_name": .string("Lovelace"),
            ])

        let pipe = Pipe()
        let writer = pipe.fileHandleForWriting
        writer.write(
            Data(
                """
                {"lead":"L-3","at":1764000000010,"fields":{"email":"alan@example.com"}}
                {"lead":"L-4","at":1764000000011,"fields":{"first_name":"Edsger"}}
                {"lead":"L-1","at":1764000000001,"fields":{"first_name":"Older"}}

                """.utf8))
        try writer.close()
        let report = try Ingester(journal: journal, format: .ndjson, defaultAt: 0, inputID: "fixture-2")
            .run(fileDescriptor: pipe.fileHandleForReading.fileDescriptor)
        #expect(report.appended == 3)
        let after = try await journal.leads.status()
        #expect(after.journalEntries == 7 && after.unfoldedChanges == 0 && after.pendingLeads == 4)
        #expect(try await journal.leads.lead("L-1")?.fields["first_name"] == .string("Augusta"))
        #expect(
            try await journal.leads.lead("L-3")?.fields == [
                "email": .string("alan@example.com"), "first_name": .string("Alan"),
            ])
        #expect(try await journal.maintenance.check() == [])
    }
}

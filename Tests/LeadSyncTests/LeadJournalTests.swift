import Foundation
import LeadSync
import LeadSyncTestKit
import Testing

/// The embedding API's journal side: recording, status, a lead, on a real SQLite file.
struct LeadJournalTests {
    @Test func recordedChangesAreReadBackWithTheirDecimalText() async throws {
        let directory = try TemporaryDirectory(prefix: "leadsync-embed")
        let leads = try LeadJournal(path: directory.path("leads.db"), credentials: .token("unused"))
        try await leads.record(
            lead: "L-1", fields: ["email": "ada@example.com", "seats": 40, "budget": .number("12.50")])
        try await leads.record([LeadChange(lead: "L-2", fields: ["first_name": "Bo", "vip": true])])
        let status = try await leads.status()
        #expect(status.pendingLeads == 2)
        let lead = try #require(try await leads.lead("L-1"))
        #expect(
            lead.fields == ["email": .string("ada@example.com"), "seats": .number("40"), "budget": .number("12.50")])
        #expect(lead.remoteID == nil)
        #expect(try await leads.lead("L-404") == nil)
    }

    @Test func aResentMessageIsADuplicateAndAnotherLeadsConversationIsRefused() async throws {
        let directory = try TemporaryDirectory(prefix: "leadsync-embed")
        let leads = try LeadJournal(path: directory.path("leads.db"), credentials: .stored)
        #expect(try await leads.record(message: "Hi", id: "m1", from: "visitor", conversation: "C-1", lead: "L-1"))
        #expect(try await !leads.record(message: "Hi", id: "m1", from: "visitor", conversation: "C-1", lead: "L-1"))
        let error = await #expect(throws: LeadJournalError.self) {
            try await leads.record(message: "Hi", id: "m2", from: "visitor", conversation: "C-1", lead: "L-2")
        }
        #expect(error?.message.contains("belongs to lead L-1") == true, "\(String(describing: error))")
        await #expect(throws: LeadJournalError.self) {
            try await leads.record(message: "", from: "visitor", conversation: "C-2", lead: "L-1")
        }
    }

    @Test func aTokenNeverShowsInTheCredentialsDescription() {
        let credentials = LeadJournal.Credentials.token("pat-na1-canary-0042")
        for text in ["\(credentials)", String(reflecting: credentials), "\([credentials])"] {
            #expect(!text.contains("canary"), "\(text)")
        }
    }
}

import Foundation
import LeadSyncJournal
import LeadSyncSQLite
import LeadSyncTestKit
import Testing

@Suite struct LeadAndJournalCommandTests {
    @Test func leadShowPrintsValuesDeliveryPendingAndRejections() async throws {
        let cli = try LeadsyncCLI()
        _ = try cli.run(
            "ingest",
            stdin: """
                {"lead":"L-1","at":"2026-11-28T10:00:00Z","fields":{"email":"ada@example.com","phone":"1","note":"hi"}}
                {"lead":"L-1","at":"2026-11-28T11:00:00Z","fields":{"phone":null}}
                """)
        let journal = try Journal(path: cli.db)
        let pending = try #require(try await journal.leads.pendingLeads(limit: 1).first)
        let email = try #require(pending.fields.first { $0.field == "email" })
        try await journal.ledger.recordOutcomes([
            LeadOutcome(
                lead: "L-1", remoteID: .set("512"),
                fields: [
                    .init(
                        field: "email", seq: email.seq,
                        result: .rejected(category: "INVALID_EMAIL", message: "bad", source: .remote))
                ])
        ])
        let (result, document) = try cli.json("lead", "show", "L-1")
        #expect(result.status == 0)
        let lead = try #require(document as? [String: Any])
        #expect(lead["lead"] as? String == "L-1" && lead["hubspot_id"] as? String == "512")
        #expect(lead["state"] as? String == "pending")
        let fields = try #require(lead["fields"] as? [String: Any])
        #expect(fields["phone"] is NSNull && fields["note"] as? String == "hi")
        let delivery = try #require(lead["delivery"] as? [String: [String: Any]])
        #expect(delivery["phone"]?["property"] as? String == "phone")
        #expect(delivery["phone"]?["value"] as? String == "")
        #expect(delivery["note"]?["property"] is NSNull && delivery["note"]?["state"] as? String == "unmapped")
        #expect(delivery["email"]?["state"] as? String == "rejected")
        let changes = try #require(lead["pending"] as? [[String: Any]])
        #expect(changes.map { $0["seq"] as? Int } == [2])
        let rejected = try #require(lead["rejected"] as? [[String: Any]])
        #expect(
            rejected.first?["category"] as? String == "INVALID_EMAIL"
                && rejected.first?["source"] as? String == "hubspot")
        // The human text counts the pending changes before naming their seqs.
        let text = try cli.run("lead", "show", "L-1")
        #expect(text.stdoutText.contains("pending changes: 1 (seq 2)"), "\(text.stdoutText)")
    }

    @Test func anUnknownLeadExitsOne() throws {
        let cli = try LeadsyncCLI()
        let result = try cli.run("lead", "show", "L-nobody")
        #expect(result.status == 1)
        #expect(result.stderr.contains("L-nobody") && result.stdout.isEmpty)
    }

    @Test func journalCheckCompactAndBackup() async throws {
        let cli = try LeadsyncCLI()
        _ = try cli.run(
            "ingest",
            stdin: (1...5).map { #"{"lead":"L-\#($0)","at":1764000000000,"fields":{"note":"x"}}"# }.joined(
                separator: "\n"))
        let (check, report) = try cli.json("journal", "check")
        #expect(check.status == 0)
        #expect((report as? [String: Any])?["ok"] as? Bool == true)
        let (compact, removed) = try cli.json("journal", "compact")
        #expect(compact.status == 0)
        #expect((removed as? [String: Any])?["removed"] as? Int == 4)
        #expect((removed as? [String: Any])?["removed_messages"] as? Int == 0, "no conversation was delivered")
        let copy = cli.directory.path("backup.db")
        #expect(try cli.run("journal", "backup", copy).status == 0)
        #expect(try await Journal(path: copy).leads.status().journalEntries == 1)
        #expect(try cli.run("journal", "backup", copy).status == 1)
    }

    @Test func journalCheckFailsWhenACounterIsWrong() throws {
        let cli = try LeadsyncCLI()
        _ = try cli.run("ingest", stdin: #"{"lead":"L-1","fields":{"email":"a@b.io"}}"#)
        // Damage a counter behind the journal's back, as a bug or a bad restore would.
        let db = try Connection(path: cli.db)
        try db.execute("UPDATE counter SET value = value + 7 WHERE name = 'pending_leads'")
        try db.execute("UPDATE lead SET pending_changes = pending_changes + 1")
        let (result, report) = try cli.json("journal", "check")
        #expect(result.status == 1)
        let problems = try #require((report as? [String: Any])?["problems"] as? [String])
        #expect(problems.contains { $0.contains("pending_leads") })
        #expect(problems.contains { $0.contains("wrong pending count") })
    }

    @Test func generateIsDeterministicAndIngestible() throws {
        let cli = try LeadsyncCLI()
        let first = try cli.run("generate", "--leads", "50", "--changes", "400", "--seed", "9")
        let second = try cli.run("generate", "--leads", "50", "--changes", "400", "--seed", "9")
        let other = try cli.run("generate", "--leads", "50", "--changes", "400", "--seed", "10")
        #expect(first.status == 0 && first.stdout == second.stdout && first.stdout != other.stdout)
        #expect(first.stdoutText.split(separator: "\n").count == 400)
        let (ingest, report) = try cli.json("ingest", stdin: first.stdoutText)
        #expect(ingest.status == 0)
        #expect((report as? [String: Any])?["appended"] as? Int == 400)
        #expect(try cli.run("generate", "--leads", "0").status == 2)
    }
}

import Foundation
import HubSpotSimulator
import LeadSyncTestKit
import Testing

/// Conversation data through the CLI: ingest counts, sync, status, lead show, rejected list/retry.
@Suite struct ConversationCommandTests {
    @Test func conversationsFromIngestToNotesAndBack() throws {
        let fixture = try SyncCommandTests.Fixture()
        defer { fixture.simulator.stop() }
        let lines = """
            {"lead": "L-1", "at": "2026-11-28T10:15:00Z", "conversation": "C-77", "message": {"id": "m1", "from": "visitor", "text": "Hi, what does Pro cost?"}}
            {"lead": "L-1", "at": "2026-11-28T10:15:09Z", "conversation": "C-77", "message": {"id": "m2", "from": "agent", "text": "Pro is $40."}, "fields": {"email": "ada@example.com"}}
            {"lead": "L-1", "at": "2026-11-28T10:15:09Z", "conversation": "C-77", "message": {"id": "m2", "from": "agent", "text": "Pro is $40."}}
            {"lead": "L-1", "at": "2026-11-28T10:20:00Z", "conversation": "C-77", "summary": "Wants Pro."}
            {"lead": "L-2", "conversation": "C-77", "message": {"from": "visitor", "text": "not mine"}}
            {"lead": "L-3", "conversation": "C-9", "message": {"from": "visitor", "text": "no email yet"}}

            """
        let (ingest, report) = try fixture.cli.json("ingest", stdin: lines)
        #expect(ingest.status == 1)
        let counts = try #require(report as? [String: Any])
        #expect(counts["appended"] as? Int == 5)
        #expect(counts["messages"] as? Int == 3)
        #expect(counts["duplicate_messages"] as? Int == 1)
        #expect(
            (counts["invalid"] as? [[String: Any]])?.first?["error"] as? String
                == "conversation C-77 belongs to lead L-1")

        var (_, status) = try fixture.cli.json("status")
        #expect((status as? [String: Any])?["conversations"] as? Int == 2)
        #expect((status as? [String: Any])?["conversations_pending"] as? Int == 2)

        let sync = try fixture.sync("--once", "--log-level", "trace")
        #expect(sync.status == 0, "\(sync.stderr)")
        #expect(!sync.stderr.contains("Pro is"), "message texts never in logs")
        let note = try #require(fixture.simulator.notes().only)
        (_, status) = try fixture.cli.json("status")
        #expect((status as? [String: Any])?["conversations_pending"] as? Int == 1)

        var (_, shown) = try fixture.cli.json("lead", "show", "L-1")
        let conversations = try #require((shown as? [String: Any])?["conversations"] as? [[String: Any]])
        #expect(conversations.count == 1)
        #expect(conversations.first?["id"] as? String == "C-77")
        #expect(conversations.first?["messages"] as? Int == 2)
        #expect(conversations.first?["state"] as? String == "delivered")
        #expect(conversations.first?["notes"] as? [String] == [note.id])
        (_, shown) = try fixture.cli.json("lead", "show", "L-3")
        #expect(
            ((shown as? [String: Any])?["conversations"] as? [[String: Any]])?.first?["state"] as? String == "pending")

        var (verified, found) = try fixture.cli.json("verify", "--all", environment: fixture.environment)
        #expect(verified.status == 0, "\(verified.stderr)")
        #expect((found as? [String: Any])?["checked"] as? Int == 2)

        // Deleted in HubSpot: verify says so; the next change rejects the conversation; retry makes the note again.
        #expect(fixture.simulator.deleteNote(id: note.id))
        (verified, found) = try fixture.cli.json("verify", "--all", environment: fixture.environment)
        #expect(verified.status == 1)
        let difference = try #require(((found as? [String: Any])?["differences"] as? [[String: Any]])?.only)
        #expect(difference["hubspot_id"] as? String == note.id && difference["property"] as? String == "hs_note_body")
        #expect(difference["actual"] is NSNull)
        _ = try fixture.cli.run(
            ["ingest"],
            stdin: Data(
                #"{"lead": "L-1", "conversation": "C-77", "message": {"id": "m3", "from": "visitor", "text": "Still there?"}}"#
                    .utf8))
        #expect(try fixture.sync("--once").status == 0)
        let (_, listed) = try fixture.cli.json("rejected", "list")
        let entry = try #require((listed as? [[String: Any]])?.first)
        #expect(entry["id"] as? String == "conversation:C-77")
        #expect(entry["category"] as? String == "OBJECT_NOT_FOUND")
        #expect(entry["lead"] as? String == "L-1")
        (_, status) = try fixture.cli.json("status")
        #expect((status as? [String: Any])?["rejected"] as? Int == 1)
        #expect(try fixture.cli.run("rejected", "retry", "conversation:C-404").status == 1)
        let (_, retried) = try fixture.cli.json("rejected", "retry", "conversation:C-77")
        #expect((retried as? [String: Any])?["retried"] as? Int == 1)
        #expect(try fixture.sync("--once").status == 0)
        let again = try #require(fixture.simulator.notes().filter { !$0.archived }.only)
        #expect(again.properties["hs_note_body"]?.contains("Still there?") == true)
    }
}

extension Collection {
    /// The one element, or nil when there are none or several.
    var only: Element? { count == 1 ? first : nil }
}

import Foundation
import LeadSyncJournal
import LeadSyncSupport
import LeadSyncWorkload
import Testing

@Suite struct ConversationGeneratorTests {
    private static let demo = WorkloadSpec(leads: 20_000, changes: 100_000, seed: 1)

    @Test func sameSeedSameLinesOtherSeedOtherLines() {
        let spec = ConversationSpec(WorkloadSpec(leads: 100, changes: 500, seed: 5), conversations: 160)
        let lines = Array(ConversationGenerator(spec))
        #expect(lines == Array(ConversationGenerator(spec)))
        #expect(
            lines
                != Array(
                    ConversationGenerator(
                        ConversationSpec(WorkloadSpec(leads: 100, changes: 500, seed: 6), conversations: 160))))
        #expect(Set(lines.map(\.conversation)).count == 160)
    }

    /// The demo's set (issue 9): at least 30,000 conversations with 150,000 messages over its
    /// 20,000 leads, some with summaries, some on leads that never get an email, and every case
    /// the contract names.
    @Test func theDemoSetHasTheConversationsTheIssueAsksFor() {
        let lines = Array(ConversationGenerator(ConversationSpec(Self.demo, conversations: 32_000)))
        let expected = ExpectedConversations(lines)
        #expect(expected.conversations.count >= 30_000)
        #expect(expected.messages >= 150_000)
        let transcripts = expected.conversations.values.map(\.transcript)
        #expect(transcripts.filter { $0.summary != nil }.count > 5_000)
        #expect(expected.duplicateMessages > 500)
        #expect(
            transcripts.contains { $0.messages.map(\.text.utf8.count).reduce(0, +) > 65_536 },
            "some need a continuation note")
        #expect(lines.contains { if case .summary(nil) = $0.content { true } else { false } })

        let withoutEmail = Set(
            LeadSetGenerator(Self.demo).prefix(Self.demo.leads)
                .filter { change in !change.fields.contains { $0.name == "email" } }.map(\.lead))
        let waiting = expected.conversations.values.filter { withoutEmail.contains($0.lead) }.count
        #expect(waiting > 1_000, "conversations on leads awaiting an email: \(waiting)")
    }

    /// Lines carry exactly the contract's keys, and every text survives JSON escaping.
    @Test func ndjsonLinesHaveTheContractsShape() throws {
        let spec = ConversationSpec(WorkloadSpec(leads: 50, changes: 200, seed: 11), conversations: 200)
        for line in ConversationGenerator(spec) {
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(line.ndjsonLine.utf8)) as? [String: Any])
            #expect(object["lead"] as? String == line.lead)
            #expect(object["conversation"] as? String == line.conversation)
            #expect(object["at"] as? String == Timestamp.format(epochMilliseconds: line.atMilliseconds))
            #expect(object["fields"] == nil)
            switch line.content {
            case .message(let message):
                #expect(Set(object.keys) == ["lead", "at", "conversation", "message"])
                let sent = try #require(object["message"] as? [String: Any])
                #expect(sent["id"] as? String == message.id)
                #expect(sent["from"] as? String == message.from)
                #expect(sent["text"] as? String == message.text)
            case .summary(let text):
                #expect(Set(object.keys) == ["lead", "at", "conversation", "summary"])
                if let text {
                    #expect(object["summary"] as? String == text)
                } else {
                    #expect(object["summary"] is NSNull)
                }
            }
        }
    }

    @Test func expectedTranscriptsFollowTheContractsRules() {
        func message(_ id: String?, _ text: String, at: Int64, lead: String = "L-1") -> GeneratedConversationLine {
            GeneratedConversationLine(
                lead: lead, atMilliseconds: at, conversation: "C-1",
                content: .message(.init(id: id, from: "visitor", text: text)))
        }
        func summary(_ text: String?, at: Int64) -> GeneratedConversationLine {
            GeneratedConversationLine(lead: "L-1", atMilliseconds: at, conversation: "C-1", content: .summary(text))
        }
        let expected = ExpectedConversations([
            message("m1", "first", at: 10), message("m2", "third", at: 30), message("m1", "resent", at: 10),
            message(nil, "second", at: 20), message(nil, "second again", at: 20), summary("latest", at: 50),
            summary("older, sent later", at: 40), message("m3", "other lead's line", at: 5, lead: "L-2"),
        ])
        let conversation = expected.conversations["C-1"]!
        #expect(conversation.lead == "L-1", "a conversation belongs to the lead of its first line")
        #expect(
            conversation.transcript.messages.map(\.text) == ["first", "second", "second again", "third"],
            "another lead's line is invalid")
        #expect(conversation.transcript.summary == "latest")
        #expect(conversation.transcript.summaryAt == 50)
        #expect(expected.duplicateMessages == 1)

        let removed = ExpectedConversations([message("m1", "hi", at: 1), summary("set", at: 2), summary(nil, at: 3)])
        #expect(removed.conversations["C-1"]!.transcript.summary == nil)
        #expect(removed.conversations["C-1"]!.transcript.summaryAt == nil)
    }
}

import LeadSyncEngine
import LeadSyncJournal
import LeadSyncSupport
import Testing

@Suite("NoteRenderer: the note body of a conversation")
struct NoteRendererTests {
    let at = Timestamp.parse("2026-11-28T10:15:00Z")!

    @Test func summaryFirstThenMessagesWithSpeakerAndUTCTimeThenTheClosingLine() {
        let transcript = ConversationTranscript(
            conversation: "C-77", summary: "Wants 40 seats", summaryAt: at + 60_000,
            messages: [.init(from: "visitor", text: "Hi", at: at), .init(from: "agent", text: "Hello", at: at + 9_000)])
        let notes = NoteRenderer.render(transcript)
        #expect(
            notes == [
                RenderedNote(
                    part: 1,
                    body: "<p><strong>Summary</strong><br>Wants 40 seats</p>"
                        + "<p><strong>visitor</strong> 2026-11-28 10:15:00 UTC<br>Hi</p>"
                        + "<p><strong>agent</strong> 2026-11-28 10:15:09 UTC<br>Hello</p>"
                        + "<p>leadsync: conversation C-77</p>",
                    timestamp: at)
            ])
    }

    @Test func everyTextIsEscapedAndLineBreaksBecomeBreaks() {
        let transcript = ConversationTranscript(
            conversation: "C<1>&", summary: nil,
            messages: [.init(from: "<b>Ada</b>", text: "a < b && \"c\" 'd'\nZürich 日本 🙂\r\nend", at: at)])
        let body = NoteRenderer.render(transcript)[0].body
        #expect(
            body == "<p><strong>&lt;b&gt;Ada&lt;/b&gt;</strong> 2026-11-28 10:15:00 UTC<br>"
                + "a &lt; b &amp;&amp; &quot;c&quot; &#39;d&#39;<br>Zürich 日本 🙂<br>end</p>"
                + "<p>leadsync: conversation C&lt;1&gt;&amp;</p>")
    }

    @Test func aSummaryOnlyConversationIsStampedWithTheSummary() {
        let notes = NoteRenderer.render(
            ConversationTranscript(conversation: "C", summary: "s", summaryAt: at, messages: []))
        #expect(notes.map(\.timestamp) == [at])
    }

    @Test func partsContinuePastTheLimitAndNothingIsCut() {
        let messages = (0..<30).map {
            ConversationTranscript.Message(
                from: "agent", text: String(repeating: "é", count: 1_000), at: at + Int64($0))
        }
        let transcript = ConversationTranscript(conversation: "C-9", summary: "sum", summaryAt: at, messages: messages)
        let notes = NoteRenderer.render(transcript, limit: 10_000)
        #expect(notes.count > 1)
        #expect(notes.allSatisfy { $0.body.utf8.count <= 10_000 })
        #expect(notes.map(\.part) == Array(1...notes.count))
        #expect(notes[0].body.hasPrefix("<p><strong>Summary</strong>"))
        #expect(notes.dropFirst().allSatisfy { !$0.body.contains("Summary") })
        #expect(notes[1].body.hasSuffix("<p>leadsync: part 2 of conversation C-9</p>"))
        #expect(notes.map { $0.body.components(separatedBy: "<strong>agent</strong>").count - 1 }.reduce(0, +) == 30)
        // Each continuation is stamped with its own first message.
        #expect(notes[1].timestamp > notes[0].timestamp)
    }

    @Test func aMessageLongerThanTheLimitIsSplitAcrossParts() {
        let text = String(repeating: "a&b ", count: 5_000)
        let notes = NoteRenderer.render(
            ConversationTranscript(conversation: "C", messages: [.init(from: "v", text: text, at: at)]), limit: 4_096)
        #expect(notes.count > 1)
        #expect(notes.allSatisfy { $0.body.utf8.count <= 4_096 })
        let rebuilt = notes.map { note in
            let start = note.body.range(of: "<br>")!.upperBound
            let end = note.body.range(of: "</p>", range: start..<note.body.endIndex)!.lowerBound
            return String(note.body[start..<end])
        }.joined()
        #expect(rebuilt == NoteRenderer.escape(text))
        #expect(notes[1].body.hasPrefix("<p><strong>v</strong> 2026-11-28 10:15:00 UTC (continued)<br>"))
    }

    @Test func theRealLimitHoldsAMessageOfTheLongestLine() {
        let text = String(repeating: "x", count: 200_000)
        let notes = NoteRenderer.render(
            ConversationTranscript(conversation: "C", messages: [.init(from: "v", text: text, at: at)]))
        #expect(notes.count == 4)
        #expect(notes.allSatisfy { $0.body.utf8.count <= NoteRenderer.bodyLimit })
    }

    @Test func partsNeverShrinkBelowTheNotesAlreadyWritten() {
        let notes = NoteRenderer.render(
            ConversationTranscript(conversation: "C", messages: [.init(from: "v", text: "t", at: at)]), minimumParts: 2)
        #expect(notes.count == 2)
        #expect(notes[1].body.hasSuffix("<p>leadsync: part 2 of conversation C</p>"))
    }

    @Test func theTwoClosingLinesCannotBeConfused() {
        // A conversation named like a part-2 line still closes with the part-1 form.
        let tricky = NoteRenderer.closingLine(conversation: "part 2 of conversation C", part: 1)
        #expect(tricky == "<p>leadsync: conversation part 2 of conversation C</p>")
        #expect(tricky != NoteRenderer.closingLine(conversation: "C", part: 2))
    }

    @Test func aNoteIsRecognisedByItsClosingLineOnly() {
        let notes = NoteRenderer.render(
            ConversationTranscript(conversation: "C-7", messages: [.init(from: "v", text: "t", at: at)]),
            minimumParts: 2)
        #expect(NoteRenderer.body(notes[0].body, isPart: 1, of: "C-7"))
        #expect(NoteRenderer.body(notes[1].body, isPart: 2, of: "C-7"))
        #expect(!NoteRenderer.body(notes[0].body, isPart: 2, of: "C-7"))
        #expect(!NoteRenderer.body(notes[0].body, isPart: 1, of: "C"))
        #expect(!NoteRenderer.body(notes[1].body, isPart: 1, of: "C-7"))
        #expect(!NoteRenderer.body("<p>leadsync: conversation C-77</p>", isPart: 1, of: "C-7"))
    }
}

import LeadSyncEngine
import LeadSyncJournal
import Testing

/// Where retention may cut a delivered conversation (decision 0032), without HubSpot: the cut
/// ends between messages older than the cutoff, and the parts after it render as before.
@Suite struct ConversationSealingTests {
    let at: Int64 = 1_764_000_000_000
    /// About 30 KB rendered: two fit in a note, the third starts the next.
    func message(_ n: Int, length: Int = 30_000) -> ConversationTranscript.Message {
        .init(from: "visitor", text: "m\(n) " + String(repeating: "x", count: length), at: at + Int64(n) * 1_000)
    }
    func delivered(_ parts: Int) -> [ConversationNote] {
        (1...parts).map { ConversationNote(part: $0, noteId: "\($0)", digest: "d", createIntended: false) }
    }

    @Test func theCutSealsWholePartsOlderThanTheCutoffAndTheRestRendersAsBefore() throws {
        let transcript = ConversationTranscript(conversation: "C", messages: (1...5).map { message($0) })
        let before = NoteRenderer.render(transcript)
        #expect(before.count == 3, "two messages a part")

        // m5 (in part 3) is not older than the cutoff: parts 1 and 2 go, with m1–m4.
        let seal = try #require(
            ConversationSealing.cut(transcript, notes: delivered(3), revision: 9, olderThan: at + 5_000))
        #expect(
            seal
                == ConversationSeal(
                    conversation: "C", revision: 9, sealedBefore: 0, parts: 2, messages: 4, sealsAll: false))
        let rest = ConversationTranscript(conversation: "C", messages: [message(5)], sealedParts: 2)
        #expect(NoteRenderer.render(rest, minimumParts: 3) == [before[2]])

        // Everything is old: every part goes.
        let all = try #require(
            ConversationSealing.cut(transcript, notes: delivered(3), revision: 9, olderThan: at + 6_000))
        #expect(all.parts == 3 && all.messages == 5 && all.sealsAll)
        // Nothing is old enough.
        #expect(ConversationSealing.cut(transcript, notes: delivered(3), revision: 9, olderThan: at + 1_000) == nil)
    }

    @Test func aLateMessageAfterAFullSealStartsTheNextPart() {
        let late = ConversationTranscript(conversation: "C", messages: [message(0, length: 10)], sealedParts: 3)
        let notes = NoteRenderer.render(late, minimumParts: 3)
        #expect(notes.map(\.part) == [4])
        #expect(notes[0].body.hasSuffix("<p>leadsync: part 4 of conversation C</p>"))
        #expect(notes[0].timestamp == at)
    }

    @Test func aMessageSplitAcrossPartsIsNeverCut() throws {
        // m1 fills part 1 and goes on in part 2; m2 follows it there.
        let transcript = ConversationTranscript(
            conversation: "C", messages: [message(1, length: 70_000), message(2, length: 10)])
        #expect(NoteRenderer.render(transcript).count == 2)
        #expect(ConversationSealing.cut(transcript, notes: delivered(2), revision: 1, olderThan: at + 2_000) == nil)
        let all = try #require(
            ConversationSealing.cut(transcript, notes: delivered(2), revision: 1, olderThan: at + 3_000))
        #expect(all.parts == 2 && all.messages == 2)
    }

    @Test func aFreshSummaryKeepsTheLastPartOpen() throws {
        let transcript = ConversationTranscript(
            conversation: "C", summary: "s", summaryAt: at + 60_000, messages: (1...3).map { message($0) })
        #expect(NoteRenderer.render(transcript).count == 2)
        let seal = try #require(
            ConversationSealing.cut(transcript, notes: delivered(2), revision: 4, olderThan: at + 10_000))
        #expect(seal.parts == 1 && seal.messages == 2 && !seal.sealsAll)
        let old = try #require(
            ConversationSealing.cut(transcript, notes: delivered(2), revision: 4, olderThan: at + 61_000))
        #expect(old.sealsAll && old.messages == 3)
    }
}

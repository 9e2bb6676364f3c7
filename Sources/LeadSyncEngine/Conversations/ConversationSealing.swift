package import LeadSyncJournal

/// Where retention may cut a delivered conversation (decision 0032): after the longest run of
/// its open parts, from the first, that shows only messages older than the cutoff and ends
/// between two messages. Those parts stay in HubSpot as they are and their messages leave the
/// journal; later messages keep their places in the parts after them, which render exactly as
/// before the cut (parts fill greedily from their first message).
package enum ConversationSealing {
    /// The cut of `transcript` (of a conversation delivered at `revision`, with `notes`), or nil
    /// when no open part may be sealed yet.
    ///
    /// Every part may go once all its messages are older than `cutoff`, and then the summary too
    /// unless it changed since the cutoff: a fresh summary keeps the last part open.
    package static func cut(
        _ transcript: ConversationTranscript, notes: [ConversationNote], revision: Int64, olderThan cutoff: Int64
    ) -> ConversationSeal? {
        let parts = NoteRenderer.layout(transcript, minimumParts: NoteWork.lastKnownPart(notes))
        let freshSummary = transcript.summary != nil && (transcript.summaryAt ?? .max) >= cutoff
        var best: (parts: Int, messages: Int)?
        for (index, part) in parts.enumerated() {
            // The newest message the part shows (in display order, the last it starts).
            let shown = min(part.messagesThrough + (part.endsInsideBlock ? 1 : 0), transcript.messages.count)
            if shown > 0, transcript.messages[shown - 1].at >= cutoff { break }
            let all = index + 1 == parts.count
            if part.messagesThrough > 0 && !part.endsInsideBlock && !(all && freshSummary) {
                best = (index + 1, part.messagesThrough)
            }
        }
        guard let best else { return nil }
        return ConversationSeal(
            conversation: transcript.conversation, revision: revision, sealedBefore: transcript.sealedParts,
            parts: best.parts, messages: best.messages, sealsAll: best.parts == parts.count)
    }
}

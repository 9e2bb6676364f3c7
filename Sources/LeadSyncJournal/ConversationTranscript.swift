/// Everything a conversation's note shows: its summary and its messages in display order (`at`,
/// then append order). Message texts are personal data: never log them.
package struct ConversationTranscript: Sendable, Equatable {
    /// One message as the journal holds it.
    package struct Message: Sendable, Equatable {
        /// The speaker's role or name, as ingested.
        package var from: String
        package var text: String
        /// Epoch milliseconds.
        package var at: Int64

        package init(from: String, text: String, at: Int64) {
            self.from = from
            self.text = text
            self.at = at
        }
    }

    package var conversation: String
    package var summary: String?
    /// When the current summary was written (epoch ms); nil without a summary.
    package var summaryAt: Int64?
    package var messages: [Message]
    /// Parts retention sealed (decision 0032): their notes keep what they held, their messages
    /// are gone from the journal, and ``messages`` continue in the parts after them.
    package var sealedParts: Int

    package init(
        conversation: String, summary: String? = nil, summaryAt: Int64? = nil, messages: [Message],
        sealedParts: Int = 0
    ) {
        self.conversation = conversation
        self.summary = summary
        self.summaryAt = summaryAt
        self.messages = messages
        self.sealedParts = sealedParts
    }
}

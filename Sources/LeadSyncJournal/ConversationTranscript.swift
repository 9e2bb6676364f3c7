/// Everything a conversation's note shows: its summary and its messages in display order (`at`,
/// then append order). Message texts are personal data: never log them.
public struct ConversationTranscript: Sendable, Equatable {
    /// One message as the journal holds it.
    public struct Message: Sendable, Equatable {
        /// The speaker's role or name, as ingested.
        public var from: String
        public var text: String
        /// Epoch milliseconds.
        public var at: Int64

        public init(from: String, text: String, at: Int64) {
            self.from = from
            self.text = text
            self.at = at
        }
    }

    public var conversation: String
    public var summary: String?
    /// When the current summary was written (epoch ms); nil without a summary.
    public var summaryAt: Int64?
    public var messages: [Message]

    public init(conversation: String, summary: String? = nil, summaryAt: Int64? = nil, messages: [Message]) {
        self.conversation = conversation
        self.summary = summary
        self.summaryAt = summaryAt
        self.messages = messages
    }
}

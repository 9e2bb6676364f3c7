/// One conversation line: a message, a summary change, or both, for one conversation of one lead.
///
/// ```swift
/// try await journal.conversations.record([ConversationEntry(
///     lead: "L-1042", conversation: "C-77", atMilliseconds: now,
///     message: .init(id: "m1", from: "visitor", text: "Hi"))])
/// ```
public struct ConversationEntry: Sendable, Hashable {
    /// A message of the conversation. Its text is personal data: never log it.
    public struct Message: Sendable, Hashable {
        /// The sender's own id for the message: a second message with the same id in the same
        /// conversation is a duplicate, counted and not appended.
        public var id: String?
        /// The speaker's role or name (non-empty), shown as written.
        public var from: String
        /// Non-empty.
        public var text: String

        public init(id: String? = nil, from: String, text: String) {
            self.id = id
            self.from = from
            self.text = text
        }
    }

    /// What a line does to the conversation's summary.
    public enum Summary: Sendable, Hashable {
        case set(String)
        /// `"summary": null`: the conversation has no summary any more.
        case remove
    }

    /// Conversation ids longer than this are invalid.
    public static let maximumConversationIdLength = 256

    public var lead: String
    public var conversation: String
    /// When it was said or summarised (epoch ms): messages are shown in this order; the latest
    /// summary wins.
    public var atMilliseconds: Int64
    public var message: Message?
    public var summary: Summary?

    public init(
        lead: String, conversation: String, atMilliseconds: Int64, message: Message? = nil, summary: Summary? = nil
    ) {
        self.lead = lead
        self.conversation = conversation
        self.atMilliseconds = atMilliseconds
        self.message = message
        self.summary = summary
    }

    /// Why this entry cannot be journaled, or nil when it can (the owner check needs the journal).
    public var problem: String? {
        if lead.isEmpty { return "a conversation line needs a non-empty lead id" }
        if conversation.isEmpty { return "\"conversation\" must not be empty" }
        if conversation.count > Self.maximumConversationIdLength {
            return "\"conversation\" is longer than \(Self.maximumConversationIdLength) characters"
        }
        if message == nil && summary == nil { return "a conversation line needs \"message\" or \"summary\"" }
        if let message {
            if message.from.isEmpty { return "message \"from\" must not be empty" }
            if message.text.isEmpty { return "message \"text\" must not be empty" }
        }
        return nil
    }
}

/// What recording conversation entries did.
public struct ConversationRecordReport: Sendable, Hashable {
    /// Messages appended.
    public var messages = 0
    /// Messages whose (conversation, id) was already journaled: not appended again.
    public var duplicateMessages = 0
    /// Entries refused, by their index in the recorded list, with the reason (a conversation of
    /// another lead). Nothing of a refused entry is journaled.
    public var refused: [Int: String] = [:]

    public init() {}
}
